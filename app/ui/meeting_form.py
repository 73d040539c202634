"""The new-meeting form: what the secretary knows before the meeting starts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.members import load_members, read_member_file, save_members
from app.ui.members_dialog import SPREADSHEETS, MembersDialog
from core.errors import MetaError, SanhuiError
from core.result import meeting_from_dict
from core.storage import Store
from core.types import MEETING_TYPES, Meeting, canonical_meeting_type

_SPLIT = re.compile(r"[\s,，、;；]+")


def _clock(text: str) -> str:
    """9:05 / 9：05 → 09:05 as meta files have it; anything else as typed (accept() says what is wrong)."""
    try:
        return meeting_from_dict({"start_time": text.strip()}).start_time
    except MetaError:
        return text.strip()


def split_names(text: str) -> list[str]:
    """Names typed one a line or separated by 、，; duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for name in _SPLIT.split(text):
        if name.strip():
            seen.setdefault(name.strip(), None)
    return list(seen)


class MeetingForm(QDialog):
    def __init__(self, meeting: Meeting | None = None, parent=None, store: Store | None = None):
        super().__init__(parent)
        self._own_store = store is None
        self.store = store or Store()
        self.setWindowTitle("新建会议")
        self.setMinimumWidth(520)
        m = meeting or Meeting()

        self.type_combo = QComboBox()  # only the known types: a typo can never change the rules applied
        self.type_combo.addItems(MEETING_TYPES)
        self.type_combo.setCurrentText(canonical_meeting_type(m.type))  # 支委会 from a file name or an old meeting
        self.title_edit = QLineEdit(m.title, placeholderText="例如：第一党支部2026年10月支委会")
        self.branch_edit = QLineEdit(m.branch, placeholderText="例如：第一党支部")
        self.date_edit = QDateEdit(calendarPopup=True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        day = m.day if m.date else dt.date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.location_edit = QLineEdit(m.location, placeholderText="例如：三楼党员活动室")
        self.host_edit = QLineEdit(m.host)
        self.recorder_edit = QLineEdit(m.recorder)
        roster_box = self._build_roster_box(m)
        self.agenda_edit = QPlainTextEdit("\n".join(m.agenda))
        self.agenda_edit.setPlaceholderText("每行一项议程（可选）")
        self.agenda_edit.setFixedHeight(70)
        self.first_topic_edit = QLineEdit(m.planned_first_topic, placeholderText="第一议题学习内容（可选）")
        self.nonvoting_edit = QLineEdit("、".join(m.attendees_nonvoting), placeholderText="列席人员姓名，用顿号分隔（可选）")
        times_box = self._build_times_box(m)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form(times_box, roster_box))
        layout.addWidget(self.error_label)
        layout.addWidget(self._build_buttons())

    def _build_roster_box(self, m: Meeting) -> QWidget:
        self.roster_edit = QPlainTextEdit("、".join(m.roster))
        self.roster_edit.setPlaceholderText("应参会党员姓名，用顿号、逗号或换行分隔")
        self.roster_edit.setFixedHeight(70)
        self.members = load_members(self.store)
        self.fill_button = QPushButton("从党员名册填入")
        self.fill_button.clicked.connect(self.fill_from_members)
        self.fill_button.setEnabled(bool(self.members))
        self.edit_members_button = QPushButton("编辑名册…")
        self.edit_members_button.clicked.connect(self.edit_members)
        self.import_button = QPushButton("导入名册…")
        self.import_button.setToolTip("Excel / WPS 表格（.xlsx）或 CSV：读取“姓名”列，没有则读取第一列")
        self.import_button.clicked.connect(self.choose_member_file)
        roster_buttons = QHBoxLayout()
        roster_buttons.setContentsMargins(0, 0, 0, 0)
        roster_buttons.addWidget(self.fill_button)
        roster_buttons.addWidget(self.edit_members_button)
        roster_buttons.addWidget(self.import_button)
        roster_buttons.addStretch(1)
        roster_box = QWidget()
        roster_layout = QVBoxLayout(roster_box)
        roster_layout.setContentsMargins(0, 0, 0, 0)
        roster_layout.addWidget(self.roster_edit)
        roster_layout.addLayout(roster_buttons)
        if not m.roster and self.members:
            self.fill_from_members()
        return roster_box

    def _build_times_box(self, m: Meeting) -> QWidget:
        # The clock times the minutes print (时间：…14:30—16:00); a recording made here fills the start.
        self.start_edit = QLineEdit(m.start_time, placeholderText="例如 14:30")
        self.end_edit = QLineEdit(m.end_time, placeholderText="不填则按录音时长计算")
        times = QHBoxLayout()
        times.setContentsMargins(0, 0, 0, 0)
        times.addWidget(QLabel("开始"))
        times.addWidget(self.start_edit)
        times.addWidget(QLabel("结束"))
        times.addWidget(self.end_edit)
        times_box = QWidget()
        times_box.setLayout(times)
        return times_box

    def _build_form(self, times_box: QWidget, roster_box: QWidget) -> QFormLayout:
        form = QFormLayout()
        form.addRow("会议类型", self.type_combo)
        form.addRow("会议名称", self.title_edit)
        form.addRow("党支部", self.branch_edit)
        form.addRow("日期", self.date_edit)
        form.addRow("时间", times_box)
        form.addRow("地点", self.location_edit)
        form.addRow("主持人", self.host_edit)
        form.addRow("记录人", self.recorder_edit)
        form.addRow("参会名单", roster_box)
        form.addRow("列席人员", self.nonvoting_edit)
        form.addRow("议程", self.agenda_edit)
        form.addRow("第一议题", self.first_topic_edit)
        return form

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    def meeting(self) -> Meeting:
        d = self.date_edit.date()
        meeting_type = self.type_combo.currentText()
        date = dt.date(d.year(), d.month(), d.day())
        title = self.title_edit.text().strip() or f"{self.branch_edit.text().strip()}{date.year}年{date.month}月{meeting_type}"
        return Meeting(
            type=meeting_type,
            title=title,
            branch=self.branch_edit.text().strip(),
            date=date.isoformat(),
            location=self.location_edit.text().strip(),
            host=self.host_edit.text().strip(),
            recorder=self.recorder_edit.text().strip(),
            roster=split_names(self.roster_edit.toPlainText()),
            agenda=[line.strip() for line in self.agenda_edit.toPlainText().splitlines() if line.strip()],
            planned_first_topic=self.first_topic_edit.text().strip(),
            attendees_nonvoting=split_names(self.nonvoting_edit.text()),
            start_time=_clock(self.start_edit.text()),
            end_time=_clock(self.end_edit.text()),
        )

    def fill_from_members(self) -> None:
        self.roster_edit.setPlainText("、".join(self.members))

    def edit_members(self) -> None:
        if MembersDialog(self.store, self).exec() == QDialog.DialogCode.Accepted:
            self.members = load_members(self.store)
            self.fill_button.setEnabled(bool(self.members))
            if self.members:
                self.fill_from_members()

    def import_members(self, path) -> list[str]:
        try:
            names = read_member_file(path)
            self.members = save_members(self.store, names)
        except SanhuiError as exc:
            self.error_label.setText(str(exc))
            return []
        self.fill_button.setEnabled(bool(self.members))
        self.fill_from_members()
        self.error_label.setText(f"已导入名册：{len(self.members)} 人。")
        return self.members

    def choose_member_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "导入党员名册", "", SPREADSHEETS)
        if name:
            self.import_members(name)

    def accept(self) -> None:
        m = self.meeting()
        try:
            meeting_from_dict(dataclasses.asdict(m), strict=True)  # the meta files' check: 时间 as 时:分
        except MetaError as exc:
            self.error_label.setText(str(exc))
            return
        if m.host and m.roster and m.host not in m.roster:
            self.error_label.setText(f"主持人“{m.host}”不在参会名单中，请补充名单或更正姓名。")
            return
        if not self.members and m.roster:
            self.members = save_members(self.store, m.roster)  # the first meeting's roster starts the member list
        super().accept()

    def done(self, code: int) -> None:
        if self._own_store:
            self.store.close()
            self._own_store = False
        super().done(code)
