"""The Word minutes (党支部会议记录): facts, attendance, agenda, 第一议题, speeches, resolutions, votes.

Styles are the 公文 ones of core.docx_style (A4, 宋体 title, 黑体 headings, 仿宋 body on the East-Asian
slot, 第 X 页 共 Y 页 in the footer), shared with report.docx. Headings keep with the text after them,
table rows never split and table headers repeat, so a printed record has no heading orphaned at a
page foot. Fields the engine could not fill are marked 待人工补齐 in red so the secretary sees them
before signing; values read through a recognition error carry （请核对）.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from core import docx_style as style
from core.docx_style import BODY_FONT, BODY_PT, HEADING_FONT, TABLE_PT, TITLE_FONT, TITLE_PT
from core.files import atomic_path
from core.flags import Flag
from core.types import NEEDS_FILLING, FollowupEntry, Meeting, Minutes, Segment
from summarizer.votes import consent_decisions

__all__ = ["BODY_FONT", "HEADING_FONT", "TITLE_FONT", "CHECK_NOTE", "cn_date", "write_minutes_docx"]

CHECK_NOTE = "（请核对）"  # after a value read through a recognition error
_NUMERALS = "一二三四五六七八九十"
# a measure or task said as a list item keeps its spoken ordinal ('二，完成一次集中学习'): the document numbers
_LEADING_ORDINAL = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、，,.．:：])\s*")
# the end of a study's title: what follows (，志远领学 / ，十来分钟) is said about it, not part of it
_STUDY_TAIL = re.compile(r"(?:讲话|论述|指示|批示|精神|思想|文章|回信|贺信|重要文献|著作|摘编|谈话)(?:精神)?")
_STUDY_TITLE = re.compile(r"(?:传达|学习|学一下|研读|贯彻|领学)|习近平|总书记|新时代中国特色社会主义思想|二十大|全会")

# a piece of cell or paragraph text and how it shows: "" plain, "bold", "flag" (red 待人工补齐), "check",
# "overdue" (red, bold)
Piece = tuple[str, str]


def cn_date(iso: str | None) -> str:
    """'2026-10-12' -> '2026年10月12日'; anything unparsable is returned as is."""
    try:
        d = dt.date.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    return f"{d.year}年{d.month}月{d.day}日"


def _ordinal(i: int) -> str:
    return _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)


def _unnumbered(text: str) -> str:
    return _LEADING_ORDINAL.sub("", text or "", count=1).strip() or (text or "")


def _recording_seconds(segments: list[Segment]) -> float:
    return max((s.end for s in segments), default=0.0)


def meeting_time(meeting: Meeting, segments: list[Segment]) -> list[Piece]:
    """时间: the date, the start and end clock times, and the recording's length.

    The start is meeting.start_time (the recording's start when recorded here); the end is
    meeting.end_time, else the start plus the recording's length. Unknown times are flagged."""
    pieces: list[Piece] = [(cn_date(meeting.date) or "", "flag" if not meeting.date else "")]
    length = _recording_seconds(segments)
    start, end = style.clock_span(meeting.start_time, meeting.end_time, length)
    if start or end:
        pieces += [(" ", ""), (start, "") if start else ("", "flag"), ("—", ""), (end, "") if end else ("", "flag")]
    else:
        pieces += [("（起止时间", ""), ("", "flag"), ("）", "")]
    if length > 0:
        pieces.append((f"（录音时长约{max(1, round(length / 60))}分钟）", ""))
    return pieces


def attendees(meeting: Meeting, minutes: Minutes) -> list[Piece]:
    """出席人员 by name: the roster less those absent and less the 列席 (they have their own line)."""
    att = minutes.attendance
    absent = {a.name for a in att.absent}
    guests = set(meeting.attendees_nonvoting)
    present = [n for n in meeting.roster if n not in absent and n not in guests]
    if not present:
        return [("", "flag")]
    pieces: list[Piece] = [("、".join(present), "")]
    if att.present and len(present) != att.present:  # the roster and the count said disagree
        pieces.append((f"（名单{len(present)}人，与实到{att.present}人不一致）", "check"))
    return pieces


class Writer:
    def __init__(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        self.Pt, self.RGB, self.align = Pt, RGBColor, WD_ALIGN_PARAGRAPH
        self.doc = style.new_document()

    def run(self, paragraph, text: str, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
            red: bool = False):
        run = paragraph.add_run(text)
        run.font.size = self.Pt(size)
        run.font.bold = bold
        if red:
            run.font.color.rgb = self.RGB(*style.RED)
        style.set_fonts(run._element, font)
        return run

    def pieces(self, paragraph, pieces: list[Piece], size: float, bold: bool = False) -> None:
        for text, kind in pieces:
            if kind == "flag":
                self.run(paragraph, text or NEEDS_FILLING, BODY_FONT, size, bold=True, red=True)
            elif kind == "overdue":
                self.run(paragraph, text, BODY_FONT, size, bold=True, red=True)
            elif kind == "check":
                self.run(paragraph, text or CHECK_NOTE, BODY_FONT, size, red=True)
            elif text:
                self.run(paragraph, text, BODY_FONT, size, bold=bold or kind == "bold")

    def para(self, text: str = "", font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
             center: bool = False, indent: bool = False, keep_next: bool = False):
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_after = self.Pt(0)
        fmt.line_spacing = self.Pt(style.LINE_PT) if size >= BODY_PT else 1.2
        fmt.keep_with_next = keep_next or None
        if center:
            p.alignment = self.align.CENTER
        if indent:
            fmt.first_line_indent = self.Pt(size * 2)
        if text:
            self.run(p, text, font, size, bold)
        return p

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph(style="Title")
        self.run(p, text, TITLE_FONT, TITLE_PT, bold=True)

    def heading(self, text: str, level: int = 1) -> None:
        """A real heading style (Word's navigation pane, keep-with-next), fonts also on the run for WPS."""
        p = self.doc.add_paragraph(style=f"Heading {level}")
        self.run(p, text, HEADING_FONT if level == 1 else BODY_FONT, BODY_PT, bold=level > 1)

    def cell(self, cell, pieces: list[Piece], bold: bool = False, center: bool = False) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

        cell.text = ""
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = self.Pt(2)
        fmt.line_spacing = 1.15
        fmt.first_line_indent = None
        if center:
            p.alignment = self.align.CENTER
        self.pieces(p, pieces, TABLE_PT, bold=bold)

    def table(self, rows: list[list[list[Piece]]], widths_mm: list[float], header_rows: int = 0,
              labels: tuple[int, ...] = (), merge: dict[int, tuple[int, int]] | None = None,
              centered: tuple[int, ...] = ()):
        """rows of cells of pieces; `labels` are the columns of labels (bold, one line); `merge` maps a
        row to the (first, last) columns merged into one value cell."""
        table = self.doc.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = "Table Grid"
        for r, values in enumerate(rows):
            if merge and r in merge:
                first, last = merge[r]
                table.cell(r, first).merge(table.cell(r, last))
            for c, value in enumerate(values):
                if merge and r in merge and merge[r][0] < c <= merge[r][1]:
                    continue
                cell = table.cell(r, c)
                label = r < header_rows or c in labels
                self.cell(cell, value, bold=label, center=c in centered or r < header_rows)
                if label:
                    style.no_wrap(cell)
        style.table_layout(table, widths_mm, header_rows=header_rows)
        self.para("", size=TABLE_PT)
        return table


def _facts(w: Writer, meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> None:
    att = minutes.attendance
    absent = "；".join(f"{a.name}（{a.reason}）" if a.reason else a.name for a in att.absent) or "无"
    quorum = {True: "到会人数符合规定", False: "到会人数不足规定人数", None: ""}[att.quorum_met]
    guests = "、".join(meeting.attendees_nonvoting) or "无"

    def value(text: str) -> list[Piece]:
        return [(text, "")] if text else [("", "flag")]

    def count(n: int, note: str = "") -> list[Piece]:
        return [(f"{n}人" + (f"（{note}）" if note else ""), "")] if n else [("", "flag")]

    rows: list[list[list[Piece]]] = [
        [[("会议名称", "")], value(meeting.title or f"{meeting.branch}{meeting.type}"), [], []],
        [[("会议类型", "")], value(meeting.type), [("地点", "")], value(meeting.location)],
        [[("时间", "")], meeting_time(meeting, segments), [], []],
        [[("主持人", "")], value(meeting.host), [("记录人", "")], value(meeting.recorder)],
        [[("应到人数", "")], count(att.expected), [("实到人数", "")], count(att.present, quorum)],
        [[("出席人员", "")], attendees(meeting, minutes), [], []],
        [[("缺席人员及原因", "")], [(absent, "")], [], []],
        [[("列席人员", "")], [(guests, "")], [], []],
    ]
    label = max(style.label_width_mm("缺席人员及原因"), 30)
    label2 = style.label_width_mm("实到人数")
    rest = (style.TEXT_WIDTH_MM - label - label2) / 2
    w.table(rows, [label, rest, label2, rest], labels=(0, 2), merge={0: (1, 3), 2: (1, 3), 5: (1, 3), 6: (1, 3), 7: (1, 3)})


def _agenda(w: Writer, minutes: Minutes) -> None:
    if not minutes.agenda:
        w.para("（未识别到议程宣布）", indent=True)
    for i, item in enumerate(minutes.agenda, 1):
        w.para(f"{i}. {item}", indent=True)


def study_title(meeting: Meeting, minutes: Minutes) -> str:
    """学习内容: what was studied, as a title. The topic prepared in advance, else the agenda item that is
    the study, else the extracted content when it reads as a title; '' when there is none."""
    if meeting.planned_first_topic:
        return meeting.planned_first_topic
    ft = minutes.first_topic
    content = (ft.content if ft else "") or ""
    candidates = [a for a in minutes.agenda[:2] if _STUDY_TITLE.search(a) and _STUDY_TAIL.search(a)]
    candidates.append(content)
    for text in candidates:
        ends = list(_STUDY_TAIL.finditer(text))
        if ends and _STUDY_TITLE.search(text[: ends[-1].end()]) and len(text) <= 80:
            return text[: ends[-1].end()].strip("，,。 ")  # '…重要论述，志远领学' -> '…重要论述'
    return ""


def _first_topic(w: Writer, meeting: Meeting, minutes: Minutes) -> None:
    ft = minutes.first_topic
    if ft is None or not (ft.content or meeting.planned_first_topic):
        w.para("本次会议未安排第一议题。", indent=True)
        return
    title = study_title(meeting, minutes)
    p = w.para(indent=True)
    w.run(p, "学习内容：")
    w.pieces(p, [(title, "")] if title else [("", "flag")], BODY_PT)
    if ft.flags and title:
        w.pieces(p, [("", "check")], BODY_PT)
    if ft.content and ft.content != title and not title.startswith(ft.content):
        w.para(f"领学要点：{ft.content}", indent=True)  # the words the study was read from, not its title
    w.para(f"学习形式：{ft.form or '集中学习'}", indent=True)
    p = w.para(indent=True)
    w.run(p, "领学人：")
    w.pieces(p, [(ft.leader, "")] if ft.leader else [("", "flag")], BODY_PT)
    if ft.measures:
        w.para("落实措施：", indent=True, keep_next=True)
        for i, m in enumerate(ft.measures):
            w.para(f"{i + 1}. {_unnumbered(m)}", indent=True)
    else:
        p = w.para(indent=True)
        w.run(p, "落实措施：")
        w.pieces(p, [("", "flag")], BODY_PT)


def _points(w: Writer, minutes: Minutes) -> None:
    if not minutes.points:
        w.para("（无发言记录）", indent=True)
        return
    order: list[int | None] = []
    for p in minutes.points:
        if p.agenda_index not in order:
            order.append(p.agenda_index)
    for k in order:
        if k is not None and 0 <= k < len(minutes.agenda):
            w.heading(f"（{_ordinal(k)}）{minutes.agenda[k]}", level=2)
        elif len(order) > 1:
            w.heading("（会议开始及其他）" if k is None else f"（议题{k + 1}）", level=2)
        for p in (p for p in minutes.points if p.agenda_index == k):
            para = w.para(indent=True)
            w.run(para, f"{p.speaker or '未识别发言人'}：", bold=True)
            w.run(para, p.text)


def _resolutions(w: Writer, minutes: Minutes) -> None:
    if not minutes.resolutions:
        w.para("本次会议未形成决议事项。", indent=True)
        return
    rows: list[list[list[Piece]]] = [[[("序号", "")], [("事项", "")], [("责任人", "")], [("完成时限", "")]]]
    for i, r in enumerate(minutes.resolutions, 1):
        recurring = Flag.RECURRING in r.flags
        if r.deadline:
            deadline: list[Piece] = [(cn_date(r.deadline), "")]
            if Flag.DEADLINE_INFERRED in r.flags:  # read through a recognition error: the secretary confirms it
                deadline.append(("", "check"))
        else:
            deadline = [("长期", "")] if recurring else [("", "flag")]
        rows.append([[(str(i), "")], [(_unnumbered(r.content), "")], [(r.owner, "")] if r.owner else [("", "flag")],
                     deadline])
    number = style.label_width_mm("序号")
    owner = style.label_width_mm(NEEDS_FILLING)
    due = 45.0  # 2026年12月20日 on one line also in DejaVu Serif (LibreOffice without Times New Roman)
    w.table(rows, [number, style.TEXT_WIDTH_MM - number - owner - due, owner, due], header_rows=1, centered=(0,))


def followup_rows(entries: list[FollowupEntry], unnamed: Piece = ("", "flag")) -> list[list[list[Piece]]]:
    """上次会议决议落实情况 as table rows (序号, 事项 with the meeting that set it, 责任人, 完成时限, 状态); 逾期
    red. The 会议通知 uses them too."""
    rows: list[list[list[Piece]]] = [[[(h, "")] for h in ("序号", "事项", "责任人", "完成时限", "状态")]]
    for i, f in enumerate(entries, 1):
        status: list[Piece] = [("", "flag")] if not f.status else [(f.status, "overdue" if f.status == "逾期" else "")]
        source = f"\n（{cn_date(f.meeting_date)}会议确定）" if f.meeting_date else ""
        rows.append([[(str(i), "")], [(_unnumbered(f.content) + source, "")],
                     [(f.owner, "")] if f.owner else [unnamed],
                     [(cn_date(f.deadline), "")] if f.deadline else [("未定", "")], status])
    return rows


def followup_table(w: Writer, entries: list[FollowupEntry], unnamed: Piece = ("", "flag")) -> None:
    number, due = style.label_width_mm("序号"), 45.0  # 2026年12月20日 on one line, as in 决议事项
    owner, status = style.label_width_mm(NEEDS_FILLING), style.label_width_mm("状态") + 4
    w.table(followup_rows(entries, unnamed), [number, style.TEXT_WIDTH_MM - number - owner - due - status, owner, due,
                                              status], header_rows=1, centered=(0, 4))


def _followup(w: Writer, minutes: Minutes) -> None:
    w.para("上次会议以来尚未完成的决议事项和落实措施如下，逾期事项以红色标出：", indent=True)
    followup_table(w, minutes.followup)


def _votes(w: Writer, meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> None:
    consents = consent_decisions(segments, meeting, minutes.votes)
    if not minutes.votes and not consents:
        w.para("本次会议无表决事项。", indent=True)
        return
    att = minutes.attendance
    for i, v in enumerate(minutes.votes, 1):
        outcome = {True: "通过", False: "未通过", None: "待确认"}[v.passed]
        w.para(f"{i}. {v.matter or NEEDS_FILLING}：应到{att.expected}人，实到{att.present}人，"
               f"赞成{v.in_favor}票，反对{v.against}票，弃权{v.abstain}票，表决结果：{outcome}。", indent=True)
    for i, c in enumerate(consents, len(minutes.votes) + 1):
        # said, not counted: record how it was decided, never invent a count of hands
        w.para(f"{i}. {c.matter}：主持人征求意见，与会人员无异议，会议同意（未举手计票）。", indent=True)


def _signatures(w: Writer, meeting: Meeting) -> None:
    """One line each, the printed name beside the space for the hand-written signature."""
    w.para("")
    for role, name in (("主持人", meeting.host), ("记录人", meeting.recorder)):
        p = w.para(keep_next=role == "主持人")
        p.paragraph_format.left_indent = w.Pt(BODY_PT * 8)
        w.run(p, f"{role}（签字）：{name or ''}")
        w.run(p, "\u3000" * (6 - min(len(name or ""), 5)) + "________")


def build(meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> Any:
    """The minutes as a python-docx Document (separate from writing, for tests)."""
    w = Writer()
    title = meeting.title or f"{meeting.branch}{meeting.type}"
    w.title(f"{title}会议记录" if not title.endswith("记录") else title)
    _facts(w, meeting, minutes, segments)
    sections = [
        ("会议议程", lambda: _agenda(w, minutes)),
        ("第一议题", lambda: _first_topic(w, meeting, minutes)),
        *([("上次会议决议落实情况", lambda: _followup(w, minutes))] if minutes.followup else []),
        ("发言要点", lambda: _points(w, minutes)),
        ("决议事项", lambda: _resolutions(w, minutes)),
        ("表决情况", lambda: _votes(w, meeting, minutes, segments)),
    ]
    for i, (name, body) in enumerate(sections):
        w.heading(f"{_ordinal(i)}、{name}")
        body()
    w.para("散会。", indent=True)
    _signatures(w, meeting)
    return w.doc


def write_minutes_docx(path: Path, meeting: Meeting, minutes: Minutes, segments: list[Segment]) -> None:
    """Write minutes.docx atomically: a failure never leaves a half-written file under the final name."""
    doc = build(meeting, minutes, list(segments or []))
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
