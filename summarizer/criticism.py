"""组织生活会 / 民主评议: did every present member make a 自我批评 and give or receive criticism?

Read from the speakers' turns and cue phrases: a member's own turn that speaks of themself in the
frame of self-criticism (自我批评, 说一下自己, 我自己的问题, 检讨 …), and a turn that puts a point to
someone (给海波提个意见, 给书记提一条, 批评X同志): the one who says it gives, the one named receives
(a given name, a surname with a title, 书记 for the host: summarizer.names.Roster)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.types import Attendance, Meeting, Segment, speaker_turns
from summarizer.names import Roster

SELF = re.compile(r"自我批评|(?:说|讲|谈)(?:一下|一说|说)?(?:我)?自己|我自己的?问题|我(?:个人|自己)(?:的|，|存在|主要)|"
                  r"(?:先做|做个|作)检讨|对照检查|我(?:的)?(?:问题|不足)(?:是|主要|就是)|我承认|查摆")
GIVE = re.compile(r"(?:给|向|对)(?P<who>[\u4e00-\u9fff]{1,4}?)(?:同志)?提(?:一条|个意见|点意见|一点|意见|个醒|几条)"
                  r"|批评(?P<who2>[\u4e00-\u9fff]{2,3}?)同志|提醒(?P<who3>[\u4e00-\u9fff]{2,3}?)同志")


@dataclass
class MemberCheck:
    name: str
    self_criticism: bool = False
    gave_to: list[str] = field(default_factory=list)
    received_from: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.self_criticism and bool(self.gave_to or self.received_from)


def _named(token: str, roster: Roster, names: list[str], host: str) -> str | None:
    """Who a token names: 书记 (the host), a full name, a given name (海波), a surname with a title (占师傅)."""
    if token in ("书记", "支书") and host:
        return host
    given = [n for n in names if len(n) > 2 and token == n[1:] or len(n) == 2 and token == n]
    if len(given) == 1:
        return given[0]
    title = re.fullmatch(r"(?P<s>[\u4e00-\u9fff])(?:师傅|同志|书记|委员|主任|组长|部长|经理|老师)", token)
    if title:
        same = [n for n in names if n[0] == title["s"]]
        if len(same) == 1:
            return same[0]
    return roster.resolve(token)


def present_members(meeting: Meeting, attendance: Attendance) -> list[str]:
    absent = {a.name for a in attendance.absent}
    return [n for n in meeting.roster if n not in absent]


def check_criticism(segments: list[Segment], meeting: Meeting, attendance: Attendance) -> list[MemberCheck]:
    roster = Roster(meeting.roster, host=meeting.host)
    checks = {n: MemberCheck(n) for n in present_members(meeting, attendance)}
    for turn in speaker_turns([s for s in segments if s.text.strip()]):
        speaker = turn[0].speaker
        text = "".join(s.text for s in turn)
        if speaker not in checks:
            continue
        if SELF.search(text):
            checks[speaker].self_criticism = True
        for m in GIVE.finditer(text):
            token = m.group("who") or m.group("who2") or m.group("who3") or ""
            target = _named(token, roster, meeting.roster, meeting.host)
            if target and target != speaker and target in checks:
                checks[speaker].gave_to.append(target)
                checks[target].received_from.append(speaker)
    return list(checks.values())
