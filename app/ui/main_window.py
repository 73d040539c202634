"""The main window: home (meetings, search, 台账) and one meeting's pages (capture, transcript,
minutes, report). It only drives the pipeline's public functions; slow work runs in workers."""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QTimer, Signal
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
    derive_job,
    export_job,
    finalize_job,
    in_child,
    process_job,
    save_job,
    snapshot,
    sync_job,
)
from app.meeting_copy import meeting_copy
from app.pipeline import ProcessOptions, audio_sha256
from app.session import (
    FRESH,
    MINUTES,
    REPORT,
    Action,
    DeriveRequest,
    MeetingSession,
    Phase,
    date_from_filename,
    meeting_from_filename,
)
from app.sync import ledger
from app.sync.ledger import reopen
from app.ui.capture import AUDIO_FILTER, CapturePanel
from app.ui.choice import ask_choice
from app.ui.home import HomePage
from app.ui.meeting_form import MeetingForm
from app.ui.minutes import MinutesView
from app.ui.report import ReportView
from app.ui.settings_dialog import SettingsDialog, about_text
from app.ui.transcript import TranscriptView
from app.ui.worker import Worker, WorkerPool
from asr import StreamFactory, meeting_hotwords, recover_wav, unfinished_recordings
from core import paths
from core.errors import SanhuiError
from core.settings import Settings, load_settings, save_settings
from core.storage import MeetingStatus, Store
from core.types import Meeting, Result

log = logging.getLogger(__name__)

TAB_CAPTURE, TAB_TRANSCRIPT, TAB_MINUTES, TAB_REPORT = range(4)
DERIVE_DELAY_MS = 1500  # after the last edit: the minutes and the report are re-derived


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
        # The open meeting and what may be done with it; this window only reflects it (app/session.py).
        self.session = MeetingSession()
        self.process_worker: Worker | None = None
        self.save_worker: Worker | None = None
        self.derive_worker: Worker | None = None
        self._save_again = False
        self._finalizing = False  # a 定稿 job runs: it saves the latest edits itself
        self.last_export: dict[str, Path] = {}
        self.last_error = ""
        # Tests replace these to answer the dialogs.
        self.choose_export_dir = lambda: QFileDialog.getExistingDirectory(self, "选择导出文件夹", str(Path.home()))
        self.choose_audio_file = lambda: QFileDialog.getOpenFileName(self, "导入会议录音", str(Path.home()),
                                                                     AUDIO_FILTER)[0]
        self.ask_meeting = self._ask_meeting
        self.ask_duplicate = self._ask_duplicate
        self.confirm = lambda title, text: QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

        self._build_home()
        self._build_capture(stream_factory)
        self._build_editors()

        self.tabs = self._build_tabs()
        header = self._build_header()
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
        self._start_retry()

    # ------------------------------------------------ building the window

    def _build_home(self) -> None:
        self.home = HomePage(self.store)
        self.home.open_meeting.connect(self.open_meeting)
        self.home.new_meeting.connect(self.new_meeting)
        self.home.delete_requested.connect(self.delete_meeting)
        self.home.restore_requested.connect(self.restore_meeting)
        self.home.purge_requested.connect(self.purge_meeting)

    def _build_capture(self, stream_factory: StreamFactory | None) -> None:
        self.capture = CapturePanel(stream_factory)
        self.capture.audio_ready.connect(self._audio_ready)
        self.capture.recording_saved.connect(lambda _path: self._update_meeting_ui())
        self.capture.cancel_requested.connect(self.cancel_processing)
        self.capture.warning_changed.connect(self._recording_warning)
        # Recording and importing always go through the session: a recording belongs to a meeting the
        # secretary described, never silently to the one opened last.
        self.capture.record_button.clicked.disconnect()
        self.capture.record_button.clicked.connect(lambda _checked=False: self._record())
        self.capture.import_button.clicked.disconnect()
        self.capture.import_button.clicked.connect(lambda _checked=False: self._import())

    def _build_editors(self) -> None:
        self.transcript = TranscriptView()
        self.transcript.model.edited.connect(lambda: self._edited(MINUTES))
        self.transcript.renamed.connect(self._renamed)
        self.transcript.changed.connect(self.save_edits)
        self.transcript.enroll_requested.connect(self.enroll_voice)
        self.minutes = MinutesView()
        self.minutes.edited.connect(lambda section: self._edited(REPORT, section))
        self.minutes.changed.connect(self.save_edits)
        self.minutes.reextract_requested.connect(self.reextract)
        self.report = ReportView()
        # What an edit makes pending is re-derived in a child shortly after the last edit.
        self._derive_timer = QTimer(self, singleShot=True, interval=DERIVE_DELAY_MS)
        self._derive_timer.timeout.connect(self.derive)

    def _build_tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.addTab(self.capture, "录音与处理")
        tabs.addTab(self.transcript, "转写校对")
        tabs.addTab(self.minutes, "会议纪要")
        tabs.addTab(self.report, "效能报告")
        tabs.currentChanged.connect(self._tab_changed)
        return tabs

    def _build_header(self) -> QHBoxLayout:
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.back_button = QPushButton("← 返回会议列表")
        self.back_button.clicked.connect(self.show_home)
        self.reprocess_button = QPushButton("重新处理")
        self.reprocess_button.clicked.connect(lambda _checked=False: self.reprocess())
        self.export_button = QPushButton("导出 Word…")
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        self.finalize_button = QPushButton("定稿")
        self.finalize_button.clicked.connect(lambda _checked=False: self.finalize())
        self.revise_button = QPushButton("修订")
        self.revise_button.clicked.connect(lambda _checked=False: self.revise())
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.reprocess_button)
        header.addWidget(self.export_button)
        header.addWidget(self.revise_button)
        header.addWidget(self.finalize_button)
        return header

    def _start_retry(self) -> None:
        # "稍后会自动重试": while the window is open, records whose sending failed are retried with
        # backoff (only where a platform is set; records never sent wait for the secretary's 同步).
        from app.ui.sync_status import BackgroundRetry

        self.retry = BackgroundRetry(self.pool, self.store.path, enabled=lambda: bool(self.settings.platform_url),
                                     on_done=lambda _report: self._after_sync(reschedule=False))
        self.retry.schedule()

    # The open meeting, as the session holds it (read-only views for callers and tests).
    @property
    def meeting(self) -> Meeting | None:
        return self.session.meeting

    @property
    def result(self) -> Result | None:
        return self.session.result

    @property
    def status(self) -> str:
        return self.session.status

    # ------------------------------------------------ actions and window state

    def _make_actions(self) -> None:
        def action(text: str, shortcut: str | QKeySequence.StandardKey, slot, menu) -> QAction:
            a = QAction(text, self)
            if shortcut:
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
        self.act_reprocess = action("重新处理", "", self.reprocess, m_rec)
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
        self._derive_timer.stop()  # what is pending stays marked in the store and is derived next time
        self.retry.stop()
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

    def _refused(self, action: Action) -> bool:
        """True (and says why) when the session does not allow `action` now."""
        self._sync_recording()
        why = self.session.why_not(action)
        if why:
            self.show_error(why)
        return bool(why)

    def _ask_meeting(self, prefill: Meeting | None) -> Meeting | None:
        form = MeetingForm(prefill, self, store=self.store)
        return form.meeting() if form.exec() == QDialog.DialogCode.Accepted else None

    def new_meeting(self, meeting: Meeting | None = None, prefill: Meeting | None = None) -> bool:
        """Ask for the meeting's details (prefilled from the last one); True when created."""
        if self.capture.recording or self._refused(Action.NEW):
            return False
        if meeting is None:
            if prefill is None:
                last = self._latest_meeting()
                prefill = Meeting(type=last.type, branch=last.branch, location=last.location, host=last.host,
                                  recorder=last.recorder, roster=list(last.roster)) if last else None
            meeting = self.ask_meeting(prefill)
            if meeting is None:
                return False
        self.begin_meeting(meeting)
        return True

    def begin_meeting(self, meeting: Meeting) -> None:
        self.transcript.flush()
        self.minutes.flush()
        self.session.begin(meeting)
        self.capture.meeting_title = meeting.title
        self.capture.meeting_names = list(meeting.roster)
        self.capture.meeting_hotwords = meeting_hotwords(meeting.roster, meeting.agenda, meeting.type)
        self.capture.reset_progress()
        self._show_result()
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        self.stack.setCurrentWidget(self.meeting_page)

    def open_meeting(self, meeting_id: str, seconds: float = -1.0) -> bool:
        if self._refused(Action.NEW):
            return False
        self.transcript.flush()
        self.minutes.flush()
        try:
            result, status = meeting_copy(self.store, meeting_id)
            state = self.store.working_state(meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.session.open(result, status, state)
        self._show_result()
        self.stack.setCurrentWidget(self.meeting_page)
        self.tabs.setCurrentIndex(TAB_TRANSCRIPT)
        if seconds >= 0:
            self.transcript.seek_to_time(seconds)
        if self.session.pending != FRESH:  # edited last time, and closed before the report caught up
            self._derive_timer.start()
        return True

    def _show_result(self) -> None:
        self.transcript.set_result(self.result)
        self.minutes.set_minutes(self.result.minutes if self.result else None, self.session.manual)
        self.report.set_result(self.result)
        self._update_meeting_ui()

    def _sync_recording(self) -> None:
        self.session.recording = self.capture.recording or self.capture.saving

    def _update_meeting_ui(self) -> None:
        """Every action's enabled state, from the session (app/session.py)."""
        self._sync_recording()
        s = self.session
        has = s.result is not None
        final = s.phase is Phase.FINAL
        for tab in (TAB_TRANSCRIPT, TAB_MINUTES, TAB_REPORT):
            self.tabs.setTabEnabled(tab, has)
        self.tabs.setTabEnabled(TAB_CAPTURE, not final)
        for widget, act in ((self.export_button, Action.EXPORT), (self.act_export, Action.EXPORT),
                            (self.finalize_button, Action.FINALIZE), (self.revise_button, Action.REVISE),
                            (self.reprocess_button, Action.REPROCESS), (self.act_reprocess, Action.REPROCESS),
                            (self.act_new, Action.NEW)):
            widget.setEnabled(s.can(act))
            widget.setToolTip(s.why_not(act))
        # Ctrl+R and Ctrl+O stay pressable in every state and say why when refused (pressed mid-recording,
        # a silent greyed-out shortcut looks like a broken key).
        for act, action in ((self.act_record, Action.RECORD), (self.act_import, Action.IMPORT)):
            act.setToolTip(s.why_not(action))
        self.revise_button.setToolTip(self.revise_button.toolTip() or
                                      "已定稿的会议须先修订才能更改；改完后重新定稿，记为新的版本")
        self.finalize_button.setText("已定稿" if final else "定稿")
        self.revise_button.setVisible(final)
        self.reprocess_button.setVisible(s.phase is not Phase.NONE and not final)
        self.transcript.set_read_only(not s.can(Action.EDIT))
        self.minutes.set_permissions(edit=s.can(Action.EDIT), reextract=s.can(Action.REEXTRACT),
                                     add=s.can(Action.ADD_RESOLUTION), remove=s.can(Action.REMOVE_RESOLUTION))
        self.minutes.set_pending(has and s.pending == MINUTES)
        self.report.set_pending(has and s.pending != FRESH)
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

    def _record(self) -> bool:
        """Record into the meeting just described; from any other state a new meeting is asked first."""
        if self.capture.saving or (self.capture.processing and not self.capture.recording):
            return self.capture.start_recording()  # refused by the recorder panel, which says why
        if self._refused(Action.RECORD):
            return False
        if self.session.phase is not Phase.IDLE and not self.new_meeting():
            return False
        self.stack.setCurrentWidget(self.meeting_page)
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        started = self.capture.start_recording()
        self._update_meeting_ui()
        return started

    def _audio_ready(self, audio: Path) -> None:
        """A finished recording: processed for the meeting it was recorded in."""
        self._update_meeting_ui()
        if self.session.phase is Phase.IDLE:
            self.start_processing(audio)
        else:  # not recorded for the open meeting (it was processed already): ask which meeting it is
            self._import(audio)

    def _import(self, path: str | Path | None = None) -> Worker | None:
        """导入录音: a recording always asks for its meeting. Its content hash is checked first (in a
        thread), so a recording processed before offers to replace that meeting instead of a duplicate."""
        if self._refused(Action.IMPORT):
            return None
        path = path or self.choose_audio_file()
        if not path:
            return None
        path = Path(path)
        worker = Worker(audio_sha256, path)
        worker.signals.result.connect(lambda sha: self._import_checked(path, sha))
        worker.signals.failed.connect(lambda message: self.show_error(f"无法读取录音“{path.name}”：{message}"))
        self.statusBar().showMessage(f"正在检查录音：{path.name}…")
        return self.pool.start(worker)

    def _import_checked(self, path: Path, sha: str) -> Worker | None:
        if self._refused(Action.IMPORT):
            return None
        same = self.store.find_by_audio(str(path.resolve()), sha)
        if same:
            answer = self.ask_duplicate(path, same[0])
            if answer == "replace":
                return self._replace_meeting(same[0]["id"], path, sha)
            if answer != "new":
                self.statusBar().clearMessage()
                return None
        if self.session.phase is Phase.IDLE:  # the meeting just described, with the file's date if it has one
            prefill = dataclasses.replace(self.session.meeting, date=date_from_filename(path) or self.session.meeting.date)
        else:
            prefill = meeting_from_filename(path, self._latest_meeting())
        if not self.new_meeting(prefill=prefill):
            self.statusBar().clearMessage()
            return None
        return self.start_processing(path, audio_sha=sha)

    def _ask_duplicate(self, path: Path, row: dict) -> str:
        role = QMessageBox.ButtonRole
        return ask_choice(self, "这段录音已经处理过",
                          f"“{path.name}”已处理为会议“{row['title']}”（{row['date']}，{row['status']}）。\n"
                          "要用这次处理的结果替换该会议，还是另存为新的会议？",
                          [("替换该会议", role.AcceptRole, "replace"), ("另存为新会议", role.ActionRole, "new"),
                           ("取消", role.RejectRole, "cancel")], default="replace", escape="cancel")

    def _replace_meeting(self, meeting_id: str, audio: Path, sha: str = "") -> Worker | None:
        try:
            state = self.store.working_state(meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return None
        if state.status == MeetingStatus.FINALIZED:
            self.show_error("该会议已定稿，不能直接替换：请先打开它并点击“修订”，再重新处理；或选择“另存为新会议”。")
            return None
        if not self.open_meeting(meeting_id):
            return None
        return self.start_processing(audio, replace_id=meeting_id, audio_sha=sha)

    def reprocess(self) -> Worker | None:
        """重新处理: the open meeting's recording again (after a cancel, or with better settings); the
        result replaces this meeting and keeps the names and minutes fields the secretary gave."""
        if self._refused(Action.REPROCESS):
            return None
        audio = Path(self.session.audio_path)
        if not audio.is_file():
            self.show_error(f"找不到录音文件“{audio}”，无法重新处理。")
            return None
        return self.start_processing(audio, replace_id=self.result.id if self.result else "")

    def start_processing(self, audio: Path | None, transcript: Path | None = None, replace_id: str = "",
                         audio_sha: str = "") -> Worker | None:
        if self.session.meeting is None or self.session.processing:
            return None
        overrides: dict = {"transcript": transcript} if transcript else {}
        if replace_id:  # processing again keeps the names the secretary gave, under the same meeting
            overrides.update(replace_id=replace_id, keep_names_from=replace_id)
        if audio_sha:
            overrides["audio_sha256"] = audio_sha
        options = ProcessOptions.from_settings(self.settings, **overrides)  # a frozen copy
        ticket = self.session.start_processing(audio, replace_id)
        worker = Worker(in_child, process_job, audio, copy.deepcopy(self.session.meeting), options, self.store.path)
        worker.signals.progress.connect(self.capture.show_progress)
        worker.signals.result.connect(lambda result: self.on_processed(result, ticket))
        worker.signals.failed.connect(self._processing_failed)
        worker.signals.cancelled.connect(self._processing_cancelled)
        worker.signals.done.connect(lambda: self._processing_done(ticket))
        self.capture.reset_progress()
        self.capture.set_processing(True)
        self.tabs.setCurrentIndex(TAB_CAPTURE)
        self.statusBar().showMessage(f"正在处理：{audio.name if audio else '转写文件'}")
        self.processing_started.emit(worker)
        self.process_worker = self.pool.start(worker)
        self._update_meeting_ui()
        return worker

    def cancel_processing(self) -> None:
        if self.process_worker is not None and not self.process_worker.finished.is_set():
            self.process_worker.cancel()
            self.capture.detail_label.setText("正在取消…")

    def _processing_cancelled(self) -> None:
        text = "已取消处理，录音文件仍保留；可点击“重新处理”再次处理。"
        self.capture.detail_label.setText(text)
        self.statusBar().showMessage(text)

    def _processing_failed(self, message: str) -> None:
        self.capture.detail_label.setText(f"处理未完成：{message}")
        self.show_error(message)

    def _processing_done(self, ticket: int) -> None:
        self.capture.set_processing(False)
        if self.session.processing:  # cancelled or failed: no result came
            self.session.processing_ended(ticket)
        self._update_meeting_ui()

    def on_processed(self, result: Result, ticket: int | None = None) -> None:
        status = self.store.status(result.id) if result.id else MeetingStatus.PROCESSED
        ticket = self.session.processing_ticket if ticket is None else ticket
        if self.session.processing_ended(ticket, result, status):
            self._show_result()
            self.tabs.setCurrentIndex(TAB_TRANSCRIPT)
        self._update_meeting_ui()
        self.statusBar().showMessage(
            f"处理完成：{result.meeting.title}，{len(result.segments)} 段发言，{len(result.minutes.resolutions)} 项决议，"
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

    # ------------------------------------------------ editing: one working copy, everything derived from it

    def _edited(self, pending: str, section: str | None = None) -> None:
        """An edit reached the working copy: what it makes pending is re-derived soon (app/session.py)."""
        if self.session.edited(pending, section):
            self._derive_timer.start()
            self._update_meeting_ui()

    def _renamed(self, old: str, new: str) -> None:
        """发言人1 → 王建国: the minutes name them at once, the report after its re-derivation."""
        if self.session.rename_speaker(old, new):
            self.minutes.set_minutes(self.result.minutes, self.session.manual)
            self._derive_timer.start()
            self._update_meeting_ui()

    def _tab_changed(self, index: int) -> None:
        if index in (TAB_MINUTES, TAB_REPORT) and self.session.pending != FRESH:
            self._derive_timer.start(0)  # looked at now: do not wait for the typing pause

    def derive(self, reextract: bool = False) -> Worker | None:
        """Re-derive the minutes' extracted sections and the assessment from the working copy, in a
        child; one at a time, and again when edits came in meanwhile."""
        if self.derive_worker is not None and not self.derive_worker.finished.is_set():
            self._derive_timer.start()  # after this one
            return None
        self.transcript.flush()
        request = self.session.derive_request(reextract=reextract)
        if request is None:
            return None
        options = ProcessOptions.from_settings(self.settings)
        worker = Worker(in_child, derive_job, request.result, request.reextract, request.manual, options)
        worker.signals.result.connect(lambda derived: self._derived(request, derived))
        worker.signals.failed.connect(lambda message: self.show_error(f"未能更新纪要和报告：{message}"))
        worker.signals.done.connect(lambda: self._after_derive(worker))
        self.derive_worker = self.pool.start(worker)
        return worker

    def _derived(self, request: DeriveRequest, derived: Result) -> None:
        if not self.session.apply_derived(request, derived):
            return  # another meeting is open now, or it was finalised meanwhile
        self.minutes.set_minutes(self.result.minutes, self.session.manual)
        self.report.set_result(self.result)
        self._update_meeting_ui()
        self.save_edits()

    def _after_derive(self, worker: Worker) -> None:
        if self.derive_worker is worker:
            self.derive_worker = None
        if self.session.pending != FRESH and not self._derive_timer.isActive():
            self._derive_timer.start()

    def save_edits(self) -> None:
        """Save in a worker thread (a long transcript takes ~0.5 s to rewrite); one save at a time."""
        s = self.session
        if s.result is None or s.phase not in (Phase.PROCESSED, Phase.REVISING) or self._finalizing:
            return
        if self.save_worker is not None and not self.save_worker.finished.is_set():
            self._save_again = True  # saved again with the newest state when this one is done
            return
        self._save_again = False
        worker = Worker(save_job, self.store.path, snapshot(s.result), s.save_status, set(s.manual), s.pending)
        worker.signals.result.connect(lambda _id: self.statusBar().showMessage("已保存修改", 2000))
        worker.signals.failed.connect(self.show_error)
        worker.signals.done.connect(lambda: self._after_save(worker))
        self.save_worker = self.pool.start(worker)  # started only once every signal is connected

    def _after_save(self, worker: Worker) -> None:
        if self.save_worker is not worker:
            return  # a late `done` of an earlier save: the current one is still running
        self.save_worker = None
        self.home.run_search()  # the search results show the saved text
        if self._save_again:
            self.save_edits()

    def reextract(self) -> Worker | None:
        """根据转写重新提取: the minutes from the transcript now; the sections edited by hand stay."""
        if self._refused(Action.REEXTRACT):
            return None
        if self.derive_worker is not None and not self.derive_worker.finished.is_set():
            self.derive_worker.cancel()  # superseded: this one re-extracts in any case
            self.derive_worker = None
        kept = "、".join(sorted(self.session.manual))
        worker = self.derive(reextract=True)
        if worker is not None:
            worker.signals.result.connect(lambda _r: self.statusBar().showMessage(
                "已重新提取纪要" + ("，保留了您手工修改的部分" if kept else "")))
        return worker

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
        """Export what the screen shows: pending edits are re-derived in the export's own child first
        (a finalised meeting's frozen version is written as it is)."""
        if self._refused(Action.EXPORT):
            return None
        self.transcript.flush()
        self.minutes.flush()
        out_dir = out_dir or self.choose_export_dir()
        if not out_dir:
            return None
        request = self.session.derive_request()
        options = ProcessOptions.from_settings(self.settings)
        worker = Worker(in_child, export_job, snapshot(self.result), Path(out_dir), request is not None,
                        bool(request and request.reextract), request.manual if request else frozenset(), options)

        def done(out: dict):
            self.last_export = out["files"]
            if request is not None:
                self._derived(request, out["result"])
            self.statusBar().showMessage(f"已导出到 {Path(out_dir)}：" + "、".join(p.name for p in out["files"].values()))

        worker.signals.result.connect(done)
        worker.signals.failed.connect(self.show_error)
        return self.pool.start(worker)

    def finalize(self, confirmed: bool = False) -> Worker | None:
        """Host and recorder confirm; the working copy, re-derived, is frozen as a ledger version
        (app.sync.ledger) and locked here."""
        if self._refused(Action.FINALIZE):
            return None
        if not confirmed:
            dialog = FinalizeDialog(self.result.meeting, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
        # No save may land after the 定稿 (storage would refuse it, and say so): the job saves the
        # latest edits itself, so pending ones are not saved separately and a running one is awaited.
        self._finalizing = True
        self.transcript.flush()
        self.minutes.flush()
        if self.save_worker is not None:
            self.save_worker.finished.wait(30)
        self.finalize_button.setEnabled(False)
        s = self.session
        request = s.derive_request()
        # The child derives and saves the latest edits itself before freezing them.
        worker = Worker(in_child, finalize_job, self.store.path, snapshot(s.result), s.save_status,
                        bool(request and request.reextract), frozenset(s.manual),
                        ProcessOptions.from_settings(self.settings))
        ticket = s.ticket

        def done(out):
            record, frozen = out
            if self.session.ticket == ticket:
                self.session.finalized(frozen)
                self._show_result()
            self.home.refresh()
            self.statusBar().showMessage(f"已定稿：第 {record.version} 版，校验值 {record.content_sha256[:12]}…")

        def failed(message: str):
            self._finalizing = False
            self.show_error(message)
            self._update_meeting_ui()
            self.save_edits()  # not finalised: the edits are saved as usual

        worker.signals.result.connect(done)
        worker.signals.failed.connect(failed)
        worker.signals.done.connect(lambda: setattr(self, "_finalizing", False))
        return self.pool.start(worker)

    def revise(self, confirmed: bool = False) -> bool:
        """修订: reopen a finalised meeting for a correction; the next 定稿 records it as a new version."""
        if self._refused(Action.REVISE):
            return False
        if not confirmed and not self.confirm(
            "修订已定稿的会议",
            "修订后可以更改这次会议的转写和纪要，改完须重新定稿，记为新的版本；已定稿的版本仍保留在台账中。\n确定要修订吗？",
        ):
            return False
        try:
            reopen(self.store, self.result.id)  # with an audit line (app.sync.ledger)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.session.reopened()
        self._update_meeting_ui()
        self.home.refresh()
        self.statusBar().showMessage("已进入修订：改完后请重新定稿")
        return True

    # ------------------------------------------------ 回收站

    def delete_meeting(self, meeting_id: str, confirmed: bool = False) -> bool:
        """Move a meeting to the 回收站 (restorable); a finalised one's ledger versions stay."""
        is_open = self.result is not None and self.result.id == meeting_id
        if is_open and self._refused(Action.DELETE):
            return False
        try:
            title, status = self.store.load_result(meeting_id).meeting.title, self.store.status(meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        kept = "\n已定稿的版本仍保留在台账中（台账不可删除），删除的只是本机的工作副本。" if status == MeetingStatus.FINALIZED else ""
        if not confirmed and not self.confirm("删除会议", f"把会议“{title}”删除到回收站吗？可在回收站中恢复。{kept}"):
            return False
        if is_open:  # its last edits are saved first, so nothing is lost if it is restored
            self.transcript.flush()
            self.minutes.flush()
            if self.save_worker is not None:
                self.save_worker.finished.wait(30)
            self.session.close()
            self._show_result()
            self.stack.setCurrentWidget(self.home)
        try:
            ledger.trash(self.store, meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.home.refresh()
        self.statusBar().showMessage(f"已删除到回收站：{title}（可在回收站中恢复）")
        return True

    def restore_meeting(self, meeting_id: str) -> bool:
        try:
            ledger.restore(self.store, meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.home.refresh()
        self.statusBar().showMessage("已恢复会议，可在会议列表中打开。")
        return True

    def purge_meeting(self, meeting_id: str, confirmed: bool = False) -> bool:
        try:
            title, status = self.store.load_result(meeting_id).meeting.title, self.store.status(meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        kept = "已定稿的版本仍保留在台账中。" if status == MeetingStatus.FINALIZED else ""
        if not confirmed and not self.confirm("永久删除", f"永久删除会议“{title}”吗？删除后无法恢复。{kept}"):
            return False
        try:
            ledger.purge(self.store, meeting_id)
        except SanhuiError as exc:
            self.show_error(str(exc))
            return False
        self.home.refresh()
        self.statusBar().showMessage(f"已永久删除：{title}")
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

    def _after_sync(self, reschedule: bool = True) -> None:
        """Per-meeting platform states changed: show them in the list and the open meeting's header,
        and arm the background retry for what is still due."""
        self.home.refresh()
        self._update_meeting_ui()
        if reschedule:
            self.retry.schedule()

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
            if answer == QMessageBox.StandardButton.Yes:
                self._import(repaired[0])  # the form, prefilled from the recording's name (its date)
        return repaired


