"""Recording (or importing) a meeting, then processing it with a progress bar per stage."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.jobs import in_child
from app.live_job import decode_recording
from app.pipeline import STAGE_LABELS, ProcessOptions, Progress
from app.ui.choice import ask_choice
from app.ui.worker import Worker, WorkerPool
from asr import LiveLine, LiveText, Recorder, StreamFactory, follow_recording, list_input_devices
from core import paths
from core.errors import SanhuiError

log = logging.getLogger(__name__)

AUDIO_FILTER = "录音文件 (*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.wma *.amr *.mp4 *.mov);;所有文件 (*)"
SILENT_WARN_SECONDS = 15.0
NO_AUDIO_WARN_SECONDS = 2.0
LIVE_MODEL = "base"  # the preview while a remote recogniser is set: speed, whatever model that uses
LIVE_PLACEHOLDER = "开始录音后，这里实时显示发言文字：每段讲话结束后即为最终转写，停止录音后无需从头重新转写。"
BEHIND_NOTE_SECONDS = 45.0  # the live pass this far behind the recording is worth saying
CLOSE_WAIT_SECONDS = 15.0  # closing waits this long for the writer to put the backlog on disk
# Answers to the question asked when the window closes during a recording.
KEEP_RECORDING, STOP_AND_SAVE, CANCEL = "keep", "stop", "cancel"


def elapsed_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class CapturePanel(QWidget):
    warning_changed = Signal(str)  # a recording problem appeared or cleared ("" when all is well)
    audio_ready = Signal(Path)  # a finished recording or an imported file, to be processed
    recording_saved = Signal(Path)  # the writer finished the file after stop (processed or not)
    cancel_requested = Signal()

    def __init__(self, stream_factory: StreamFactory | None = None, parent=None):
        super().__init__(parent)
        self.stream_factory = stream_factory
        self.recorder: Recorder | None = None
        self.processing = False  # a previous recording is being processed
        self._saving = False  # stopped; the writer is still putting the backlog on disk
        self._process_after_save = False
        # Answers the close question instead of a message box (tests; see confirm_close).
        self.ask_close: Callable[[], str] | None = None
        self.meeting_title = ""
        self.meeting_names: list[str] = []  # the roster, restored in the live text
        self.meeting_hotwords: list[str] = []
        # The live transcript follows the file the recorder writes, in a child process of its own.
        # A test source (file replay) starts it only when asked, so other tests stay quick.
        self.live_enabled = stream_factory is None
        self.live_model: str | Path | None = None  # None: the model in the settings (tests name another)
        self.live_worker: Worker | None = None
        self.live_pool = WorkerPool(self, max_threads=1)
        self._live_final: list[str] = []
        self._live_pending = ""

        rec_box = self._build_recording_box()
        top = QHBoxLayout()
        top.addWidget(rec_box, 3)
        top.addWidget(self._build_live_box(), 2)
        self.proc_box = self._build_processing_box()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.proc_box)
        layout.addStretch(1)

        self.timer = QTimer(self, interval=100)
        self.timer.timeout.connect(self._poll)
        self._update_buttons()

    def _build_recording_box(self) -> QGroupBox:
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(260)
        self.refresh_devices_button = QPushButton("刷新")
        self.refresh_devices_button.clicked.connect(self.refresh_devices)
        self.record_button = QPushButton("● 开始录音")
        self.record_button.setObjectName("record")
        self.pause_button = QPushButton("暂停")
        self.marker_button = QPushButton("插入标记")
        self.stop_button = QPushButton("■ 停止并转写")
        self.import_button = QPushButton("导入已有录音…")
        self.level = QProgressBar(textVisible=False, maximum=100)
        self.level.setFixedHeight(14)
        self.elapsed_label = QLabel("0:00:00")
        self.elapsed_label.setStyleSheet("font-size: 28px; font-weight: bold;")
        self.status_label = QLabel("选择麦克风后点击“开始录音”，或导入已有录音。")
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warning_label.setWordWrap(True)
        self.markers_label = QLabel()
        self.markers_label.setWordWrap(True)

        self.record_button.clicked.connect(self.start_recording)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.marker_button.clicked.connect(self.add_marker)
        self.stop_button.clicked.connect(self.stop_recording)
        self.import_button.clicked.connect(self.choose_file)

        rec_box = QGroupBox("录音")
        grid = QGridLayout(rec_box)
        dev_row = QHBoxLayout()
        dev_row.addWidget(QLabel("麦克风"))
        dev_row.addWidget(self.device_combo, 1)
        dev_row.addWidget(self.refresh_devices_button)
        grid.addLayout(dev_row, 0, 0, 1, 2)
        buttons = QHBoxLayout()
        for b in (self.record_button, self.pause_button, self.marker_button, self.stop_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        grid.addLayout(buttons, 1, 0, 1, 2)
        grid.addWidget(self.elapsed_label, 2, 0)
        meter = QVBoxLayout()
        meter.addWidget(QLabel("音量"))
        meter.addWidget(self.level)
        grid.addLayout(meter, 2, 1)
        grid.addWidget(self.status_label, 3, 0, 1, 2)
        grid.addWidget(self.warning_label, 4, 0, 1, 2)
        grid.addWidget(self.markers_label, 5, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return rec_box

    def _build_live_box(self) -> QGroupBox:
        self.live_pane = QPlainTextEdit(readOnly=True)
        self.live_pane.setPlaceholderText(LIVE_PLACEHOLDER)
        self.live_pane.setMinimumWidth(280)
        self.live_status = QLabel()
        self.live_status.setStyleSheet("color: #555;")
        self.live_status.setWordWrap(True)
        self.live_box = QGroupBox("实时转写")
        live_layout = QVBoxLayout(self.live_box)
        live_layout.addWidget(self.live_pane, 1)
        live_layout.addWidget(self.live_status)
        self.live_box.setVisible(False)  # shown while recording
        return self.live_box

    def _build_processing_box(self) -> QGroupBox:
        self.stage_bars: dict[str, QProgressBar] = {}
        proc_box = QGroupBox("处理进度")
        proc = QGridLayout(proc_box)
        for row, (stage, label) in enumerate(STAGE_LABELS.items()):
            bar = QProgressBar(maximum=1000, format="%p%")
            bar.setValue(0)
            self.stage_bars[stage] = bar
            proc.addWidget(QLabel(label), row, 0)
            proc.addWidget(bar, row, 1)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setStyleSheet("color: #555;")
        self.cancel_button = QPushButton("取消处理")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.setEnabled(False)
        proc.addWidget(self.detail_label, len(STAGE_LABELS), 0, 1, 2)
        proc.addWidget(self.cancel_button, len(STAGE_LABELS) + 1, 1, Qt.AlignmentFlag.AlignRight)
        proc.setColumnStretch(1, 1)
        return proc_box

    # ------------------------------------------------ devices

    def refresh_devices(self) -> None:
        self.device_combo.clear()
        if self.stream_factory is not None:
            self.device_combo.addItem("测试音源（文件回放）", None)
        else:
            for dev in list_input_devices_safe():
                self.device_combo.addItem(f"{dev.name}{'（默认）' if dev.is_default else ''}", dev.index)
            if self.device_combo.count() == 0:
                self.device_combo.addItem("未找到麦克风", None)
                self.warning_label.setText("没有找到麦克风：请连接麦克风后点击“刷新”，或导入已有录音。")
        self._update_buttons()

    # ------------------------------------------------ recording

    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.state in ("recording", "paused")

    @property
    def saving(self) -> bool:
        """Stopped, but the file is not final yet (a slow or full disk): it must not be processed yet."""
        return self._saving

    def start_recording(self) -> bool:
        """Start a new recording into a new file; refused (with a Chinese warning) while the previous
        one is still being saved or processed, so that file is never touched."""
        if self.recording:
            return False
        if self.saving or self.processing:
            what = "保存" if self.saving else "转写"
            self._show_warning(f"上一段录音正在{what}，暂不能开始新的录音：请等{what}完成"
                               f"{'，或点击“取消处理”' if self.processing else ''}后再开始（上一段录音文件会保留）。")
            return False
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = paths.recordings_dir() / f"{stamp}.wav"
        factory = self.stream_factory
        kwargs = {"stream_factory": factory} if factory else {}
        if factory is not None:
            kwargs["samplerate"] = 16000
        recorder = Recorder(path, device=self.device_combo.currentData(), meta={"title": self.meeting_title}, **kwargs)
        try:
            recorder.start()  # the same second as the last one: the recorder adds a suffix, never overwrites
        except SanhuiError as exc:
            self.warning_label.setText(str(exc))
            return False
        self.recorder = recorder
        self.warning_label.clear()
        self.markers_label.clear()
        self.status_label.setText(f"● 正在录音　文件：{recorder.path}")
        self.timer.start()
        self._update_buttons()
        if self.live_enabled:
            self._start_live(recorder.path)
        return True

    def toggle_pause(self) -> None:
        if not self.recorder:
            return
        if self.recorder.state == "recording":
            self.recorder.pause()
            self.status_label.setText("已暂停：点击“继续”接着录。")
        elif self.recorder.state == "paused":
            self.recorder.resume()
            self.status_label.setText(f"● 正在录音　文件：{self.recorder.path}")
        self._update_buttons()

    def add_marker(self) -> None:
        if self.recording:
            self.recorder.add_marker()
            self.markers_label.setText("标记：" + "、".join(elapsed_text(m.seconds) for m in self.recorder.markers))

    def stop_recording(self, process: bool = True) -> Path | None:
        """Stop at once; the writer finishes the file in the background, and only then (polled by the
        timer) is it handed on for processing, unless closing. The window never waits on the disk."""
        if not self.recording:
            return None
        recorder = self.recorder
        recorder.stop(timeout=0)
        self._saving, self._process_after_save = True, process
        self._stop_live()  # the pass that follows takes up what it decoded (asr.decoded) and does the rest
        self.level.setValue(0)
        self.status_label.setText(f"正在保存录音：{recorder.path}…")
        self._update_buttons()
        self._poll()  # a quick disk has finished already
        return recorder.path

    def _saved(self) -> None:
        """The writer finished: the file is final and may be processed."""
        recorder = self.recorder
        self._saving = False
        self.timer.stop()
        info = recorder.info()
        self._show_warning(str(recorder.error) if recorder.error else "")
        self.status_label.setText(f"录音已保存：{info.path}（{elapsed_text(info.seconds)}）")
        self._update_buttons()
        self.recording_saved.emit(info.path)
        if self._process_after_save and info.frames:
            self.audio_ready.emit(info.path)

    # ------------------------------------------------ live transcript

    def _start_live(self, path: Path) -> None:
        self._live_final, self._live_pending = [], ""
        self.live_pane.clear()
        self.live_status.setText("正在加载语音模型…")
        self.live_box.setVisible(True)
        from core.settings import load_settings

        options = ProcessOptions.from_settings(load_settings())
        # throttle=0: every final text matters, and they come at most a few per second anyway
        if options.recognition.engine == "remote":  # the audio goes to the server after 停止: a local preview only
            worker = Worker(in_child, follow_recording, path, self.live_model or LIVE_MODEL,
                            names=self.meeting_names, hotwords=self.meeting_hotwords, throttle=0.0)
        else:
            worker = Worker(in_child, decode_recording, path, options, model=self.live_model,
                            names=self.meeting_names, hotwords=self.meeting_hotwords, throttle=0.0)
        worker.signals.progress.connect(self._show_live)
        worker.signals.failed.connect(self._live_failed)
        self.live_worker = self.live_pool.start(worker)

    def _stop_live(self) -> None:
        if self.live_worker is not None:
            self.live_worker.cancel()  # the child stops between two decodes, or is killed
            self.live_worker = None
        self.live_box.setVisible(False)

    def _show_live(self, item: LiveText | LiveLine) -> None:
        if not isinstance(item, LiveText | LiveLine) or self.sender() is not getattr(self.live_worker, "signals", None):
            return  # a late message from a stopped recording
        if isinstance(item, LiveLine):
            self._show_line(item)
            return
        self.live_status.setText("实时文字仅供参考，录音结束后将重新精确转写。")
        if item.final:
            self._live_final.append(f"[{elapsed_text(item.start)}] {item.text}")
            self._live_pending = ""
        else:
            self._live_pending = f"[{elapsed_text(item.start)}] {item.text}…" if item.text else ""
        bar = self.live_pane.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4  # keep following unless the user scrolled up
        self.live_pane.setPlainText("\n".join([*self._live_final, self._live_pending]).rstrip())
        if at_bottom:
            bar.setValue(bar.maximum())

    def _show_line(self, item: LiveLine) -> None:
        """A line of the full pass run while recording: final as it stands; or a preview; or how far behind."""
        behind = f"；尚有 {int(item.behind)} 秒录音待转写，停止后接着完成" if item.behind >= BEHIND_NOTE_SECONDS else ""
        self.live_status.setText(f"实时转写即最终转写{behind}。")
        if item.segment is not None:
            self._live_final.append(f"[{elapsed_text(item.segment.start)}] {item.segment.text}")
            self._live_pending = ""
        elif item.preview is not None:
            self._live_pending = f"[{elapsed_text(item.preview_start)}] {item.preview}…" if item.preview else ""
        else:
            return
        bar = self.live_pane.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4  # keep following unless the user scrolled up
        self.live_pane.setPlainText("\n".join([*self._live_final, self._live_pending]).rstrip())
        if at_bottom:
            bar.setValue(bar.maximum())

    def _live_failed(self, message: str) -> None:
        # The recording itself is unaffected: only the preview is missing.
        self.live_status.setText(f"实时转写不可用（录音不受影响）：{message}")

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "导入会议录音", str(Path.home()), AUDIO_FILTER)
        if name:
            self.audio_ready.emit(Path(name))

    def _poll(self) -> None:
        r = self.recorder
        if r is None:
            return
        if self._saving and r.finished.is_set():
            self._saved()
            return
        db = r.level_db if self.recording else -math.inf
        self.level.setValue(int(max(0.0, min(100.0, (db + 60.0) / 60.0 * 100.0))) if math.isfinite(db) else 0)
        self.elapsed_label.setText(elapsed_text(r.elapsed))
        warnings = []
        if r.error:
            warnings.append(str(r.error))
        if r.write_warning:  # a slow or full disk: the audio waits in memory
            warnings.append(r.write_warning)
        if r.seconds_since_block() > NO_AUDIO_WARN_SECONDS:
            warnings.append("麦克风没有声音数据传来，可能已被拔出：请检查连接。已录部分已保存。")
        elif r.seconds_since_sound() > SILENT_WARN_SECONDS:
            warnings.append("麦克风持续静音：请检查麦克风是否静音或离发言人太远。")
        if r.low_disk:
            minutes = int((r.free_seconds() or 0) // 60)
            warnings.append(f"磁盘空间不足：剩余空间只够再录约 {minutes} 分钟。")
        self._show_warning("\n".join(warnings))

    def _show_warning(self, text: str) -> None:
        if text != self.warning_label.text():
            self.warning_label.setText(text)
            self.warning_changed.emit(text)  # also shown in the status bar, whatever page is open

    def _update_buttons(self) -> None:
        rec = self.recording
        self.record_button.setEnabled(not rec and not self.saving and not self.processing)
        self.device_combo.setEnabled(not rec)
        self.refresh_devices_button.setEnabled(not rec)
        self.status_label.setStyleSheet("color: #c62828; font-weight: bold;" if rec else "")
        self.import_button.setEnabled(not rec)
        self.pause_button.setEnabled(rec)
        self.marker_button.setEnabled(rec)
        self.stop_button.setEnabled(rec)
        paused = self.recorder is not None and self.recorder.state == "paused"
        self.pause_button.setText("继续" if paused else "暂停")

    # ------------------------------------------------ processing

    def reset_progress(self) -> None:
        for bar in self.stage_bars.values():
            bar.setValue(0)
            bar.setFormat("%p%")
        self.detail_label.clear()

    def set_processing(self, running: bool) -> None:
        self.processing = running
        self.cancel_button.setEnabled(running)
        self.record_button.setEnabled(not running and not self.recording and not self.saving)
        self.import_button.setEnabled(not running and not self.recording)

    def show_progress(self, event: Progress) -> None:
        stages = list(self.stage_bars)
        if event.stage in self.stage_bars:
            # Earlier stages are done (some are skipped, e.g. speakers when a transcript is given).
            for stage in stages[: stages.index(event.stage)]:
                self.stage_bars[stage].setValue(1000)
            self.stage_bars[event.stage].setValue(int(event.fraction * 1000))
        if event.detail:
            self.detail_label.setText(f"{event.label}：{event.detail}")

    # ------------------------------------------------ closing the window

    def confirm_close(self, answer: str | None = None) -> bool:
        """May the window close? While recording, ask: keep recording, stop and save, or cancel.

        `answer` (KEEP_RECORDING, STOP_AND_SAVE, CANCEL) skips the question; so does `ask_close`.
        Stopping waits (the window still painting) until the writer has put the backlog on disk; if
        the disk keeps refusing it, closing is refused, since quitting would lose that audio.
        """
        if self.recording:
            if answer is None:
                answer = self.ask_close() if self.ask_close else self._ask_close()
            if answer != STOP_AND_SAVE:
                return False
            self.stop_recording(process=False)
        if not self.saving:
            return True
        self._process_after_save = False  # the window is closing: nothing new may start
        self.status_label.setText("正在把录音写入磁盘，完成后关闭…")
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS
        while not self.recorder.wait_finished(0.05) and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        self._poll()
        if self.saving:
            self._show_warning(f"还有约 {self.recorder.backlog_seconds:.0f} 秒录音未写入磁盘（磁盘已满或写入过慢）："
                               "请释放磁盘空间，保存完成后再关闭程序。")
            return False
        return True

    def _ask_close(self) -> str:
        if QGuiApplication.platformName() == "offscreen":
            return STOP_AND_SAVE  # no one can answer a box here (tests, the installer's self-check)
        role = QMessageBox.ButtonRole
        return ask_choice(self, "正在录音", "正在录音，关闭窗口前要怎么处理这段录音？",
                          [("继续录音", role.RejectRole, KEEP_RECORDING), ("停止并保存", role.AcceptRole, STOP_AND_SAVE),
                           ("取消", role.RejectRole, CANCEL)], default=KEEP_RECORDING, escape=CANCEL)


def list_input_devices_safe():
    try:
        return list_input_devices()
    except SanhuiError as exc:
        log.warning("no audio devices: %s", exc)
        return []
