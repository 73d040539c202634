"""The effectiveness report: score and its parts, speaking-time chart, findings, suggestions, warnings."""

from __future__ import annotations

from dataclasses import dataclass

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

# Names of the parts in an older, flat score ({"total": 82, "attendance": 80, …}); analytics.scoring
# now gives {"overall", "grade", "parts": [{"name", "value", "weight", "detail"}], …}.
SCORE_NAMES = {
    "total": "综合得分", "overall": "综合得分", "attendance": "出席", "participation": "参与度",
    "first_topic": "第一议题", "resolutions": "决议完整性", "interaction": "互动", "compliance": "合规",
    "balance": "发言均衡", "agenda": "议程契合", "topic": "第一议题与议程", "atmosphere": "讨论氛围",
}


@dataclass
class ScorePart:
    name: str
    value: float | None  # None: could not be computed, so it does not count
    weight: float | None
    detail: str = ""


def score_parts(score: dict) -> list[ScorePart]:
    """The score's parts for the table, in either form; internal keys (formula, measures, version …)
    never reach the screen."""
    rows = []
    for part in score.get("parts") or []:
        if isinstance(part, dict):
            value = part.get("value")
            rows.append(ScorePart(str(part.get("name") or SCORE_NAMES.get(part.get("key", ""), "分项")),
                                  float(value) if isinstance(value, (int, float)) else None,
                                  part.get("weight") if isinstance(part.get("weight"), (int, float)) else None,
                                  str(part.get("detail") or "")))
    if rows:
        return rows
    return [ScorePart(SCORE_NAMES[k], float(v), None) for k, v in score.items()
            if k in SCORE_NAMES and k not in ("total", "overall") and isinstance(v, (int, float))
            and not isinstance(v, bool)]


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
            ("权重", lambda r: "—" if r.weight is None else f"{r.weight * 100:.0f}%"),
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
        score = dict(a.score) if a else {}
        total = score.get("overall", score.get("total"))
        grade = score.get("grade")
        if isinstance(total, (int, float)):
            self.score_label.setText(f"综合得分：{total:.0f} 分" + (f"（{grade}）" if isinstance(grade, str) and grade else ""))
        else:
            self.score_label.setText("综合得分：—" + (f"（{grade}）" if isinstance(grade, str) and grade else ""))
        parts = score_parts(score)
        self.score_model.set_items(parts)
        self.score_table.setVisible(bool(parts))
        rows_height = self.score_table.verticalHeader().defaultSectionSize() * len(parts)
        self.score_table.setFixedHeight(self.score_table.horizontalHeader().sizeHint().height() + rows_height + 6)
        used = [p for p in parts if p.value is not None and p.weight]
        if used:
            den = sum(p.weight for p in used)
            terms = " + ".join(f"{p.value:.0f}×{p.weight:.2f}" for p in used)
            result_text = f" = {total:.0f} 分" if isinstance(total, (int, float)) else ""
            self.score_detail.setText(f"综合得分按各分项得分乘以权重求和，再除以参与计算的权重之和；未计算的分项不计入。"
                                      f"本次：({terms}) ÷ {den:.2f}{result_text}。")
        else:
            self.score_detail.setText("")
        rows = list(a.participation) if a else []
        self.chart.set_rows(rows)
        self.part_model.set_items(rows)
        self.findings.clear()
        for c in (a.compliance if a else []):
            ok = c.get("ok")  # None: could not be judged from the recording
            item = QListWidgetItem(f"{ {True: '✓', False: '✗'}.get(ok, '—')} {c.get('item', '')}　{c.get('detail', '')}")
            if ok is False:
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
        tips = [t for t in score.get("suggestions") or [] if isinstance(t, str)]
        for i, text in enumerate(tips, 1):
            self.suggestions.addItem(f"{i}. {text}")
        self.suggestion_box.setVisible(bool(tips))
