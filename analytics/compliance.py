"""The compliance checklist, one ComplianceItem per rule; ok is None when it cannot be told.

Rules from domain.md; the thresholds are defaults (local rules differ).
"""

from __future__ import annotations

import re

from analytics.agenda import is_first_topic
from analytics.text import CRITICISM
from core.meeting_rules import election_attendance, expect, quorum_met, vote_passed
from core.types import NEEDS_FILLING, Attendance, ComplianceItem, Meeting, Minutes, Segment

_NEEDS_VOTE = re.compile(r"预备党员|转为正式党员|转正|选举|表决|投票|举手")
_ELECTION = re.compile(r"选举|换届|补选")
_FIRST_TOPIC_SPEECH = re.compile(
    r"学习.{0,20}(习近平|总书记)|(习近平|总书记).{0,40}(重要讲话|重要指示|重要论述|指出|强调)"
)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def check(meeting: Meeting, minutes: Minutes, segments: list[Segment], agenda: list[str]) -> list[ComplianceItem]:
    text = "".join(s.text for s in segments)
    att = minutes.attendance
    mtype = meeting.type
    return (
        _first_topic_items(mtype, minutes, segments, agenda, text)
        + _attendance_items(mtype, att, agenda, text)
        + _minutes_elements_items(meeting, att, agenda)
        + _resolution_items(minutes)
        + _vote_items(mtype, minutes, att, agenda, text)
        + _criticism_items(mtype, text)
    )


def _has_first_topic(minutes: Minutes, segments: list[Segment], agenda: list[str], text: str) -> bool:
    """Whether the 第一议题 was studied: in the minutes, the agenda, or the first half of the speech."""
    ft = minutes.first_topic
    opening = [s.text for s in segments if s.start <= (segments[-1].end / 2 if segments else 0)]
    return (
        bool(ft and ft.content.strip())
        or bool(agenda and is_first_topic(agenda[0]))
        or "第一议题" in text
        or any(_FIRST_TOPIC_SPEECH.search(t) for t in opening)
    )


def _first_topic_items(
    mtype: str, minutes: Minutes, segments: list[Segment], agenda: list[str], text: str
) -> list[ComplianceItem]:
    """第一议题: every party meeting except a 党课 opens with it."""
    ft = minutes.first_topic
    has_ft = _has_first_topic(minutes, segments, agenda, text)
    if not expect(mtype).first_topic:
        return [ComplianceItem("第一议题", None, "党课一般不单设第一议题。")]
    items = [ComplianceItem("第一议题", has_ft, "已学习第一议题。" if has_ft else "未发现第一议题学习内容，请核实。")]
    if has_ft and agenda:
        first = is_first_topic(agenda[0]) or (ft is not None and ft.content.strip() and ft.content[:6] in agenda[0])
        items.append(
            ComplianceItem(
                "第一议题排在首位",
                bool(first),
                "第一议题为会议第一项议程。" if first else f"会议第一项议程为“{agenda[0]}”，第一议题应排在首位。",
            )
        )
    if has_ft and ft is not None:
        ok = bool(ft.measures)
        items.append(
            ComplianceItem("第一议题落实措施", ok, f"记录了{len(ft.measures)}条落实措施。" if ok else "未记录落实措施。")
        )
    return items


def _attendance_items(mtype: str, att: Attendance, agenda: list[str], text: str) -> list[ComplianceItem]:
    """Quorum and attendance: an election needs four fifths, other meetings a majority or a share."""
    expected, present = att.expected, att.present
    if not (expected > 0 and present >= 0):
        return [ComplianceItem("出席情况", None, "未识别到应到、实到人数，请补充。")]
    items: list[ComplianceItem] = []
    ratio = present / expected
    if _ELECTION.search(" ".join(agenda) + text[:2000]):
        ok = ratio >= election_attendance()
        items.append(ComplianceItem("选举到会人数", ok, f"实到{present}人 / 应到{expected}人（{_pct(ratio)}），选举须不少于五分之四。"))
    quorum = expect(mtype).quorum
    if quorum is not None and quorum.strict:
        ok = bool(quorum_met(mtype, expected, present))
        items.append(
            ComplianceItem(
                "到会人数过半",
                ok,
                f"实到{present}人 / 应到{expected}人（{_pct(ratio)}）" + ("，符合规定。" if ok else "，未超过半数，会议决定无效。"),
            )
        )
    elif quorum is not None:  # 主题党日: a share some units require, not a validity rule
        ok = bool(quorum_met(mtype, expected, present))
        items.append(ComplianceItem(f"{mtype}到会率", ok, f"到会率{_pct(ratio)}（部分单位要求不低于{_pct(quorum.present_over)}）。"))
    else:
        items.append(ComplianceItem("出席情况", True, f"实到{present}人 / 应到{expected}人（{_pct(ratio)}）。"))
    return items


def _minutes_elements_items(meeting: Meeting, att: Attendance, agenda: list[str]) -> list[ComplianceItem]:
    """Required fields of the minutes, and a reason for every absence."""
    fields = {
        "会议名称": meeting.title,
        "会议日期": meeting.date,
        "地点": meeting.location,
        "主持人": meeting.host,
        "记录人": meeting.recorder,
        "议题": "、".join(agenda),
        "应到人数": str(att.expected or ""),
        "实到人数": str(att.present or ""),
    }
    missing = [k for k, v in fields.items() if not str(v).strip()]
    if absent_without_reason := [a.name for a in att.absent if not a.reason.strip()]:
        missing.append("缺席原因（" + "、".join(absent_without_reason) + "）")
    return [
        ComplianceItem(
            "记录要素齐全",
            not missing,
            "会议名称、时间、地点、主持人、记录人、出席情况和议题均已记录。"
            if not missing
            else "缺少：" + "、".join(missing) + f"（{NEEDS_FILLING}）。",
        )
    ]


def _resolution_items(minutes: Minutes) -> list[ComplianceItem]:
    """Resolutions: each needs an owner and a deadline to be followed up."""
    res = minutes.resolutions
    if not res:
        return [ComplianceItem("决议有责任人和时限", None, "未识别到决议事项。")]
    incomplete = [r for r in res if not (r.owner and r.deadline)]
    return [
        ComplianceItem(
            "决议有责任人和时限",
            not incomplete,
            f"{len(res)}项决议均明确了责任人和完成时限。"
            if not incomplete
            else f"{len(res)}项决议中有{len(incomplete)}项缺少责任人或完成时限：" + "；".join(r.content[:20] for r in incomplete[:3])
            + "。",
        )
    ]


def _vote_items(
    mtype: str, minutes: Minutes, att: Attendance, agenda: list[str], text: str
) -> list[ComplianceItem]:
    """Votes where the business requires one (admitting a 预备党员, 转正, elections)."""
    needs_vote = bool(_NEEDS_VOTE.search(" ".join(agenda))) or (
        mtype == "支部党员大会" and bool(re.search(r"接收.{0,8}预备党员|转为正式党员", text))
    )
    if not needs_vote:
        return []
    expected, present = att.expected, att.present
    ok = bool(minutes.votes)
    detail = "已记录表决情况。" if ok else "议题需要表决，但未记录表决结果（赞成、反对、弃权）。"
    items = [ComplianceItem("表决情况已记录", ok, detail)]
    # only a rule that counts votes against the expected members can be checked from the minutes
    if ok and expected > 0 and expect(mtype).vote_base == "expected":
        passed = all(vote_passed(mtype, v.in_favor, expected=expected, present=present,
                                 cast=v.in_favor + v.against + v.abstain) for v in minutes.votes)
        items.append(
            ComplianceItem(
                "表决有效",
                passed,
                "赞成票超过应到人数的一半。" if passed else "有表决事项的赞成票未超过应到人数的一半。",
            )
        )
    return items


def _criticism_items(mtype: str, text: str) -> list[ComplianceItem]:
    """A 组织生活会 must hold criticism and self-criticism; other meetings are not checked for it."""
    if not expect(mtype).criticism:
        return []
    ok = bool(CRITICISM.search(text))
    return [
        ComplianceItem("开展批评和自我批评", ok, "发言中有批评和自我批评。" if ok else "未发现批评和自我批评的内容，请核实。")
    ]
