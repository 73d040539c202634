"""report.docx: the meeting-effectiveness report (会议效能分析报告) with charts.

Written for a branch secretary and the superior committee: charts first, every figure traceable to
the transcript, the score's formula printed, risks phrased for follow-up rather than blame. The page
and styles are the 公文 ones of the minutes (core.docx_style: A4, 黑体 headings, 仿宋 text, black),
so the two documents file together.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from analytics import agenda as agenda_mod
from analytics import charts
from analytics.text import display_name, valid_segments
from core import docx_style as style
from core.files import atomic_path
from core.types import Assessment, Result, Score, Segment
from core.zh import clock

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

log = logging.getLogger(__name__)

BODY_FONT = style.BODY_FONT
HEADING_FONT = style.HEADING_FONT
CHART_WIDTH_CM = 15.5  # the A4 text column is 15.6 cm
STATUS = {True: "符合", False: "不符合", None: "待核实"}
SENTIMENT_NAMES = {"positive": "积极", "neutral": "中性", "negative": "消极"}


def _date_cn(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "（未填写）"
    return f"{d.year}年{d.month}月{d.day}日"


def _mmss(seconds: float) -> str:
    return clock(seconds)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _para(doc, text: str = "", *, indent: bool = True, bold: bool = False, size: float = style.BODY_PT,
          keep_next: bool = False):
    """A body paragraph: 仿宋 on the fixed 28 pt line, first line indented two characters."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(style.LINE_PT) if size >= style.BODY_PT else 1.2
    fmt.keep_with_next = keep_next or None
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        style.set_fonts(run._element, BODY_FONT)
    return p


def _heading(doc, text: str) -> None:
    """一、… in the Heading 1 style (黑体, black, kept with what follows); the font also on the run for WPS."""
    p = doc.add_paragraph(style="Heading 1")
    run = p.add_run(text)
    style.set_fonts(run._element, HEADING_FONT)


def _cell(cell, text: str, bold: bool = False) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Pt

    cell.text = ""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(1)
    fmt.line_spacing = 1.1
    fmt.first_line_indent = None
    run = p.add_run(str(text))
    run.font.size = Pt(style.TABLE_PT)  # set on the run: Normal's 三号 would win over the table style
    run.bold = bold
    style.set_fonts(run._element, BODY_FONT)


def _table(doc, header: list[str], rows: list[list[str]], widths_cm: list[float] | None = None,
           one_line: tuple[int, ...] = ()):
    """A 小四 table at fixed widths; `one_line` columns (times, counts) never wrap."""
    if doc.paragraphs:  # what introduces a table (a heading, a sentence, a chart) stays on its page
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True)
        style.no_wrap(cell)  # a short header never wraps to one character a line
    for row in rows:
        cells = table.add_row().cells
        for c, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell(cell, text)
            if c in one_line:
                style.no_wrap(cell)
    widths = widths_cm or [style.TEXT_WIDTH_MM / 10 / len(header)] * len(header)
    scale = min(1.0, style.TEXT_WIDTH_MM / 10 / sum(widths))  # never wider than the text column
    style.table_layout(table, [w * 10 * scale for w in widths], header_rows=1)
    _para(doc, size=style.TABLE_PT)  # air between a table and what follows
    return table


def _chart(doc, what: str, draw: Callable[[], bytes]) -> None:
    """Insert a chart; a chart that fails leaves a note instead of losing the whole report."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    try:
        png = draw()
    except Exception:  # noqa: BLE001 - the report without one chart is still useful
        log.exception("chart %s failed", what)
        _para(doc, f"（{what}图表生成失败，数据见下表。）")
        return
    doc.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH_CM))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.first_line_indent = None
    picture.paragraph_format.line_spacing = 1.0  # a fixed 28 pt line would crop the picture


def item_spans(segments: list[Segment], sections: list[int | None], n_items: int) -> list[tuple[float, float] | None]:
    """Each agenda item's stretch of the meeting, in agenda order and never overlapping.

    The agenda assigns segments one by one (by announcement, else by similarity), so an item's first
    and last segment can enclose other items. Items are held in order: this finds the split of the
    segments into consecutive blocks (opening, item 1, item 2 ...) that agrees with the most speaking
    time, and gives each item its block's span; None for an item no segment was assigned to.
    """
    n = len(segments)
    if not n or not n_items:
        return [None] * n_items
    states = n_items + 1  # 0 = the opening (no item), k = item k-1
    neg = float("-inf")
    best = [0.0] + [neg] * n_items
    back: list[list[int]] = []
    for seg, sec in zip(segments, sections, strict=True):
        # a segment given to no item (before the first announcement, or like no item) agrees with any
        # block: it goes with the block around it
        label = None if sec is None else sec + 1
        row, new, run_max, run_arg = [], [], neg, 0
        for k in range(states):
            if best[k] > run_max:  # staying put wins ties: a block ends only where speech says so
                run_max, run_arg = best[k], k
            gain = seg.duration if label == k else 0.0
            new.append(run_max + gain)
            row.append(run_arg)
        back.append(row)
        best = new
    k = max(range(states), key=lambda j: (best[j], -j))
    labels = [0] * n
    for i in range(n - 1, -1, -1):
        labels[i] = k
        k = back[i][k]
    spans: list[tuple[float, float] | None] = []
    for item in range(1, states):
        inside = [i for i in range(n) if labels[i] == item]
        agreed = any(sections[i] == item - 1 for i in inside)
        spans.append((segments[inside[0]].start, segments[inside[-1]].end) if inside and agreed else None)
    # speech may overlap across a block boundary (two people at once): an item ends where the next begins
    known = [i for i, sp in enumerate(spans) if sp]
    for a, b in zip(known, known[1:], strict=False):
        if spans[a][1] > spans[b][0]:
            spans[a] = (spans[a][0], spans[b][0])
    return spans


def build(result: Result):
    """The report as a python-docx Document (separate from writing, for tests)."""
    a = result.assessment
    segments = valid_segments(result.segments)
    score = a.score
    # the participation summary interaction() made, else the score's measures (an older result)
    summary = (a.interaction or {}).get("participation") or score.measures
    doc = style.new_document()
    _header_section(doc, result, segments)
    _overall_section(doc, score)
    _speaking_section(doc, a, summary)
    if segments:
        _timeline_section(doc, result, segments, score.measures)
    _interaction_section(doc, a.interaction or {})
    _sentiment_section(doc, a.sentiment or {})
    _compliance_section(doc, a)
    _risks_section(doc, a)
    _suggestions_section(doc, score)
    _closing_note(doc)
    return doc


def _header_section(doc: DocxDocument, result: Result, segments: list[Segment]) -> None:
    """Title, the meeting's name and the table of who, when and where."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    meeting, att = result.meeting, result.minutes.attendance
    title = doc.add_paragraph(style="Title")
    style.set_fonts(title.add_run("会议效能分析报告")._element, style.TITLE_FONT)
    sub = _para(doc, meeting.title or meeting.type or "", indent=False)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    start, end = style.clock_span(meeting.start_time, meeting.end_time, max((s.end for s in segments), default=0.0))
    when = _date_cn(meeting.date) + (f" {start or '—'}—{end or '—'}" if start or end else "")
    info = [
        ["会议类型", meeting.type or "—", "会议时间", when],
        ["党支部", meeting.branch or "—", "地点", meeting.location or "—"],
        ["主持人", meeting.host or "—", "记录人", meeting.recorder or "—"],
        ["应到人数", str(att.expected or "—"), "实到人数", str(att.present or "—")],
    ]
    _table(doc, ["项目", "内容", "项目", "内容"], info, [2.4, 5.4, 2.4, 5.4])


def _overall_section(doc: DocxDocument, score: Score) -> None:
    """一、总体评价: the score, its parts and the formula with this meeting's figures."""
    _heading(doc, "一、总体评价")
    overall = score.overall
    _para(doc, f"会议效能得分：{overall if overall is not None else '—'}分（{score.grade}）", bold=True)
    parts = score.parts
    if not parts:
        return
    _table(
        doc,
        ["分项", "得分", "权重", "计算依据"],
        [
            [x.name, "未计算" if x.value is None else f"{x.value:.0f}", f"{x.weight * 100:.0f}%", x.detail]
            for x in parts
        ],
        [2.8, 1.4, 1.4, 10.0],
    )
    used = [x for x in parts if x.value is not None]
    if used:  # the formula is printed with the figures so a reader can redo the sum
        terms = " + ".join(f"{x.value:.0f}×{x.weight:.2f}" for x in used)
        den = sum(x.weight for x in used)
        _para(doc, f"计算公式：{score.formula}")
        _para(doc, f"本次：({terms}) ÷ {den:.2f} = {overall}分。")


def _speaking_section(doc: DocxDocument, a: Assessment, summary: dict) -> None:
    """二、发言情况: speaking time per speaker (chart and table) and the summary figures."""
    _heading(doc, "二、发言情况")
    if not a.participation:
        _para(doc, "没有可统计的发言。")
        return
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
    _para(doc, "；".join(_speaking_facts(summary, len(a.participation))) + "。")
    if not summary.get("labelled", True):
        _para(doc, "说明：本次转写没有区分说话人，发言统计按整体计算。")


def _speaking_facts(summary: dict, n_speakers: int) -> list[str]:
    """The sentence under the speaking table, one clause per figure that is known."""
    lines = [f"共有{summary.get('speakers', n_speakers)}人发言"]
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
    elif silent == []:  # None means unknown: say nothing rather than "everyone spoke"
        lines.append("到会人员均有发言")
    return lines


def _timeline_section(doc: DocxDocument, result: Result, segments: list[Segment], measures: dict) -> None:
    """三、发言时间线: the agenda items' stretches in order, and the 第一议题's share of time."""
    _heading(doc, "三、发言时间线")
    items = _held_in_order(segments, result, measures.get("agenda_items") or [])
    _chart(doc, "发言时间线", lambda: charts.timeline(segments, [i for i in items if i["span"]]))
    if items:
        _table(
            doc,
            ["议题", "起止时间", "用时", "发言切题率"],
            [
                [f"{i['index'] + 1}. {i['title']}",
                 f"{_mmss(i['start'])}–{_mmss(i['end'])}" if i["span"] else "未识别",
                 _mmss(i["end"] - i["start"]) if i["span"] else "—", _pct(i.get("fit"))]
                for i in items
            ],
            [7.6, 3.4, 1.8, 2.8],
            one_line=(1, 2),
        )
        _para(doc, "起止时间按议程顺序划分，各议题互不重叠；用时为该段会议时长。", size=style.TABLE_PT)
    if measures.get("first_topic_share") is not None:
        _para(doc,
            f"第一议题用时约{_mmss(measures['first_topic_seconds'])}，占发言总时长的{_pct(measures['first_topic_share'])}。"
        )


def _interaction_section(doc: DocxDocument, inter: dict) -> None:
    """四、讨论互动: discussion heat over time, turn changes, replies, questions and mentions."""
    _heading(doc, "四、讨论互动")
    if inter.get("heat"):
        _chart(doc, "讨论热度", lambda: charts.discussion_heat(inter["heat"]))
    facts = [f"发言轮换{inter.get('transition_count', 0)}次"]
    if inter.get("member_reply_count") is not None:
        facts.append(f"其中成员之间直接接续发言{inter['member_reply_count']}次（占{_pct(inter.get('member_reply_share'))}）")
    facts.append(f"提问{inter.get('questions_asked', 0)}次，得到回应{inter.get('questions_answered', 0)}次")
    mentions = inter.get("mentions") or []
    if mentions:
        facts.append("点名回应：" + "、".join(f"{m['from']}→{m['to']}" for m in mentions[:6]))
    _para(doc, "；".join(facts) + "。")


def _sentiment_section(doc: DocxDocument, senti: dict) -> None:
    """五、发言情绪倾向: only when utterances were analysed; criticism is not counted against a 组织生活会."""
    if not senti.get("utterances"):
        return
    _heading(doc, "五、发言情绪倾向")
    _chart(
        doc,
        "情绪倾向",
        lambda: charts.sentiment_over_time(senti.get("timeline", []), senti["utterances"], senti.get("criticism_expected", False)),
    )
    o = senti.get("overall", {})
    _para(doc,
        f"共分析{o.get('n', 0)}段发言：积极{o.get('positive', 0)}段，中性{o.get('neutral', 0)}段，"
        f"消极或提出问题{o.get('negative', 0)}段；总体{SENTIMENT_NAMES.get(o.get('label'), '中性')}。"
    )
    if senti.get("criticism_expected"):
        _para(doc, "组织生活会要求开展批评和自我批评，批评性发言属于正常现象，不作为消极表现评价。")
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


def _compliance_section(doc: DocxDocument, a: Assessment) -> None:
    """六、程序合规检查: the checklist with 符合 / 不符合 / 待核实."""
    _heading(doc, "六、程序合规检查")
    if a.compliance:
        _table(doc, ["检查项目", "结果", "说明"], [[c.item, STATUS.get(c.ok, "待核实"), c.detail] for c in a.compliance], [4.0, 2.0, 10.0])
    else:
        _para(doc, "没有可检查的项目。")


def _risks_section(doc: DocxDocument, a: Assessment) -> None:
    """七、需要关注的发言: quoted for follow-up, with a sentence saying they are not grounds for blame."""
    _heading(doc, "七、需要关注的发言")
    if a.risks:
        _para(doc, "以下发言反映了可能影响落实的情况，供会后了解情况、帮助解决，不作为批评依据。")
        _table(
            doc,
            ["时间", "发言人", "发言原文", "提示"],
            [[_mmss(r.start), display_name(r.speaker), r.text, r.reason] for r in a.risks],
            [1.9, 2.0, 6.5, 5.6],
            one_line=(0,),
        )
    else:
        _para(doc, "未发现形式主义或落实风险方面的发言。")


def _suggestions_section(doc: DocxDocument, score: Score) -> None:
    """八、改进建议: numbered, or 暂无 when there are none."""
    _heading(doc, "八、改进建议")
    for i, text in enumerate(score.suggestions or ["暂无。"], 1):
        _para(doc, f"{i}. {text}")


def _closing_note(doc: DocxDocument) -> None:
    """Where the report comes from, dated today, in small type."""
    _para(
        doc,
        f"本报告由三会一课会议助手根据会议录音转写自动生成（{_date_cn(dt.date.today().isoformat())}），"
        "各项数据均可追溯到转写文本，仅供参考。",
        size=10.5,
    )


def _held_in_order(segments: list[Segment], result: Result, items: list[dict]) -> list[dict]:
    """The agenda items with start/end replaced by their non-overlapping stretch (item_spans)."""
    if not items:
        return []
    minutes, meeting = result.minutes, result.meeting
    agenda = [a for a in (minutes.agenda or meeting.agenda or []) if isinstance(a, str) and a.strip()]
    sections = agenda_mod.assign(segments, agenda, minutes)["sections"] if len(agenda) == len(items) else None
    if not sections:
        return [{**i, "span": i.get("end", 0) > i.get("start", 0)} for i in items]
    spans = item_spans(segments, sections, len(items))
    return [{**i, "start": sp[0] if sp else 0.0, "end": sp[1] if sp else 0.0, "span": sp is not None}
            for i, sp in zip(items, spans, strict=True)]


def write_report_docx(path: Path, result: Result, **_: object) -> None:
    """Write report.docx atomically (a reader never sees a half-written file)."""
    doc = build(result)
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
