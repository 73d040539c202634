"""会议通知 / 议程 for a body's next meeting: time, place, who attends, the agenda with the 第一议题 to
fill in, and 上次会议决议落实情况 (the open and overdue tasks), in the minutes' 公文 styles, ready to send."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from core.docx_style import BODY_PT
from core.files import atomic_path
from core.types import FollowupEntry, Meeting
from summarizer.minutes_docx import Writer, cn_date, followup_table

FIRST_TOPIC_PLACEHOLDER = "学习习近平总书记最新重要讲话、重要指示批示精神（具体篇目由书记确定后填写）"
_ATTENDEES = {"支部委员会": "支部委员", "党小组会": "本小组党员"}


def _ordinal(i: int) -> str:
    return "一二三四五六七八九十"[i]


def build_notice(meeting: Meeting, entries: list[FollowupEntry], issued: dt.date | None = None) -> Any:
    issued = issued or dt.date.today()
    w = Writer()
    day = meeting.day
    w.title(f"关于召开{meeting.branch}{day.year}年{day.month}月{meeting.type}的通知")
    w.para(f"{_ATTENDEES.get(meeting.type, '全体党员')}：", keep_next=True)
    w.para(f"经支部研究，定于{cn_date(meeting.date)}{meeting.start_time and ' ' + meeting.start_time}召开{meeting.type}，"
           "现将有关事项通知如下：", indent=True)
    sections = [("会议时间", [f"{cn_date(meeting.date)}{(' ' + meeting.start_time) if meeting.start_time else ''}"]),
                ("会议地点", [meeting.location or "另行通知"]),
                ("主持人", [meeting.host or "支部书记"]),
                ("参加人员", ["、".join(meeting.roster) if meeting.roster else _ATTENDEES.get(meeting.type, "全体党员")])]
    agenda = [f"第一议题：{meeting.planned_first_topic or FIRST_TOPIC_PLACEHOLDER}",
              "通报上次会议决议落实情况，各责任人汇报进展" if entries else "通报上次会议决议落实情况",
              *(meeting.agenda or ["研究支部近期重点工作"])]
    n = 0
    w.heading(f"{_ordinal(n)}、会议安排")
    for name, lines in sections:
        w.para(f"{name}：{lines[0]}", indent=True)
    n += 1
    w.heading(f"{_ordinal(n)}、会议议程")
    for i, item in enumerate(agenda, 1):
        w.para(f"{i}. {item}", indent=True)
    n += 1
    w.heading(f"{_ordinal(n)}、上次会议决议落实情况")
    if entries:
        overdue = sum(1 for e in entries if e.status == "逾期")
        w.para(f"以下{len(entries)}项尚未完成（其中逾期{overdue}项，以红色标出），请各责任人会上汇报进展：", indent=True)
        followup_table(w, entries, unnamed=("待明确", ""))  # a notice goes out: no red marks to fill
    else:
        w.para("上次会议确定的事项均已完成。", indent=True)
    n += 1
    w.heading(f"{_ordinal(n)}、有关要求")
    for line in ("请参会人员提前学习第一议题材料，准时参会；",
                 "因故不能参加的，请会前向支部书记请假；",
                 "各事项责任人请准备落实情况的简要汇报。"):
        w.para(line, indent=True)
    w.para("")
    for text in (meeting.branch or "党支部", cn_date(issued.isoformat())):
        p = w.para()
        p.alignment = w.align.RIGHT
        w.run(p, text, size=BODY_PT)
    return w.doc


def write_notice_docx(path: Path, meeting: Meeting, entries: list[FollowupEntry], issued: dt.date | None = None) -> Path:
    doc = build_notice(meeting, entries, issued)
    with atomic_path(Path(path)) as tmp:
        doc.save(str(tmp))
    return Path(path)
