"""report.docx: the meeting-effectiveness report (会议效能分析报告) with charts.

Written for a branch secretary and the superior committee: charts first, every figure traceable to
the transcript, the score's formula printed, risks phrased for follow-up rather than blame.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from pathlib import Path

from analytics import charts
from analytics.text import display_name, valid_segments
from core.files import atomic_path
from core.types import Result

log = logging.getLogger(__name__)

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
STATUS = {True: "符合", False: "不符合", None: "待核实"}
SENTIMENT_NAMES = {"positive": "积极", "neutral": "中性", "negative": "消极"}


def _date_cn(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "（未填写）"
    return f"{d.year}年{d.month}月{d.day}日"


def _mmss(seconds: float) -> str:
    return charts._mmss(seconds)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _set_east_asian_font(style_or_run, name: str) -> None:
    from docx.oxml.ns import qn

    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _setup(doc) -> None:
    from docx.shared import Cm, Pt

    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _set_east_asian_font(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_east_asian_font(doc.styles[name], HEADING_FONT)


def _table(doc, header: list[str], rows: list[list[str]], widths_cm: list[float] | None = None):
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    if widths_cm:
        # Word reads the cell widths, LibreOffice the grid columns: set both.
        table.autofit = False
        for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_cm, strict=False):
            col.w = Cm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(w)
    return table


def _chart(doc, what: str, draw: Callable[[], bytes]) -> None:
    """Insert a chart; a chart that fails leaves a note instead of losing the whole report."""
    from docx.shared import Cm

    try:
        png = draw()
    except Exception:  # noqa: BLE001 - the report without one chart is still useful
        log.exception("chart %s failed", what)
        doc.add_paragraph(f"（{what}图表生成失败，数据见下表。）")
        return
    doc.add_picture(io.BytesIO(png), width=Cm(16))


def build(result: Result):
    """The report as a python-docx Document (separate from writing, for tests)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    meeting, minutes, a = result.meeting, result.minutes, result.assessment
    segments = valid_segments(result.segments)
    score = a.score or {}
    measures = score.get("measures") or {}
    summary = (a.interaction or {}).get("participation") or measures
    doc = Document()
    _setup(doc)

    title = doc.add_heading("会议效能分析报告", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(meeting.title or meeting.type or "")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    att = minutes.attendance
    info = [
        ["会议类型", meeting.type or "—", "会议日期", _date_cn(meeting.date)],
        ["党支部", meeting.branch or "—", "地点", meeting.location or "—"],
        ["主持人", meeting.host or "—", "记录人", meeting.recorder or "—"],
        ["应到人数", str(att.expected or "—"), "实到人数", str(att.present or "—")],
    ]
    _table(doc, ["项目", "内容", "项目", "内容"], info, [2.6, 5.4, 2.6, 5.4])

    # 一、总体评价
    doc.add_heading("一、总体评价", level=1)
    overall = score.get("overall")
    p = doc.add_paragraph()
    run = p.add_run(f"会议效能得分：{overall if overall is not None else '—'}分（{score.get('grade', '无法评价')}）")
    run.bold = True
    run.font.size = Pt(16)
    run.font.color.rgb = RGBColor(0xC0, 0x39, 0x2B)
    parts = score.get("parts") or []
    if parts:
        _table(
            doc,
            ["分项", "得分", "权重", "计算依据"],
            [
                [x["name"], "未计算" if x["value"] is None else f"{x['value']:.0f}", f"{x['weight'] * 100:.0f}%", x["detail"]]
                for x in parts
            ],
            [2.8, 1.5, 1.5, 10.2],
        )
        used = [x for x in parts if x["value"] is not None]
        if used:
            terms = " + ".join(f"{x['value']:.0f}×{x['weight']:.2f}" for x in used)
            den = sum(x["weight"] for x in used)
            doc.add_paragraph(f"计算公式：{score.get('formula', '')}")
            doc.add_paragraph(f"本次：({terms}) ÷ {den:.2f} = {overall}分。")

    # 二、发言情况
    doc.add_heading("二、发言情况", level=1)
    if a.participation:
        _chart(doc, "发言时长", lambda: charts.speaking_time(a.participation, summary.get("chair")))
        _table(
            doc,
            ["发言人", "发言时长", "占比", "发言次数", "字数"],
            [
                [display_name(x.speaker), _mmss(x.seconds), _pct(x.share), str(x.turns), str(x.chars)]
                for x in a.participation
            ],
            [4.0, 3.0, 2.5, 3.0, 3.5],
        )
        lines = [f"共有{summary.get('speakers', len(a.participation))}人发言"]
        if summary.get("spoke_share") is not None:
            lines.append(f"发言人数占实到人数的{_pct(summary['spoke_share'])}")
        if summary.get("chair_share") is not None:
            who = display_name(summary.get("chair") or "")
            if summary.get("chair_inferred"):
                who += "（按开场发言推定）"
            lines.append(f"主持人{who}发言占{_pct(summary['chair_share'])}")
        if summary.get("gini") is not None:
            lines.append(f"发言时长基尼系数{summary['gini']:.2f}（0表示人人发言一样长，越接近1越集中于少数人）")
        silent = summary.get("silent")
        if silent:
            lines.append("到会但未发言：" + "、".join(silent))
        elif silent == []:
            lines.append("到会人员均有发言")
        doc.add_paragraph("；".join(lines) + "。")
        if not summary.get("labelled", True):
            doc.add_paragraph("说明：本次转写没有区分说话人，发言统计按整体计算。")
    else:
        doc.add_paragraph("没有可统计的发言。")

    if segments:
        doc.add_heading("三、发言时间线", level=1)
        _chart(doc, "发言时间线", lambda: charts.timeline(segments, measures.get("agenda_items")))
        items = measures.get("agenda_items") or []
        if items:
            _table(
                doc,
                ["议题", "起止时间", "用时", "围绕议题的发言"],
                [
                    [f"{i['index'] + 1}. {i['title']}", f"{_mmss(i['start'])}–{_mmss(i['end'])}", _mmss(i["seconds"]), _pct(i.get("fit"))]
                    for i in items
                ],
                [8.0, 3.2, 2.0, 2.8],
            )
        if measures.get("first_topic_share") is not None:
            doc.add_paragraph(
                f"第一议题用时约{_mmss(measures['first_topic_seconds'])}，占发言总时长的{_pct(measures['first_topic_share'])}。"
            )

    # 四、讨论互动
    inter = a.interaction or {}
    doc.add_heading("四、讨论互动", level=1)
    if inter.get("heat"):
        _chart(doc, "讨论热度", lambda: charts.discussion_heat(inter["heat"]))
    facts = [f"发言轮换{inter.get('transition_count', 0)}次"]
    if inter.get("member_reply_count") is not None:
        facts.append(f"其中成员之间直接接续发言{inter['member_reply_count']}次（占{_pct(inter.get('member_reply_share'))}）")
    facts.append(f"提问{inter.get('questions_asked', 0)}次，得到回应{inter.get('questions_answered', 0)}次")
    mentions = inter.get("mentions") or []
    if mentions:
        facts.append("点名回应：" + "、".join(f"{m['from']}→{m['to']}" for m in mentions[:6]))
    doc.add_paragraph("；".join(facts) + "。")

    # 五、情绪倾向
    senti = a.sentiment or {}
    if senti.get("utterances"):
        doc.add_heading("五、发言情绪倾向", level=1)
        _chart(
            doc,
            "情绪倾向",
            lambda: charts.sentiment_over_time(senti.get("timeline", []), senti["utterances"], senti.get("criticism_expected", False)),
        )
        o = senti.get("overall", {})
        doc.add_paragraph(
            f"共分析{o.get('n', 0)}段发言：积极{o.get('positive', 0)}段，中性{o.get('neutral', 0)}段，"
            f"消极或提出问题{o.get('negative', 0)}段；总体{SENTIMENT_NAMES.get(o.get('label'), '中性')}。"
        )
        if senti.get("criticism_expected"):
            doc.add_paragraph("组织生活会要求开展批评和自我批评，批评性发言属于正常现象，不作为消极表现评价。")
        if senti.get("agenda"):
            _table(
                doc,
                ["议题", "积极", "中性", "消极", "总体"],
                [
                    [f"{x['index'] + 1}. {x['title']}", str(x["positive"]), str(x["neutral"]), str(x["negative"]), SENTIMENT_NAMES.get(x["label"], "")]
                    for x in senti["agenda"]
                ],
                [8.5, 1.8, 1.8, 1.8, 2.1],
            )

    # 六、程序合规
    doc.add_heading("六、程序合规检查", level=1)
    if a.compliance:
        _table(doc, ["检查项目", "结果", "说明"], [[c["item"], STATUS.get(c["ok"], "待核实"), c["detail"]] for c in a.compliance], [4.0, 2.0, 10.0])
    else:
        doc.add_paragraph("没有可检查的项目。")

    # 七、需要关注的发言
    doc.add_heading("七、需要关注的发言", level=1)
    if a.risks:
        doc.add_paragraph("以下发言反映了可能影响落实的情况，供会后了解情况、帮助解决，不作为批评依据。")
        _table(
            doc,
            ["时间", "发言人", "发言原文", "提示"],
            [[_mmss(r.start), display_name(r.speaker), r.text, r.reason] for r in a.risks],
            [1.6, 2.0, 6.6, 5.8],
        )
    else:
        doc.add_paragraph("未发现形式主义或落实风险方面的发言。")

    # 八、改进建议
    doc.add_heading("八、改进建议", level=1)
    for i, text in enumerate(score.get("suggestions") or ["暂无。"], 1):
        doc.add_paragraph(f"{i}. {text}")

    note = doc.add_paragraph(
        f"本报告由三会一课会议助手根据会议录音转写自动生成（{_date_cn(dt.date.today().isoformat())}），"
        "各项数据均可追溯到转写文本，仅供参考。"
    )
    note.runs[0].font.size = Pt(9)
    return doc


def write_report_docx(path: Path, result: Result, **_: object) -> None:
    """Write report.docx atomically (a reader never sees a half-written file)."""
    doc = build(result)
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
