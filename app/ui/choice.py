"""One question with named answers (a QMessageBox with our own Chinese buttons), for the few places that
must ask: closing during a recording, a recording processed before."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_choice(parent: QWidget, title: str, text: str, answers: Sequence[tuple[str, QMessageBox.ButtonRole, str]],
               default: str, escape: str) -> str:
    """answers: (button text, role, value); returns the value of the button pressed, `escape` on Esc."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    buttons = {box.addButton(label, role): value for label, role, value in answers}
    by_value = {value: button for button, value in buttons.items()}
    box.setDefaultButton(by_value[default])
    box.setEscapeButton(by_value[escape])
    box.exec()
    return buttons.get(box.clickedButton(), escape)
