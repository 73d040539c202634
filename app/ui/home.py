"""Home: the meetings list with filters, full-text search over every transcript, the 台账, and the
回收站 (deleted meetings, restorable; the window does the deleting, app.ui.main_window)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import followup
from app.export import clock
from app.ledger import ledger
from app.ui.models import MeetingListModel
from app.ui.sync_status import sync_statuses
from app.ui.tables import row_table
from core.followup import OVERDUE
from core.storage import Store
from core.types import MEETING_TYPES
from summarizer.minutes_docx import cn_date

ALL = "全部"


class HomePage(QWidget):
    open_meeting = Signal(str, float)  # meeting id, seconds to jump to (search hit) or -1
    new_meeting = Signal()
    delete_requested = Signal(str)  # to the 回收站 (the window asks first)
    restore_requested = Signal(str)
    purge_requested = Signal(str)  # 永久删除 from the 回收站

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store

        top = self._build_toolbar()
        self._build_table()
        list_bar = self._build_list_bar()
        self.empty_label = QLabel("还没有会议记录。点击“新建会议”开始第一次会议的录音或导入录音。")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #666; padding: 24px;")
        self._build_hits_box()
        ledger_box = self._build_ledger_box()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(list_bar)
        left_layout.addWidget(self.table, 3)
        left_layout.addWidget(self.empty_label)
        left_layout.addWidget(self.hits_box, 2)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(ledger_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self._connect_signals()
        self._show_trash(False)

    def _build_toolbar(self) -> QHBoxLayout:
        self.new_button = QPushButton("＋ 新建会议")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_meeting)
        self.search_edit = QLineEdit(placeholderText="在所有会议的转写中搜索，例如：安全生产")
        self.search_edit.setClearButtonEnabled(True)
        self.type_combo = QComboBox()
        self.type_combo.addItems([ALL, *MEETING_TYPES])
        self.month_combo = QComboBox()
        self.month_combo.addItem(ALL)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addSpacing(12)
        top.addWidget(self.search_edit, 1)
        top.addWidget(QLabel("类型"))
        top.addWidget(self.type_combo)
        top.addWidget(QLabel("月份"))
        top.addWidget(self.month_combo)
        return top

    def _build_table(self) -> None:
        self.model = MeetingListModel(parent=self)
        self.table = row_table(self.model)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _build_list_bar(self) -> QHBoxLayout:
        # The 回收站: the same table shows the deleted meetings, with 恢复 and 永久删除 instead of 删除.
        self.trash_button = QPushButton("回收站")
        self.trash_button.setCheckable(True)
        self.trash_button.setToolTip("查看已删除的会议，可恢复或永久删除")
        self.trash_button.toggled.connect(self._show_trash)
        self.delete_button = QPushButton("删除…")
        self.delete_button.setToolTip("把所选会议删除到回收站（可恢复）（Delete）")
        self.restore_button = QPushButton("恢复")
        self.purge_button = QPushButton("永久删除…")
        self.view_label = QLabel()
        self.view_label.setStyleSheet("font-weight: bold;")
        self.act_open = self._table_action("打开", None, lambda mid: self.open_meeting.emit(mid, -1.0))
        self.act_delete = self._table_action("删除到回收站…", QKeySequence.StandardKey.Delete, self.delete_requested.emit)
        self.act_restore = self._table_action("恢复", None, self.restore_requested.emit)
        self.act_purge = self._table_action("永久删除…", None, self.purge_requested.emit)
        self.delete_button.clicked.connect(self.act_delete.trigger)
        self.restore_button.clicked.connect(self.act_restore.trigger)
        self.purge_button.clicked.connect(self.act_purge.trigger)
        list_bar = QHBoxLayout()
        list_bar.addWidget(self.view_label, 1)
        for b in (self.delete_button, self.restore_button, self.purge_button, self.trash_button):
            list_bar.addWidget(b)
        return list_bar

    def _build_hits_box(self) -> QGroupBox:
        self.hits = QListWidget()
        self.hits.itemActivated.connect(self._open_hit)
        self.hits.itemClicked.connect(self._open_hit)
        self.hits_box = QGroupBox("搜索结果")
        QVBoxLayout(self.hits_box).addWidget(self.hits)
        self.hits_box.hide()
        return self.hits_box

    def _build_ledger_box(self) -> QGroupBox:
        self.ledger_list = QListWidget()
        self.ledger_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        ledger_box = QGroupBox("三会一课台账")
        QVBoxLayout(ledger_box).addWidget(self.ledger_list)
        self.followup_button = QPushButton("决议落实台账…")  # the tasks' ledger (app/ui/followup_view)
        self.followup_button.clicked.connect(self.open_followup)
        ledger_box.layout().addWidget(self.followup_button)
        ledger_box.setMinimumWidth(320)
        self.ledger_list.setWordWrap(True)
        return ledger_box

    def _connect_signals(self) -> None:
        # Search as the user types, but only once they pause.
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.type_combo.currentIndexChanged.connect(self.refresh_list)
        self.month_combo.currentIndexChanged.connect(self.refresh_list)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    # ------------------------------------------------ the selected meeting and what can be done to it

    def _table_action(self, text: str, key, slot) -> QAction:
        action = QAction(text, self.table)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the list's own key, not the window's
        action.triggered.connect(lambda _checked=False: (mid := self.selected_id()) and slot(mid))
        self.table.addAction(action)
        return action

    @property
    def in_trash(self) -> bool:
        return self.trash_button.isChecked()

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.model.meeting_id(rows[0].row()) if rows else ""

    def select(self, meeting_id: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.meeting_id(row) == meeting_id:
                self.table.selectRow(row)
                return True
        return False

    def _activated(self, index) -> None:
        if not self.in_trash:  # a deleted meeting is restored first, then opened
            self.open_meeting.emit(self.model.meeting_id(index.row()), -1.0)

    def _show_trash(self, trash: bool) -> None:
        for widget in (self.delete_button, self.act_open, self.act_delete):
            widget.setVisible(not trash)
        for widget in (self.restore_button, self.purge_button, self.act_restore, self.act_purge):
            widget.setVisible(trash)
        self.trash_button.setText("返回会议列表" if trash else "回收站")
        self.refresh_list()

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_id())
        for widget in (self.delete_button, self.restore_button, self.purge_button, self.act_open, self.act_delete,
                       self.act_restore, self.act_purge):
            widget.setEnabled(chosen)

    # ------------------------------------------------ data

    def refresh(self) -> None:
        all_rows = self.store.list_meetings()
        months = sorted({r["date"][:7] for r in all_rows if r.get("date")}, reverse=True)
        current = self.month_combo.currentText()
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        self.month_combo.addItems([ALL, *months])
        self.month_combo.setCurrentText(current if current in months else ALL)
        self.month_combo.blockSignals(False)
        self.refresh_list()
        self._fill_ledger(all_rows)
        self.run_search()  # hits show what is stored now (after edits, deletions)

    def refresh_list(self) -> None:
        meeting_type = self.type_combo.currentText()
        month = self.month_combo.currentText()
        chosen = self.selected_id()
        rows = self.store.list_meetings(
            meeting_type=None if meeting_type == ALL else meeting_type,
            month=None if month == ALL else month,
            trash=self.in_trash,
        )
        statuses = sync_statuses(self.store)
        for row in rows:
            row["sync"] = statuses.get(row["id"])
            if row.get("deleted_at"):
                row["status"] = f"{row['status']}（{row['deleted_at'][:16].replace('T', ' ')} 删除）"
        self.model.set_rows(rows)
        if chosen:
            self.select(chosen)
        trashed = len(rows) if self.in_trash else len(self.store.list_meetings(trash=True))
        self.view_label.setText(f"回收站（{trashed} 个会议）" if self.in_trash else "会议列表")
        self.trash_button.setToolTip(f"回收站中有 {trashed} 个会议，可恢复或永久删除" if trashed else "回收站是空的")
        self.empty_label.setText("回收站是空的。" if self.in_trash else
                                 "还没有会议记录。点击“新建会议”开始第一次会议的录音或导入录音。")
        self.empty_label.setVisible(not rows)
        self._update_buttons()

    def _fill_ledger(self, rows: list[dict]) -> None:
        self.ledger_list.clear()
        for item in ledger(rows, dt.date.today()):
            mark = "✓" if not item.missing else "✗"
            row = QListWidgetItem(f"{mark} {item.period_label} {item.meeting_type}：{item.status}")
            if item.missing:
                row.setForeground(QBrush(QColor("#b00020")))
            self.ledger_list.addItem(row)
        overdue = followup.ledger_items(self.store, status=OVERDUE)
        if overdue:
            self.ledger_list.addItem(QListWidgetItem(f"逾期未完成的决议事项（{len(overdue)} 项）："))
        for it in overdue:
            row = QListWidgetItem(f"✗ 逾期 {it.content}（{it.owner or '责任人待补齐'}，{cn_date(it.deadline)}前）")
            row.setForeground(QBrush(QColor("#b00020")))
            self.ledger_list.addItem(row)

    def open_followup(self) -> None:
        from app.ui.followup_view import FollowupDialog

        self.followup_dialog = FollowupDialog(self.store, self)
        self.followup_dialog.finished.connect(lambda _code: self.refresh())
        self.followup_dialog.open()

    def run_search(self) -> None:
        text = self.search_edit.text().strip()
        self.hits.clear()
        if not text:
            self.hits_box.hide()
            return
        results = self.store.search(text)
        self.hits_box.setTitle(f"搜索结果：“{text}” 共 {len(results)} 处")
        for h in results:
            item = QListWidgetItem(f"{h.date} {h.title}  [{clock(h.start)}] {h.speaker or '发言人'}：{h.text}")
            item.setData(Qt.ItemDataRole.UserRole, (h.meeting_id, h.start))
            self.hits.addItem(item)
        if not results:
            self.hits.addItem(QListWidgetItem("没有找到。"))
        self.hits_box.show()

    def _open_hit(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            self.open_meeting.emit(data[0], float(data[1]))
