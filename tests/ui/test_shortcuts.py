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
