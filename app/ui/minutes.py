"""The minutes editor: the summarizer's structured minutes as editable fields and tables.

Every edit marks its section as manual; re-extracting after transcript edits replaces only the
sections the secretary has not touched (app.session.merge_minutes). Missing items show 待人工补齐 in red.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.session import SECTIONS, merge_minutes  # noqa: F401  (merge_minutes: its old home)
from app.ui.models import ListModel, ResolutionModel
from core.flags import clear_answered
from core.types import NEEDS_FILLING, Absence, FirstTopic, Minutes

MISSING_STYLE = "border: 2px solid #d32f2f; background: #fff0f0;"


def parse_absences(text: str) -> list[Absence]:
    """'姓名：原因' one a line (the reason optional)."""
    out = []
    for line in text.splitlines():
        name, _, reason = re.sub("：", ":", line).partition(":")
        if name.strip():
            out.append(Absence(name.strip(), reason.strip()))
    return out


def count_missing(minutes: Minutes) -> int:
    n = sum((not r.owner) + (not r.deadline) for r in minutes.resolutions)
    if minutes.first_topic is not None:
        n += (not minutes.first_topic.content) + (not minutes.first_topic.leader)
    return n


class MinutesView(QWidget):
    changed = Signal()  # debounced: save
    edited = Signal(str)  # at once, the section edited by hand
    reextract_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.minutes: Minutes | None = None
        self.manual: set[str] = set()
        self._loading = False

        top = self._build_top_bar()
        att = self._build_attendance_box()
        agenda_box = self._build_agenda_box()
        ft = self._build_first_topic_box()
        res_box = self._build_resolutions_box()
        vote_box = self._build_votes_box()

        # Resolutions (where the flags usually are) near the top; short boxes side by side.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        first_row = QHBoxLayout()
        first_row.addWidget(att, 2)
        first_row.addWidget(ft, 3)
        body_layout.addLayout(first_row)
        body_layout.addWidget(res_box)
        last_row = QHBoxLayout()
        last_row.addWidget(agenda_box, 1)
        last_row.addWidget(vote_box, 1)
        body_layout.addLayout(last_row)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pending_label)
        layout.addWidget(scroll, 1)

        self._connect_signals()

    def _build_top_bar(self) -> QHBoxLayout:
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.pending_label = QLabel("正在按修改后的转写更新纪要（您手工修改的部分保持不变）…")
        self.pending_label.setStyleSheet("color: #555; padding: 2px 4px;")
        self.pending_label.hide()
        self.reextract_button = QPushButton("根据转写重新提取")
        self.reextract_button.setToolTip("修改转写后重新生成纪要；您手工改过的部分保持不变")
        self.reextract_button.clicked.connect(self.reextract_requested)
        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.reextract_button)
        return top

    def _build_attendance_box(self) -> QGroupBox:
        self.expected_spin = QSpinBox(maximum=9999)
        self.present_spin = QSpinBox(maximum=9999)
        self.absent_edit = QPlainTextEdit(placeholderText="每行一人，例如：赵敏：出差")
        self.absent_edit.setFixedHeight(64)
        att = QGroupBox("出席情况")
        att_form = QFormLayout(att)
        att_form.addRow("应到人数", self.expected_spin)
        att_form.addRow("实到人数", self.present_spin)
        att_form.addRow("缺席人员及原因", self.absent_edit)
        self.quorum_label = QLabel()
        att_form.addRow("", self.quorum_label)
        return att

    def _build_agenda_box(self) -> QGroupBox:
        self.agenda_edit = QPlainTextEdit(placeholderText="每行一项议程")
        self.agenda_edit.setFixedHeight(84)
        agenda_box = QGroupBox("会议议程")
        QVBoxLayout(agenda_box).addWidget(self.agenda_edit)
        return agenda_box

    def _build_first_topic_box(self) -> QGroupBox:
        self.ft_content = QLineEdit()
        self.ft_form = QLineEdit(placeholderText="传达学习、领学、交流研讨…")
        self.ft_leader = QLineEdit()
        self.ft_measures = QPlainTextEdit(placeholderText="每行一条落实措施")
        self.ft_measures.setFixedHeight(64)
        ft = QGroupBox("第一议题")
        ft_form = QFormLayout(ft)
        ft_form.addRow("学习内容", self.ft_content)
        ft_form.addRow("学习形式", self.ft_form)
        ft_form.addRow("领学人", self.ft_leader)
        ft_form.addRow("落实措施", self.ft_measures)
        return ft

    def _build_resolutions_box(self) -> QGroupBox:
        self.res_model = ResolutionModel(parent=self)
        self.res_model.edited.connect(lambda: self._edited("resolutions"))
        self.res_table = QTableView()
        self.res_table.setModel(self.res_model)
        self.res_table.verticalHeader().hide()
        self.res_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.res_table.setWordWrap(True)
        h = self.res_table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.res_table.setMinimumHeight(180)
        self.add_button = add = QPushButton("添加决议")
        add.clicked.connect(lambda: self.res_model.add())
        self.remove_button = remove = QPushButton("删除所选")
        remove.clicked.connect(self._remove_resolution)
        res_box = QGroupBox("决议事项")
        res_layout = QVBoxLayout(res_box)
        res_layout.addWidget(self.res_table)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(remove)
        res_layout.addLayout(row)
        return res_box

    def _build_votes_box(self) -> QGroupBox:
        # Read-only: counted from the recording; corrected in the transcript.
        self.vote_model = ListModel([
            ("表决事项", lambda v: v.matter),
            ("赞成", lambda v: v.in_favor),
            ("反对", lambda v: v.against),
            ("弃权", lambda v: v.abstain),
            ("结果", lambda v: {True: "通过", False: "未通过"}.get(v.passed, "")),
        ], parent=self)
        self.vote_table = QTableView()
        self.vote_table.setModel(self.vote_model)
        self.vote_table.verticalHeader().hide()
        self.vote_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.vote_table.setMaximumHeight(110)
        vote_box = QGroupBox("表决情况")
        QVBoxLayout(vote_box).addWidget(self.vote_table)
        return vote_box

    def _connect_signals(self) -> None:
        for w, section in ((self.expected_spin, "attendance"), (self.present_spin, "attendance")):
            w.valueChanged.connect(lambda _v, s=section: self._edited(s))
        self.absent_edit.textChanged.connect(lambda: self._edited("attendance"))
        self.agenda_edit.textChanged.connect(lambda: self._edited("agenda"))
        for w in (self.ft_content, self.ft_form, self.ft_leader):
            w.textChanged.connect(lambda _t: self._edited("first_topic"))
        self.ft_measures.textChanged.connect(lambda: self._edited("first_topic"))

        self._save_timer = QTimer(self, singleShot=True, interval=800)
        self._save_timer.timeout.connect(self.changed)

    # ------------------------------------------------ load / store

    def set_minutes(self, minutes: Minutes | None, manual: set[str] | None = None) -> None:
        """Show these minutes; a field whose value is unchanged is left alone, so a re-derivation
        arriving while the secretary types does not move the cursor."""
        self._loading = True
        self.minutes = minutes
        self.manual = set(manual or ())
        m = minutes or Minutes()
        a = m.attendance
        self.expected_spin.setValue(a.expected)
        self.present_spin.setValue(a.present)
        _set_plain(self.absent_edit, "\n".join(f"{x.name}：{x.reason}" if x.reason else x.name for x in a.absent))
        self.quorum_label.setText({True: "符合法定人数", False: "⚠ 未达到法定人数", None: ""}[a.quorum_met])
        _set_plain(self.agenda_edit, "\n".join(m.agenda))
        ft = m.first_topic or FirstTopic()
        for widget, text in ((self.ft_content, ft.content), (self.ft_form, ft.form), (self.ft_leader, ft.leader)):
            if widget.text() != text:
                widget.setText(text)
        _set_plain(self.ft_measures, "\n".join(ft.measures))
        self.res_model.set_items(m.resolutions)
        self.vote_model.set_items(m.votes)
        self._loading = False
        self._refresh_flags()

    def set_read_only(self, read_only: bool) -> None:
        self.set_permissions(edit=not read_only, reextract=not read_only, add=not read_only, remove=not read_only)

    def set_permissions(self, edit: bool, reextract: bool, add: bool, remove: bool) -> None:
        """What the session allows (app/session.py): edits, 重新提取, 添加决议, 删除所选."""
        for w in (self.absent_edit, self.agenda_edit, self.ft_measures):
            w.setReadOnly(not edit)
        for w in (self.ft_content, self.ft_form, self.ft_leader):
            w.setReadOnly(not edit)
        self.expected_spin.setReadOnly(not edit)
        self.present_spin.setReadOnly(not edit)
        self.res_model.read_only = not edit
        self.reextract_button.setEnabled(reextract)
        self.add_button.setEnabled(add)
        self.remove_button.setEnabled(remove)

    def set_pending(self, pending: bool) -> None:
        """The transcript changed and the minutes are being re-derived from it."""
        self.pending_label.setVisible(pending)

    def _edited(self, section: str) -> None:
        if self._loading or self.minutes is None:
            return
        self.manual.add(section)
        self._apply()
        self._refresh_flags()
        self.edited.emit(section)
        self._save_timer.start()

    def flush(self) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.changed.emit()

    def _apply(self) -> None:
        """Widget values into self.minutes (resolutions are edited in place by their model)."""
        m = self.minutes
        m.attendance.expected = self.expected_spin.value()
        m.attendance.present = self.present_spin.value()
        m.attendance.absent = parse_absences(self.absent_edit.toPlainText())
        m.agenda = [x.strip() for x in self.agenda_edit.toPlainText().splitlines() if x.strip()]
        content = self.ft_content.text().strip()
        measures = [x.strip() for x in self.ft_measures.toPlainText().splitlines() if x.strip()]
        if content or self.ft_leader.text().strip() or measures or m.first_topic is not None:
            ft = m.first_topic or FirstTopic()
            if content != ft.content:  # the secretary wrote the topic: no longer the machine's summary
                ft.flags = clear_answered(ft.flags, "content")
            ft.content, ft.form, ft.leader, ft.measures = content, self.ft_form.text().strip(), self.ft_leader.text().strip(), measures
            m.first_topic = ft

    def _refresh_flags(self) -> None:
        m = self.minutes or Minutes()
        has_ft = m.first_topic is not None
        for w in (self.ft_content, self.ft_leader):
            missing = has_ft and not w.text().strip()
            w.setStyleSheet(MISSING_STYLE if missing else "")
            w.setPlaceholderText(NEEDS_FILLING if missing else "")
        n = count_missing(m)
        if n:
            self.banner.setText(f"⚠ 有 {n} 处{NEEDS_FILLING}（红色标出）：录音中没有说明，请核对后填写。")
            self.banner.setStyleSheet("color: #b00020; font-weight: bold; padding: 4px; background: #fff0f0;")
        else:
            self.banner.setText("✓ 纪要要素齐全。")
            self.banner.setStyleSheet("color: #2e7d32; padding: 4px;")

    def _remove_resolution(self) -> None:
        rows = self.res_table.selectionModel().selectedRows()
        if rows:
            self.res_model.remove(rows[0].row())


def _set_plain(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)
