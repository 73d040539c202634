"""The effectiveness report: score and its parts, speaking-time chart, findings, suggestions, warnings."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.export import clock
from app.ui.models import ListModel
from core.types import Participation, Result, Score


class BarChart(QWidget):
    """Speaking-time share per person, drawn directly (no plotting library on the UI thread)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Participation] = []
        self.setMinimumHeight(120)

    def set_rows(self, rows: list[Participation]) -> None:
        self.rows = sorted(rows, key=lambda r: -r.share)
        self.setMinimumHeight(max(120, 28 * len(self.rows) + 16))
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        label_w = max([fm.horizontalAdvance(r.speaker or "发言人") for r in self.rows] + [60]) + 12
        bar_h, gap = 20, 8
        width = self.width() - label_w - 70
        top = max((r.share for r in self.rows), default=1.0) or 1.0
        for i, r in enumerate(self.rows):
            y = 8 + i * (bar_h + gap)
            p.setPen(QColor("#333"))
            p.drawText(QRectF(0, y, label_w - 8, bar_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       r.speaker or "发言人")
            w = max(2.0, width * r.share / top)
            p.fillRect(QRectF(label_w, y, w, bar_h), QColor("#c62828"))
            p.drawText(QRectF(label_w + w + 6, y, 64, bar_h), Qt.AlignmentFlag.AlignVCenter, f"{r.share * 100:.0f}%")
        if not self.rows:
            p.setPen(QColor("#777"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "没有发言统计")
        p.end()


class ReportView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.pending_label = QLabel("正在按您的修改更新报告…")
        self.pending_label.setStyleSheet("color: #555;")
        self.pending_label.hide()
        self.score_label = QLabel()
        self.score_label.setStyleSheet("font-size: 22px; font-weight: bold; color: #b71c1c;")
        self.score_detail = QLabel()  # how the total is computed, in words
        self.score_detail.setWordWrap(True)
        self.score_detail.setStyleSheet("color: #555;")
        self.score_model = ListModel([
            ("分项", lambda r: r.name),
            ("得分", lambda r: "未计算" if r.value is None else f"{r.value:.0f}"),
            ("权重", lambda r: f"{r.weight * 100:.0f}%"),
            ("计算依据", lambda r: r.detail),
        ], parent=self)
        self.score_table = QTableView()
        self.score_table.setModel(self.score_model)
        self.score_table.verticalHeader().hide()
        self.score_table.setWordWrap(False)  # one line a part; the whole 计算依据 in its tooltip
        self.score_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        sh = self.score_table.horizontalHeader()
        for col in range(3):
            sh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        sh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        score_box = QGroupBox("会议效能")
        sl = QVBoxLayout(score_box)
        sl.addWidget(self.pending_label)
        sl.addWidget(self.score_label)
        sl.addWidget(self.score_table)
        sl.addWidget(self.score_detail)

        self.chart = BarChart()
        self.part_model = ListModel([
            ("发言人", lambda r: r.speaker or "发言人"),
            ("发言时长", lambda r: clock(r.seconds)),
            ("占比", lambda r: f"{r.share * 100:.1f}%"),
            ("发言次数", lambda r: r.turns),
        ], parent=self)
        self.part_table = QTableView()
        self.part_table.setModel(self.part_model)
        self.part_table.verticalHeader().hide()
        self.part_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.part_table.setMaximumHeight(180)
        part_box = QGroupBox("发言分布")
        pl = QHBoxLayout(part_box)
        pl.addWidget(self.chart, 3)
        pl.addWidget(self.part_table, 2)

        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        find_box = QGroupBox("合规检查")
        QVBoxLayout(find_box).addWidget(self.findings)
        self.risks = QListWidget()
        self.risks.setWordWrap(True)
        risk_box = QGroupBox("风险预警")
        QVBoxLayout(risk_box).addWidget(self.risks)
        self.suggestions = QListWidget()
        self.suggestions.setWordWrap(True)
        self.suggestion_box = QGroupBox("改进建议")
        QVBoxLayout(self.suggestion_box).addWidget(self.suggestions)
        lists = QHBoxLayout()
        lists.addWidget(find_box)
        lists.addWidget(risk_box)

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(score_box)
        bl.addWidget(part_box)
        bl.addLayout(lists, 1)
        bl.addWidget(self.suggestion_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        QVBoxLayout(self).addWidget(scroll)

    def set_pending(self, pending: bool) -> None:
        """Edits not yet in the assessment: it is being re-derived (app/session.py)."""
        self.pending_label.setVisible(pending)

    def set_result(self, result: Result | None) -> None:
        a = result.assessment if result else None
        score = a.score if a else Score()
        total = score.overall
        grade = f"（{score.grade}）" if score.grade else ""
        self.score_label.setText(f"综合得分：{total:.0f} 分{grade}" if total is not None else f"综合得分：—{grade}")
        parts = score.parts
        self.score_model.set_items(parts)
        self.score_table.setVisible(bool(parts))
        rows_height = self.score_table.verticalHeader().defaultSectionSize() * len(parts)
        self.score_table.setFixedHeight(self.score_table.horizontalHeader().sizeHint().height() + rows_height + 6)
        used = [p for p in parts if p.value is not None and p.weight]
        if used:
            den = sum(p.weight for p in used)
            terms = " + ".join(f"{p.value:.0f}×{p.weight:.2f}" for p in used)
            result_text = f" = {total:.0f} 分" if total is not None else ""
            self.score_detail.setText(f"综合得分按各分项得分乘以权重求和，再除以参与计算的权重之和；未计算的分项不计入。"
                                      f"本次：({terms}) ÷ {den:.2f}{result_text}。")
        else:
            self.score_detail.setText("")
        rows = list(a.participation) if a else []
        self.chart.set_rows(rows)
        self.part_model.set_items(rows)
        self.findings.clear()
        for c in (a.compliance if a else []):
            item = QListWidgetItem(f"{ {True: '✓', False: '✗'}.get(c.ok, '—')} {c.item}　{c.detail}")  # —: not judged
            if c.ok is False:
                item.setForeground(QColor("#b00020"))
            self.findings.addItem(item)
        if self.findings.count() == 0:
            self.findings.addItem("（无）")
        self.risks.clear()
        for r in (a.risks if a else []):
            item = QListWidgetItem(f"[{clock(r.start)}] {r.speaker or '发言人'}：{r.text}\n　　{r.reason}")
            item.setForeground(QColor("#b00020"))
            self.risks.addItem(item)
        if self.risks.count() == 0:
            self.risks.addItem("未发现风险表述。")
        self.suggestions.clear()
        tips = score.suggestions
        for i, text in enumerate(tips, 1):
            self.suggestions.addItem(f"{i}. {text}")
        self.suggestion_box.setVisible(bool(tips))
