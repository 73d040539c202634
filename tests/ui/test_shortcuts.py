"""Keyboard shortcuts: unique, shown on the buttons they press, and working from any page."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from app.ui.main_window import MainWindow


def test_shortcuts_are_unique_and_named_on_the_buttons(qtbot, window):
    keys = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), keys
    assert {"Ctrl+R", "Ctrl+P", "Ctrl+T", "Ctrl+M", "Ctrl+L", "F1"} <= set(keys)
    native = QKeySequence("Ctrl+R").toString(QKeySequence.SequenceFormat.NativeText)
    assert native in window.capture.record_button.toolTip()
    assert "停止并转写" in window.capture.stop_button.toolTip()


def test_record_shortcut_works_from_the_home_page(qtbot, store):
    from PySide6.QtCore import Qt

    from core.types import Meeting
    from tests.recorder.conftest import ManualStream

    made = []
    w = MainWindow(store=store, stream_factory=lambda **kw: made.append(ManualStream(**kw)) or made[-1])
    qtbot.addWidget(w)
    w.show()
    w.begin_meeting(Meeting(title="支委会", date="2026-10-20"))
    w.show_home()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)  # window shortcuts fire only in the active window
    qtbot.keyClick(w.home.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert w.capture.recording and w.stack.currentWidget() is w.meeting_page
    w.close()


def test_ctrl_n_opens_the_new_meeting_form(qtbot, window):
    """文件 › 新建会议 / Ctrl+N: the action's `checked` argument once reached new_meeting as the meeting."""
    from core.types import Meeting
    from tests.ui.test_processing import fill_and_accept_form

    fill_and_accept_form(Meeting(type="支部委员会", title="十二月支委会", date="2026-12-03", roster=["王建国"]))
    window.act_new.trigger()
    assert window.meeting is not None and window.meeting.title == "十二月支委会"
    assert window.last_error == ""


def test_qt_own_dialogs_and_menus_speak_chinese(qapp):
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts & {"确定", "好"} and any("取消" in t for t in texts), texts
    assert "打开" in QCoreApplication.translate("QFileDialog", "&Open").replace("&", "")
    edit = QLineEdit()
    menu = edit.createStandardContextMenu()
    words = " ".join(a.text() for a in menu.actions() if a.text())
    assert "复制" in words and "粘贴" in words and "Copy" not in words, words
