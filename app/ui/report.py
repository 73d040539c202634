"""The effectiveness report: score, speaking-time chart, findings and early warnings."""

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
from core.types import Participation, Result

SCORE_NAMES = {
    "total": "综合得分", "overall": "综合得分", "attendance": "出席", "participation": "参与度",
    "first_topic": "第一议题", "resolutions": "决议完整性", "interaction": "互动", "compliance": "合规",
    "balance": "发言均衡", "agenda": "议程契合",
}


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
        self.score_label = QLabel()
        self.score_label.setStyleSheet("font-size: 22px; font-weight: bold; color: #b71c1c;")
        self.score_detail = QLabel()
        self.score_detail.setWordWrap(True)
        score_box = QGroupBox("会议效能")
        sl = QVBoxLayout(score_box)
        sl.addWidget(self.score_label)
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
        find_box = QGroupBox("合规检查")
        QVBoxLayout(find_box).addWidget(self.findings)
        self.risks = QListWidget()
        risk_box = QGroupBox("风险预警")
        QVBoxLayout(risk_box).addWidget(self.risks)
        lists = QHBoxLayout()
        lists.addWidget(find_box)
        lists.addWidget(risk_box)

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(score_box)
        bl.addWidget(part_box)
        bl.addLayout(lists, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        QVBoxLayout(self).addWidget(scroll)

    def set_result(self, result: Result | None) -> None:
        a = result.assessment if result else None
        score = dict(a.score) if a else {}
        total = score.get("total", score.get("overall"))
        self.score_label.setText(f"综合得分：{total:.0f} 分" if isinstance(total, (int, float)) else "综合得分：—")
        parts = [f"{SCORE_NAMES.get(k, k)} {v:.0f}" if isinstance(v, (int, float)) else f"{SCORE_NAMES.get(k, k)}：{v}"
                 for k, v in score.items() if k not in ("total", "overall") and not isinstance(v, (dict, list))]
        self.score_detail.setText("　".join(parts))
        rows = list(a.participation) if a else []
        self.chart.set_rows(rows)
        self.part_model.set_items(rows)
        self.findings.clear()
        for c in (a.compliance if a else []):
            ok = c.get("ok")
            item = QListWidgetItem(f"{'✓' if ok else '✗'} {c.get('item', '')}　{c.get('detail', '')}")
            if not ok:
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
