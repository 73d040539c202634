"""决议落实台账 window: every task with filters (状态, 责任人, 会议类型, 季度), 逾期 in red, the progress heard
in later meetings waiting for the secretary's 确认 / 驳回, setting a status by hand, and the .xlsx export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app import followup
from app.followup_xlsx import source_meeting, write_ledger_xlsx
from app.ui.tables import row_table
from core.followup import OVERDUE, SETTABLE, STATUSES, Item
from core.storage import Store
from core.types import MEETING_TYPES
from summarizer.minutes_docx import cn_date

ALL = "全部"
_ROOT = QModelIndex()  # the invisible root; a module-level default (ruff B008)
RED = QColor("#b00020")
COLUMNS = ("编号", "事项", "来源会议", "责任人", "完成时限", "进展", "状态")


class ItemsModel(QAbstractTableModel):
    """A thin adapter over the filtered items."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[Item] = []
        self.today = dt.date.today()

    def set_items(self, items: list[Item], today: dt.date) -> None:
        self.beginResetModel()
        self.items, self.today = items, today
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        it = self.items[index.row()]
        status = it.current_status(self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(it.id), it.content, source_meeting(it), it.owner or "待人工补齐",
                    cn_date(it.deadline) if it.deadline else "未定", it.progress, status)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and status == OVERDUE:
            return QBrush(RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"会上原话：{it.evidence_text}" if it.evidence_text else None
        return None


class FollowupDialog(QDialog):
    def __init__(self, store: Store, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.store, self.today = store, today or dt.date.today()
        self.setWindowTitle("决议落实台账")
        self.resize(1100, 640)
        self.status_combo, self.owner_combo, self.body_combo, self.quarter_combo = (QComboBox() for _ in range(4))
        self.status_combo.addItems([ALL, *STATUSES])
        self.body_combo.addItems([ALL, *MEETING_TYPES])
        filters = QHBoxLayout()
        for label, combo in (("状态", self.status_combo), ("责任人", self.owner_combo), ("会议类型", self.body_combo),
                             ("季度", self.quarter_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addStretch(1)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self._export)
        filters.addWidget(self.export_button)

        self.model = ItemsModel(self)
        self.table = row_table(self.model)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)

        self.set_combo = QComboBox()
        self.set_combo.addItems(list(SETTABLE))
        self.set_button = QPushButton("设置所选事项的状态")
        self.set_button.clicked.connect(self._set_status)
        self.summary = QLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.summary, 1)
        actions.addWidget(self.set_combo)
        actions.addWidget(self.set_button)

        self.proposals = QListWidget()
        self.proposals.setWordWrap(True)
        self.confirm_button = QPushButton("确认")
        self.reject_button = QPushButton("驳回")
        self.confirm_button.clicked.connect(lambda: self._answer(True))
        self.reject_button.clicked.connect(lambda: self._answer(False))
        box = QGroupBox("后续会议中听到的进展（确认后才更改状态）")
        box_layout = QHBoxLayout(box)
        box_layout.addWidget(self.proposals, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        box_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 3)
        layout.addLayout(actions)
        layout.addWidget(box, 1)
        for combo in (self.status_combo, self.owner_combo, self.body_combo, self.quarter_combo):
            combo.currentIndexChanged.connect(self.refresh_items)
        followup.refresh(store)
        self.refresh()

    # ------------------------------------------------ data

    def refresh(self) -> None:
        every = followup.ledger_items(self.store)
        for combo, values in ((self.owner_combo, sorted({i.owner for i in every if i.owner})),
                              (self.quarter_combo, sorted({i.quarter for i in every if i.quarter}, reverse=True))):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *values])
            combo.setCurrentText(current if current in values else ALL)
            combo.blockSignals(False)
        self.refresh_items()
        self.proposals.clear()
        titles = {i.id: i.content for i in every}
        for p in followup.proposals(self.store):
            row = QListWidgetItem(f"{cn_date(p.meeting_date)}{p.meeting_title}：“{p.evidence_text}” → "
                                  f"事项 {p.item_id}（{titles.get(p.item_id, '')}）建议改为“{p.status}”")
            row.setData(Qt.ItemDataRole.UserRole, p.id)
            self.proposals.addItem(row)
        if not self.proposals.count():
            self.proposals.addItem(QListWidgetItem("没有待确认的进展。"))

    def _chosen(self, combo: QComboBox) -> str | None:
        return None if combo.currentText() in (ALL, "") else combo.currentText()

    def filtered(self) -> list[Item]:
        return followup.ledger_items(self.store, status=self._chosen(self.status_combo),
                                     owner=self._chosen(self.owner_combo), body=self._chosen(self.body_combo),
                                     quarter=self._chosen(self.quarter_combo), today=self.today)

    def refresh_items(self) -> None:
        items = self.filtered()
        self.model.set_items(items, self.today)
        overdue = sum(1 for i in items if i.current_status(self.today) == OVERDUE)
        self.summary.setText(f"共 {len(items)} 项，其中逾期 {overdue} 项")

    # ------------------------------------------------ actions

    def selected_item(self) -> Item | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def _set_status(self) -> None:
        item = self.selected_item()
        if item is None:
            QMessageBox.information(self, "决议落实台账", "请先在表格中选择一个事项。")
            return
        followup.set_status(self.store, item.id, self.set_combo.currentText())
        self.refresh()

    def _answer(self, confirm: bool) -> None:
        row = self.proposals.currentItem()
        proposal_id = row.data(Qt.ItemDataRole.UserRole) if row else None
        if proposal_id is None:
            QMessageBox.information(self, "决议落实台账", "请先选择一条进展。")
            return
        if confirm:
            followup.confirm(self.store, proposal_id)
        else:
            followup.reject(self.store, proposal_id)
        self.refresh()

    def export_to(self, path: Path) -> Path:
        return write_ledger_xlsx(path, self.filtered(), today=self.today)

    def _export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "导出决议落实台账", "决议落实台账.xlsx", "Excel 文件 (*.xlsx)")
        if name:
            self.export_to(Path(name))
