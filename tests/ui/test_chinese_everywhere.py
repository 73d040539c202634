"""Every text a secretary can see in the window and its dialogs is Chinese: menus, buttons, labels,
tool tips, placeholders, table headers, tab and group titles. English words fail the test, except the
names of things that are written that way (Word, Excel, CUDA, https …)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from app.ui.main_window import FinalizeDialog
from app.ui.meeting_form import MeetingForm
from app.ui.members_dialog import MembersDialog
from app.ui.settings_dialog import EnrollDialog, SettingsDialog
from app.ui.transcript import RenameDialog
from core.settings import load_settings
from tests.ui.conftest import make_result

# Names written in Latin letters in Chinese software too; file types and units.
ALLOWED = {
    "word", "excel", "wps", "csv", "xlsx", "docx", "pdf", "json", "wav", "mp3", "m4a", "flac", "ogg", "mp4", "cuda",
    "cpu", "gpu", "nvidia", "int8", "float16", "float32", "https", "http", "url", "localhost", "openai", "api", "whisper",
    "faster", "speaches", "vllm", "funasr", "usb", "sanhui", "sha", "base", "small", "medium", "large", "tiny",
    "turbo", "v1", "v2", "v3", "audio", "transcriptions", "hf", "endpoint", "mb", "gb", "kb", "ca", "pem", "llm",
    "qt", "wenquanyi", "micro", "hei", "fandol", "fang", "song", "tls", "ip", "ui", "id", "md", "asr", "toml",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")


def english_words(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>|&\w+;", " ", text or "")  # rich text markup
    text = re.sub(r"(?:Ctrl|Shift|Alt|Meta)\+[\w+,]+|\b(?:Delete|Space|Esc|Enter|Backspace)\b", " ", text)  # keys
    text = re.sub(r"https?://\S+|[\w.-]+@[\w.-]+|\b\w+\.(?:py|json|wav|docx|xlsx|csv)\b|[A-Z]:\\\S+|/\S+", " ", text)
    return [w for w in _WORD.findall(text) if w.lower() not in ALLOWED and not re.fullmatch(r"[A-Z]\d*|[A-Z]{1,3}\d+", w)]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of what a user can read in root and its children."""
    found = [("title", root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        name = type(w).__name__
        for getter in ("text", "toolTip", "placeholderText", "title", "statusTip", "whatsThis"):
            if isinstance(w, QLineEdit | QPlainTextEdit) and getter == "text":
                continue  # what the user typed (or the data shown), not the app's words
            value = getattr(w, getter, None)
            if callable(value) and isinstance(w, QAbstractButton | QLabel | QGroupBox | QLineEdit | QPlainTextEdit
                                               | QComboBox | QWidget):
                try:
                    text = value()
                except TypeError:
                    continue
                if isinstance(text, str) and text:
                    found.append((f"{name}.{getter}", text))
        if isinstance(w, QComboBox) and not w.isEditable():
            found += [(f"{name}.item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            found += [(f"{name}.tab", w.tabText(i)) for i in range(w.count())]
            found += [(f"{name}.tabToolTip", w.tabToolTip(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            from PySide6.QtCore import QModelIndex

            model = w.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model: one column, no header
                columns = 0
            found += [(f"{name}.header", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                      for c in range(columns)]
        if isinstance(w, QMenu):
            found += [(f"{name}.menu", a.text()) for a in w.actions()]
    for a in root.actions():
        found += [("action", a.text()), ("action.tip", a.toolTip())]
    return found


def assert_chinese(root: QWidget) -> None:
    bad = [(where, text) for where, text in visible_texts(root) if english_words(text)]
    assert not bad, bad[:10]


def test_the_main_window_and_its_menus(qtbot, window, store):
    window.open_meeting(store.save_result(make_result()))
    assert_chinese(window)
    for menu in window.menuBar().findChildren(QMenu):
        assert not [a.text() for a in menu.actions() if english_words(a.text())]
    window.show_home()
    assert_chinese(window)


def test_every_dialog(qtbot, window, store):
    result = make_result()
    dialogs = [
        MeetingForm(result.meeting, window, store=store),
        SettingsDialog(load_settings(), store, window),
        MembersDialog(store, window),
        EnrollDialog(result.meeting.roster, window),
        RenameDialog("发言人1", result.meeting.roster, True, window),
        FinalizeDialog(result.meeting, window),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert_chinese(dialog)


def test_the_check_can_fail():
    assert english_words("Look in: File name") and not english_words("导出 Word 文档（docx）到 /tmp/out")
