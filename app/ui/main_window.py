"""The main window: home (meetings, search, 台账) and one meeting's pages (capture, transcript,
minutes, report). It only drives the pipeline's public functions; slow work runs in workers."""

from __future__ import annotations

import copy
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.jobs import (
    export_job,
    finalize_job,
    in_child,
    process_job,
    reextract_job,
    save_job,
    snapshot,
    sync_job,
)
from app.meeting_copy import meeting_copy
from app.pipeline import ProcessOptions
from app.sync.ledger import FINALIZED_STATUS as FINAL
from app.sync.ledger import reopen
from app.ui.capture import CapturePanel
from app.ui.home import HomePage
from app.ui.meeting_form import MeetingForm
from app.ui.minutes import MinutesView, merge_minutes
from app.ui.report import ReportView
from app.ui.settings_dialog import SettingsDialog, about_text
from app.ui.transcript import TranscriptView
from app.ui.worker import Worker, WorkerPool
from asr.lexicon import meeting_hotwords
from asr.recorder import StreamFactory, recover_wav, unfinished_recordings
from core import paths
from core.errors import SanhuiError
from core.settings import Settings, load_settings, save_settings
from core.storage import REVISING, Store
from core.types import Meeting, Result

log = logging.getLogger(__name__)

TAB_CAPTURE, TAB_TRANSCRIPT, TAB_MINUTES, TAB_REPORT = range(4)


class FinalizeDialog(QDialog):
    """Locking a record needs both the host and the recorder to confirm."""

    def __init__(self, meeting: Meeting, parent=None):
        super().__init__(parent)
        self.setWindowTitle("定稿")
        self.host_check = QCheckBox(f"主持人（{meeting.host or '未填写'}）已审阅并确认纪要")
        self.recorder_check = QCheckBox(f"记录人（{meeting.recorder or '未填写'}）已审阅并确认纪要")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("定稿")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ok.setEnabled(False)
        for c in (self.host_check, self.recorder_check):
            c.toggled.connect(lambda _c: self.ok.setEnabled(self.host_check.isChecked() and self.recorder_check.isChecked()))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("定稿后本次会议记录将锁定，不能再修改。"))
        layout.addWidget(self.host_check)
        layout.addWidget(self.recorder_check)
        layout.addWidget(buttons)


class MainWindow(QMainWindow):
    # A processing worker, before it starts: connect to its signals here (after start they may be missed).
    processing_started = Signal(object)

    def __init__(self, store: Store | None = None, settings: Settings | None = None,
                 stream_factory: StreamFactory | None = None):
        super().__init__()
        self.setWindowTitle("三会一课会议助手")
        self.store = store or Store()
        self.settings = settings or load_settings()
        self.pool = WorkerPool(self)
        self.meeting: Meeting | None = None
        self.result: Result | None = None
        self.status = ""
        self.process_worker: Worker | None = None
        self.save_worker: Worker | None = None
        self._save_again = False
        self.last_export: dict[str, Path] = {}
        self.last_error = ""
        # Tests replace this to answer the folder dialog.
        self.choose_export_dir = lambda: QFileDialog.getExistingDirectory(self, "选择导出文件夹", str(Path.home()))

        self.home = HomePage(self.store)
        self.home.open_meeting.connect(self.open_meeting)
        self.home.new_meeting.connect(self.new_meeting)

        self.capture = CapturePanel(stream_factory)
        self.capture.audio_ready.connect(self.start_processing)
        self.capture.cancel_requested.connect(self.cancel_processing)
        self.capture.warning_changed.connect(self._recording_warning)
        self.transcript = TranscriptView()
        self.transcript.changed.connect(self.save_edits)
        self.transcript.enroll_requested.connect(self.enroll_voice)
        self.minutes = MinutesView()
        self.minutes.changed.connect(self.save_edits)
        self.minutes.reextract_requested.connect(self.reextract)
        self.report = ReportView()

        self.tabs = QTabWidget()
        self.tabs.addTab(self.capture, "录音与处理")
        self.tabs.addTab(self.transcript, "转写校对")
        self.tabs.addTab(self.minutes, "会议纪要")
        self.tabs.addTab(self.report, "效能报告")

        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.back_button = QPushButton("← 返回会议列表")
        self.back_button.clicked.connect(self.show_home)
        self.export_button = QPushButton("导出 Word…")
        self.export_button.clicked.connect(self.export)
        self.finalize_button = QPushButton("定稿")
        self.finalize_button.clicked.connect(self.finalize)
        self.revise_button = QPushButton("修订")
        self.revise_button.setToolTip("已定稿的会议须先修订才能更改；改完后重新定稿，记为新的版本")
        self.revise_button.clicked.connect(self.revise)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.export_button)
        header.addWidget(self.revise_button)
        header.addWidget(self.finalize_button)
        self.meeting_page = QWidget()
        mp = QVBoxLayout(self.meeting_page)
        mp.addLayout(header)
        mp.addWidget(self.tabs, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.home)
        self.stack.addWidget(self.meeting_page)
        self.setCentralWidget(self.stack)
        self._make_actions()
        self.statusBar().showMessage(f"数据文件夹：{paths.data_dir()}")
        self._fit_screen()
        self._restore_window()
        self.capture.refresh_devices()
        self.home.refresh()
        self._update_meeting_ui()

    # ------------------------------------------------ actions and window state

    def _make_actions(self) -> None:
        def action(text: str, shortcut: str | QKeySequence.StandardKey, slot, menu) -> QAction:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(lambda _checked=False: slot())  # not `checked` into slots that take options
            menu.addAction(a)
            self.addAction(a)
            return a

        bar = self.menuBar()
        m_file = bar.addMenu("文件(&F)")
        self.act_new = action("新建会议", "Ctrl+N", self.new_meeting, m_file)
        self.act_import = action("导入录音…", "Ctrl+O", self._import, m_file)
        self.act_export = action("导出 Word…", "Ctrl+E", self.export, m_file)
        self.act_sync = action("同步到党建平台", "Ctrl+Shift+S", self.sync, m_file)
        m_file.addSeparator()
        self.act_members = action("党员名册…", "Ctrl+L", self.edit_members, m_file)
        self.act_settings = action("设置…", "Ctrl+,", self.open_settings, m_file)
        action("退出", "Ctrl+Q", self.close, m_file)
        m_rec = bar.addMenu("录音(&R)")
        self.act_record = action("开始录音", "Ctrl+R", self._record, m_rec)
        self.act_pause = action("暂停 / 继续", "Ctrl+P", self.capture.toggle_pause, m_rec)
        self.act_marker = action("插入标记", "Ctrl+M", self.capture.add_marker, m_rec)
        self.act_stop = action("停止并转写", "Ctrl+T", lambda: self.capture.stop_recording(), m_rec)
        m_view = bar.addMenu("查看(&V)")
        action("会议列表", "Ctrl+H", self.show_home, m_view)
        action("在转写中查找", "Ctrl+F", self._focus_find, m_view)
        action("播放 / 暂停录音", "Ctrl+Space", self.transcript.player.toggle, m_view)
        m_help = bar.addMenu("帮助(&H)")
        action("关于", "F1", self.about, m_help)
        # The buttons tell their shortcut: secretaries find them by hovering, not in the menu.
        for button, act in ((self.capture.record_button, self.act_record), (self.capture.pause_button, self.act_pause),
                            (self.capture.marker_button, self.act_marker), (self.capture.stop_button, self.act_stop)):
            button.setToolTip(f"{act.text()}（{act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}）")

    def _fit_screen(self) -> None:
        """1200×800 where it fits, otherwise the screen's available area (a 1366×768 laptop keeps the
        status bar on screen); the geometry the user leaves is restored next time."""
        from PySide6.QtGui import QGuiApplication

        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1200, 800
        if screen is not None and screen.width() > 0 and QGuiApplication.platformName() != "offscreen":
            width, height = min(width, screen.width()), min(height, screen.height() - 40)  # title bar
        self.setMinimumSize(min(900, width), min(600, height))
        self.resize(width, height)

    def _settings_store(self) -> QSettings:
        return QSettings(str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat)

    def _restore_window(self) -> None:
        s = self._settings_store()
        geometry, state = s.value("geometry"), s.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_window(self) -> None:
        s = self._settings_store()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.capture.confirm_close():  # recording: keep recording / stop and save / cancel
            event.ignore()
            return
        self.transcript.flush()
        self.minutes.flush()
        self.transcript.player.stop()
        if not self.pool.shutdown(timeout_ms=60000):
            log.warning("workers still running at close")
        self._save_window()
        super().closeEvent(event)

    # ------------------------------------------------ navigation

    def show_home(self) -> None:
        self.transcript.flush()
        self.minutes.flush()
        self.transcript.player.pause()
        self.home.refresh()
        self.stack.setCurrentWidget(self.home)

    def _focus_find(self) -> None:
        if self.result is not None:
            self.stack.setCurrentWidget(self.meeting_page)
            self.tabs.setCurrentIndex(TAB_TRANSCRIPT)
            self.transcript.search_edit.setFocus()

    def _latest_meeting(self) -> Meeting | None:
        rows = self.store.list_meetings()
        if not rows:
            return None
        try:
            return self.store.load_result(rows[0]["id"]).meeting
        except SanhuiError:
            return None

    def new_meeting(self, meeting: Meeting | None = None) -> bool:
        """Ask for the meeting's details (prefilled from the last one); True when created."""
        if self.capture.recording:
            return False
        if meeting is None:
            last = self._latest_meeting()
            prefill = Meeting(type=last.type, branch=last.branch, location=last.location, host=last.host,
                              recorder=last.recorder, roster=list(last.roster)) if last else None
            form = MeetingForm(prefill, self, store=self.store)
            if form.exec() != QDialog.DialogCode.Accepted:
                return False
            meeting = form.meeting()
        self.begin_meeting(meeting)
        return True

    def begin_meeting(self, meeting: Meeting) -> None:
        self.transcript.flush()
        self.minutes.flush()
        self.meeting, self.result, self.status = meeting, None, ""
        self.capture.meeting_title = meeting.title
        self.capture.meeting_names = list(meeting.roster)
        self.capture.meeting_hotwords = meeting_hotwords(meeting.roster, meeting.agenda, meeting.type)
        self.capture.reset_progress()
        self._show_result()
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        self.stack.setCurrentWidget(self.meeting_page)

    def open_meeting(self, meeting_id: str, seconds: float = -1.0) -> None:
        self.transcript.flush()
        self.minutes.flush()
        try:
            result, status = meeting_copy(self.store, meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return
        self.meeting, self.result, self.status = result.meeting, result, status
        self._show_result()
        self.stack.setCurrentWidget(self.meeting_page)
        self.tabs.setCurrentIndex(TAB_TRANSCRIPT)
        if seconds >= 0:
            self.transcript.seek_to_time(seconds)

    def _show_result(self) -> None:
        self.transcript.set_result(self.result)
        self.minutes.set_minutes(self.result.minutes if self.result else None)
        self.report.set_result(self.result)
        self._update_meeting_ui()

    def _update_meeting_ui(self) -> None:
        has = self.result is not None
        final = self.status == FINAL
        for tab in (TAB_TRANSCRIPT, TAB_MINUTES, TAB_REPORT):
            self.tabs.setTabEnabled(tab, has)
        self.tabs.setTabEnabled(TAB_CAPTURE, not final)
        self.export_button.setEnabled(has)
        self.act_export.setEnabled(has)
        self.finalize_button.setEnabled(has and not final)
        self.finalize_button.setText("已定稿" if final else "定稿")
        self.revise_button.setVisible(has and final)
        self.transcript.set_read_only(final)
        self.minutes.set_read_only(final)
        if self.meeting:
            m = self.meeting
            day = f"{m.day.year}年{m.day.month}月{m.day.day}日" if m.date else ""
            sync = self.sync_status()
            platform = (f"　<span style='color:{'#b00020' if sync.needs_attention else '#2e7d32'}'>党建平台：{sync.label}</span>"
                        if sync else "")
            self.title_label.setText(f"{m.title}　<span style='font-size:13px;color:#666'>{m.type}　{day}"
                                     f"{'　' + m.location if m.location else ''}　{self.status}{platform}</span>")
            self.title_label.setToolTip(sync.detail if sync else "")

    def sync_status(self):
        """The open meeting's state on the platform (app.ui.sync_status), None before it was finalised."""
        if self.result is None or not self.result.id:
            return None
        from app.ui.sync_status import sync_statuses

        return sync_statuses(self.store).get(self.result.id)

    # ------------------------------------------------ record / import / process

    def _record(self) -> None:
        if self.meeting is None and not self.new_meeting():
            return
        self.stack.setCurrentWidget(self.meeting_page)
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        self.capture.start_recording()

    def _import(self) -> None:
        if self.meeting is None and not self.new_meeting():
            return
        self.capture.choose_file()

    def start_processing(self, audio: Path | None, transcript: Path | None = None) -> Worker | None:
        if self.meeting is None or (self.process_worker is not None and not self.process_worker.finished.is_set()):
            return None
        overrides: dict = {"transcript": transcript} if transcript else {}
        if self.result is not None and self.result.id:
            overrides["keep_names_from"] = self.result.id  # processing again keeps the names the secretary gave
        options = ProcessOptions.from_settings(self.settings, **overrides)  # a frozen copy
        worker = Worker(in_child, process_job, audio, copy.deepcopy(self.meeting), options, self.store.path)
        worker.signals.progress.connect(self.capture.show_progress)
        worker.signals.result.connect(self.on_processed)
        worker.signals.failed.connect(self.show_error)
        worker.signals.cancelled.connect(lambda: self.statusBar().showMessage("已取消处理，录音文件仍保留。"))
        worker.signals.done.connect(lambda: self.capture.set_processing(False))
        self.capture.reset_progress()
        self.capture.set_processing(True)
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        self.statusBar().showMessage(f"正在处理：{audio.name if audio else '转写文件'}")
        self.processing_started.emit(worker)
        self.process_worker = self.pool.start(worker)
        return worker

    def cancel_processing(self) -> None:
        if self.process_worker is not None:
            self.process_worker.cancel()
            self.capture.detail_label.setText("正在取消…")

    def on_processed(self, result: Result) -> None:
        self.result, self.meeting, self.status = result, result.meeting, "已处理"
        self._show_result()
        self.tabs.setCurrentIndex(TAB_TRANSCRIPT)
        self.statusBar().showMessage(
            f"处理完成：{len(result.segments)} 段发言，{len(result.minutes.resolutions)} 项决议，"
            f"用时 {result.timings.get('total', 0):.0f} 秒")
        self.home.refresh()

    def _recording_warning(self, text: str) -> None:
        if text:
            self.statusBar().showMessage("录音提醒：" + text.replace("\n", "；"))
        else:
            self.statusBar().clearMessage()

    def show_error(self, message: str) -> None:
        self.last_error = message
        self.statusBar().showMessage(message)
        if not self.property("quiet_errors"):
            QMessageBox.warning(self, "提示", message)

    # ------------------------------------------------ editing, export, finalise

    def save_edits(self) -> None:
        """Save in a worker thread (a long transcript takes ~0.5 s to rewrite); one save at a time."""
        if self.result is None or self.status == FINAL:
            return
        if self.save_worker is not None and not self.save_worker.finished.is_set():
            self._save_again = True  # saved again with the newest state when this one is done
            return
        self._save_again = False
        worker = Worker(save_job, self.store.path, snapshot(self.result), self.status or "已处理")
        worker.signals.result.connect(lambda _id: self.statusBar().showMessage("已保存修改", 2000))
        worker.signals.failed.connect(self.show_error)
        worker.signals.done.connect(lambda: self._after_save(worker))
        self.save_worker = self.pool.start(worker)  # started only once every signal is connected

    def _after_save(self, worker: Worker) -> None:
        if self.save_worker is not worker:
            return  # a late `done` of an earlier save: the current one is still running
        self.save_worker = None
        if self._save_again:
            self.save_edits()

    def reextract(self) -> Worker | None:
        if self.result is None:
            return None
        self.transcript.flush()
        old, manual = self.result.minutes, set(self.minutes.manual)
        copied = snapshot(self.result)
        worker = Worker(in_child, reextract_job, copied.segments, copied.meeting)

        def done(new_minutes):
            self.result.minutes = merge_minutes(old, new_minutes, manual)
            self.minutes.set_minutes(self.result.minutes, manual)
            self.save_edits()
            kept = "、".join(sorted(manual)) if manual else ""
            self.statusBar().showMessage("已重新提取纪要" + ("，保留了您手工修改的部分" if kept else ""))

        worker.signals.result.connect(done)
        worker.signals.failed.connect(self.show_error)
        return self.pool.start(worker)

    def enroll_voice(self, name: str, spans: list[tuple[float, float]]) -> Worker | None:
        """Enroll `name`'s voiceprint from their speech in this meeting (the secretary confirmed consent)."""
        if self.result is None:
            return None
        from app.voice_enroll import enroll_from_meeting

        worker = Worker(in_child, enroll_from_meeting, self.store.path, self.result.audio_path, list(spans), name)
        worker.signals.result.connect(lambda n: self.statusBar().showMessage(
            f"已登记“{name}”的声纹（共 {n} 段样本），以后的会议将自动标出此人。"))
        worker.signals.failed.connect(lambda message: self.show_error(f"未能登记“{name}”的声纹：{message}"))
        self.statusBar().showMessage(f"正在登记“{name}”的声纹…")
        return self.pool.start(worker)

    def enroll_voice_file(self, name: str, audio: str | Path, on_done=None) -> Worker:
        """Enroll from a recording of the member reading; on_done(message) gets the outcome in Chinese."""
        from app.voice_enroll import enroll_from_file

        worker = Worker(in_child, enroll_from_file, self.store.path, Path(audio), name)
        outcome = {"text": ""}
        worker.signals.result.connect(lambda n: outcome.update(text=f"已登记“{name}”的声纹（共 {n} 段样本）。"))
        worker.signals.failed.connect(lambda message: outcome.update(text=f"未能登记“{name}”的声纹：{message}"))
        worker.signals.failed.connect(lambda message: setattr(self, "last_error", message))
        worker.signals.done.connect(lambda: self.statusBar().showMessage(outcome["text"]))
        if on_done is not None:
            worker.signals.done.connect(lambda: on_done(outcome["text"]))
        return self.pool.start(worker)

    def export(self, out_dir: str | Path | None = None) -> Worker | None:
        if self.result is None:
            return None
        self.transcript.flush()
        self.minutes.flush()
        out_dir = out_dir or self.choose_export_dir()
        if not out_dir:
            return None
        worker = Worker(in_child, export_job, snapshot(self.result), Path(out_dir))

        def done(files):
            self.last_export = files
            self.statusBar().showMessage(f"已导出到 {Path(out_dir)}：" + "、".join(p.name for p in files.values()))

        worker.signals.result.connect(done)
        worker.signals.failed.connect(self.show_error)
        return self.pool.start(worker)

    def finalize(self, confirmed: bool = False) -> Worker | None:
        """Host and recorder confirm; the record is frozen as a ledger version (app.sync.ledger) and locked here."""
        if self.result is None or self.status == FINAL:
            return None
        if not confirmed:
            dialog = FinalizeDialog(self.result.meeting, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
        self.transcript.flush()
        self.minutes.flush()
        self.finalize_button.setEnabled(False)
        # The child saves the latest edits itself before freezing them.
        worker = Worker(in_child, finalize_job, self.store.path, snapshot(self.result), self.status or "已处理")

        def done(record):
            self.status = FINAL
            self._update_meeting_ui()
            self.home.refresh()
            self.statusBar().showMessage(f"已定稿：第 {record.version} 版，校验值 {record.content_sha256[:12]}…")

        worker.signals.result.connect(done)
        worker.signals.failed.connect(self.show_error)
        worker.signals.failed.connect(lambda _m: self._update_meeting_ui())
        return self.pool.start(worker)

    def revise(self, confirmed: bool = False) -> bool:
        """修订: reopen a finalised meeting for a correction; the next 定稿 records it as a new version."""
        if self.result is None or self.status != FINAL:
            return False
        if not confirmed and QMessageBox.question(
            self, "修订已定稿的会议",
            "修订后可以更改这次会议的转写和纪要，改完须重新定稿，记为新的版本；已定稿的版本仍保留在台账中。\n确定要修订吗？",
        ) != QMessageBox.StandardButton.Yes:
            return False
        try:
            reopen(self.store, self.result.id)  # with an audit line (app.sync.ledger)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.status = REVISING
        self._update_meeting_ui()
        self.home.refresh()
        self.statusBar().showMessage("已进入修订：改完后请重新定稿")
        return True

    def sync(self) -> Worker | None:
        """Send finalised records; the only network access, and only on this explicit request."""
        if not self.settings.platform_url:
            self.show_error("尚未设置党建平台地址：请在“设置”中填写后再同步。")
            return None
        worker = Worker(sync_job, self.store.path)
        worker.kwargs["stop"] = worker.stop_event  # closing the window stops it between two records
        worker.signals.result.connect(lambda text: self.statusBar().showMessage(text))
        worker.signals.failed.connect(self.show_error)
        worker.signals.done.connect(self._after_sync)
        self.statusBar().showMessage("正在同步到党建平台…")
        return self.pool.start(worker)

    def _after_sync(self) -> None:
        """Per-meeting platform states changed: show them in the list and the open meeting's header."""
        self.home.refresh()
        self._update_meeting_ui()

    # ------------------------------------------------ settings, about, recovery

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.store, self, enroll=self.enroll_voice_file)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.settings = dialog.settings()
            try:
                save_settings(self.settings)
                self.statusBar().showMessage("设置已保存（下次处理时生效）", 3000)
            except SanhuiError as exc:
                self.show_error(str(exc))

    def edit_members(self) -> bool:
        from app.ui.members_dialog import MembersDialog

        saved = MembersDialog(self.store, self).exec() == QDialog.DialogCode.Accepted
        if saved:
            self.statusBar().showMessage(f"党员名册已保存：{len(self.store.members())} 人", 3000)
        return saved

    def about(self) -> None:
        QMessageBox.about(self, "关于三会一课会议助手", about_text())

    def check_unfinished_recordings(self, ask: bool = True) -> list[Path]:
        """Offer to repair recordings left open by a crash or power cut; returns those repaired."""
        found = unfinished_recordings(paths.recordings_dir())
        if not found:
            return []
        if ask:
            names = "\n".join(p.name for p in found)
            answer = QMessageBox.question(
                self, "恢复录音", f"上次录音没有正常结束（可能是断电或程序异常退出）：\n{names}\n\n要恢复这些录音吗？")
            if answer != QMessageBox.StandardButton.Yes:
                return []
        repaired = []
        for path in found:
            try:
                info = recover_wav(path)
                repaired.append(path)
                self.statusBar().showMessage(f"已恢复录音 {path.name}（{info.seconds / 60:.1f} 分钟），可在新建会议后导入。")
            except SanhuiError as exc:
                self.show_error(str(exc))
        if ask and len(repaired) == 1:
            answer = QMessageBox.question(self, "恢复录音", "录音已恢复。现在为它新建会议并开始转写吗？")
            if answer == QMessageBox.StandardButton.Yes and self.new_meeting():
                self.start_processing(repaired[0])
        return repaired


