"""党员名册: the branch's member list, one name a line, saved in the database; import from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.members import load_members, read_member_file, save_members
from core.errors import SanhuiError
from core.storage import Store

SPREADSHEETS = "表格 (*.xlsx *.csv *.tsv *.txt);;所有文件 (*)"


class MembersDialog(QDialog):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("党员名册")
        self.setMinimumSize(360, 440)
        self.edit = QPlainTextEdit("\n".join(load_members(store)))
        self.edit.setPlaceholderText("每行一名党员，也可以从 Excel 复制一列姓名粘贴进来")
        self.edit.textChanged.connect(self._count)
        self.count_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.import_button = QPushButton("从表格导入…")
        self.import_button.setToolTip("Excel / WPS 表格（.xlsx）或 CSV：读取“姓名”列，没有则读取第一列")
        self.import_button.clicked.connect(self.choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("新建会议时，参会名单可从名册一键填入。"))
        layout.addWidget(self.edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._count()

    def names(self) -> list[str]:
        return list(dict.fromkeys(n.strip() for n in self.edit.toPlainText().splitlines() if n.strip()))

    def _count(self) -> None:
        self.count_label.setText(f"共 {len(self.names())} 人")

    def import_file(self, path: str | Path) -> list[str]:
        """Replace the text with the names read from a spreadsheet (saved only with 保存)."""
        try:
            names = read_member_file(Path(path))
        except SanhuiError as exc:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(str(exc))
            return []
        self.edit.setPlainText("\n".join(names))
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(f"已从“{Path(path).name}”读取 {len(names)} 人，请核对后保存。")
        return names

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "导入党员名册", "", SPREADSHEETS)
        if name:
            self.import_file(name)

    def accept(self) -> None:
        try:
            save_members(self.store, self.names())
        except SanhuiError as exc:
            self.message.setText(str(exc))
            return
        super().accept()
