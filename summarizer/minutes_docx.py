"""The Word minutes (党支部会议记录): facts, attendance, agenda, 第一议题, speeches, resolutions, votes.

Fonts follow GB/T 9704: title in 宋体 (小标宋 where installed is a user choice), headings 黑体, body
仿宋, set on the East-Asian slot (w:eastAsia) so Word shows Latin text in Times New Roman and falls
back to its own substitutes when a Chinese font is missing. Fields the engine could not fill are
marked 待人工补齐 in red so the secretary sees them before signing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.files import atomic_path
from core.types import NEEDS_FILLING, Meeting, Minutes, Segment
from summarizer.resolutions import DEADLINE_INFERRED

TITLE_FONT, HEADING_FONT, BODY_FONT, LATIN_FONT = "宋体", "黑体", "仿宋", "Times New Roman"
BODY_PT, TABLE_PT, TITLE_PT = 16, 12, 22  # 三号, 小四, 二号
_RED = (0xC0, 0x00, 0x00)
CHECK_NOTE = "（请核对）"  # after a value read through a recognition error
_NUMERALS = "一二三四五六七八九十"


def cn_date(iso: str | None) -> str:
    """'2026-10-12' -> '2026年10月12日'; anything unparsable is returned as is."""
    try:
        d = dt.date.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    return f"{d.year}年{d.month}月{d.day}日"


def _duration(segments: list[Segment]) -> str:
    if not segments:
        return ""
    seconds = max(s.end for s in segments) - min(s.start for s in segments)
    minutes = max(1, round(seconds / 60))
    return f"（录音时长约{minutes}分钟）"


def _ordinal(i: int) -> str:
    return _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)


class _Writer:
    def __init__(self) -> None:
        import docx  # lazy: python-docx pulls in lxml
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor

        self.qn, self.Pt, self.RGB, self.align = qn, Pt, RGBColor, WD_ALIGN_PARAGRAPH
        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        self._fonts(normal.element.get_or_add_rPr(), BODY_FONT)

    def _fonts(self, rpr, east_asia: str) -> None:
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(self.qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for slot in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(self.qn(slot), LATIN_FONT)
        fonts.set(self.qn("w:eastAsia"), east_asia)
        fonts.set(self.qn("w:hint"), "eastAsia")

    def run(self, paragraph, text: str, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
            red: bool = False):
        run = paragraph.add_run(text)
        run.font.size = self.Pt(size)
        run.font.bold = bold
        if red:
            run.font.color.rgb = self.RGB(*_RED)
        self._fonts(run._element.get_or_add_rPr(), font)
        return run

    def para(self, text: str = "", font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
             center: bool = False, indent: bool = False, container=None):
        p = (container or self.doc).add_paragraph()
        fmt = p.paragraph_format
        fmt.space_after = self.Pt(0)
        fmt.line_spacing = self.Pt(28) if size >= BODY_PT else 1.2
        if center:
            p.alignment = self.align.CENTER
        if indent:
            fmt.first_line_indent = self.Pt(size * 2)
        if text:
            self.run(p, text, font, size, bold)
        return p

    def heading(self, text: str) -> None:
        p = self.para(text, HEADING_FONT)
        p.paragraph_format.space_before = self.Pt(6)

    def cell(self, cell, text: str, bold: bool = False, flagged: bool = False, check: bool = False) -> None:
        cell.text = ""
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = self.Pt(0)
        if flagged:
            self.run(p, NEEDS_FILLING, BODY_FONT, TABLE_PT, bold=True, red=True)
        else:
            self.run(p, text, BODY_FONT, TABLE_PT, bold=bold)
            if check:  # read through a recognition error: the secretary confirms it
                self.run(p, CHECK_NOTE, BODY_FONT, TABLE_PT, red=True)

    def table(self, rows: list[list[str]], widths_mm: list[float], header: bool = False,
              flagged: set[tuple[int, int]] | None = None, check: set[tuple[int, int]] | None = None) -> None:
        from docx.shared import Mm

        table = self.doc.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = "Table Grid"
        table.autofit = False
        for c, width in enumerate(widths_mm):  # the grid widths are what LibreOffice and WPS honour
            table.columns[c].width = Mm(width)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.width = Mm(widths_mm[c])
                self.cell(cell, value, bold=(header and r == 0) or (not header and c % 2 == 0 and len(widths_mm) > 2),
                          flagged=(r, c) in (flagged or set()), check=(r, c) in (check or set()))
        self.para("", size=TABLE_PT)


def _facts(w: _Writer, meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> None:
    att = minutes.attendance
    absent = "；".join(f"{a.name}（{a.reason}）" if a.reason else a.name for a in att.absent) or "无"
    quorum = {True: "到会人数符合规定", False: "到会人数不足规定人数", None: ""}[att.quorum_met]
    rows = [
        ["会议名称", meeting.title or f"{meeting.branch}{meeting.type}", "会议类型", meeting.type or ""],
        ["时间", cn_date(meeting.date) + _duration(segments), "地点", meeting.location or ""],
        ["主持人", meeting.host or "", "记录人", meeting.recorder or ""],
        ["应到人数", f"{att.expected}人", "实到人数", f"{att.present}人" + (f"（{quorum}）" if quorum else "")],
        ["缺席人员及原因", absent, "列席人员", ""],  # not in the transcript: the secretary fills it
    ]
    w.table(rows, [30, 50, 26, 50])


def _agenda(w: _Writer, minutes: Minutes) -> None:
    if not minutes.agenda:
        w.para("（未识别到议程宣布）", indent=True)
    for i, item in enumerate(minutes.agenda, 1):
        w.para(f"{i}. {item}", indent=True)


def _first_topic(w: _Writer, minutes: Minutes) -> None:
    ft = minutes.first_topic
    if ft is None or not ft.content:
        w.para("本次会议未安排第一议题。", indent=True)
        return
    w.para(f"学习内容：{ft.content}", indent=True)
    w.para(f"学习形式：{ft.form or '集中学习'}", indent=True)
    w.para(f"领学人：{ft.leader or NEEDS_FILLING}", indent=True)
    if ft.measures:
        w.para("落实措施：", indent=True)
        for i, m in enumerate(ft.measures):
            w.para(f"{i + 1}. {m}", indent=True)
    else:
        w.para(f"落实措施：{NEEDS_FILLING}", indent=True)


def _points(w: _Writer, minutes: Minutes) -> None:
    if not minutes.points:
        w.para("（无发言记录）", indent=True)
        return
    order: list[int | None] = []
    for p in minutes.points:
        if p.agenda_index not in order:
            order.append(p.agenda_index)
    for k in order:
        if k is not None and 0 <= k < len(minutes.agenda):
            w.para(f"（{_ordinal(k)}）{minutes.agenda[k]}", BODY_FONT, bold=True, indent=True)
        elif len(order) > 1:
            w.para("（会议开始及其他）" if k is None else f"（议题{k + 1}）", BODY_FONT, bold=True, indent=True)
        for p in (p for p in minutes.points if p.agenda_index == k):
            para = w.para(indent=True)
            w.run(para, f"{p.speaker or '未识别发言人'}：", bold=True)
            w.run(para, p.text)


def _resolutions(w: _Writer, minutes: Minutes) -> None:
    if not minutes.resolutions:
        w.para("本次会议未形成决议事项。", indent=True)
        return
    rows = [["序号", "事项", "责任人", "完成时限"]]
    flagged: set[tuple[int, int]] = set()
    check: set[tuple[int, int]] = set()
    for i, r in enumerate(minutes.resolutions, 1):
        recurring = "周期性任务" in r.flags
        rows.append([str(i), r.content, r.owner or "", cn_date(r.deadline) if r.deadline else ("长期" if recurring else "")])
        if not r.owner:
            flagged.add((i, 2))
        if not r.deadline and not recurring:
            flagged.add((i, 3))
        elif DEADLINE_INFERRED in r.flags:
            check.add((i, 3))
    w.table(rows, [12, 84, 24, 36], header=True, flagged=flagged, check=check)


def _votes(w: _Writer, minutes: Minutes) -> None:
    if not minutes.votes:
        w.para("本次会议无表决事项。", indent=True)
        return
    att = minutes.attendance
    for i, v in enumerate(minutes.votes, 1):
        outcome = {True: "通过", False: "未通过", None: "待确认"}[v.passed]
        w.para(f"{i}. {v.matter or NEEDS_FILLING}：应到{att.expected}人，实到{att.present}人，"
               f"赞成{v.in_favor}票，反对{v.against}票，弃权{v.abstain}票，表决结果：{outcome}。", indent=True)


def write_minutes_docx(path: Path, meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> None:
    """Write minutes.docx atomically: a failure never leaves a half-written file under the final name."""
    w = _Writer()
    title = meeting.title or f"{meeting.branch}{meeting.type}"
    w.para(f"{title}会议记录" if not title.endswith("记录") else title, TITLE_FONT, TITLE_PT, bold=True, center=True)
    w.para("")
    _facts(w, meeting, minutes, segments)
    sections = [
        ("会议议程", lambda: _agenda(w, minutes)),
        ("第一议题", lambda: _first_topic(w, minutes)),
        ("发言要点", lambda: _points(w, minutes)),
        ("决议事项", lambda: _resolutions(w, minutes)),
        ("表决情况", lambda: _votes(w, minutes)),
    ]
    for i, (name, body) in enumerate(sections):
        w.heading(f"{_ordinal(i)}、{name}")
        body()
    w.para("散会。", indent=True)
    w.para("")
    sign = w.para()
    w.run(sign, f"主持人（签字）：{meeting.host or ''}________    记录人（签字）：{meeting.recorder or ''}________")
    with atomic_path(Path(path)) as tmp:
        w.doc.save(str(tmp))
