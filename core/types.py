"""Domain types shared by every stage: plain dataclasses, no behaviour beyond small helpers.

The JSON form of these types (see core.result) is the public result.json contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeVar

from core.flags import Flag

T = TypeVar("T")

MEETING_TYPES = ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会")

# Short names secretaries use, mapped to the canonical type.
MEETING_TYPE_ALIASES = {
    "党员大会": "支部党员大会",
    "支部大会": "支部党员大会",
    "支部党员会": "支部党员大会",
    "支委会": "支部委员会",
    "支部委员会会议": "支部委员会",
    "支部委员会议": "支部委员会",
    "小组会": "党小组会",
    "党小组会议": "党小组会",
    "主题党日活动": "主题党日",
    "组织生活会议": "组织生活会",
}
# Typed in pinyin (an input method left in Latin mode): only ever a suggestion, never applied.
_PINYIN_TYPES = {
    "zhibudangyuandahui": "支部党员大会", "dangyuandahui": "支部党员大会", "zhibudahui": "支部党员大会",
    "zhibuweiyuanhui": "支部委员会", "zhiweihui": "支部委员会", "dangxiaozuhui": "党小组会",
    "xiaozuhui": "党小组会", "dangke": "党课", "zhutidangri": "主题党日", "zuzhishenghuohui": "组织生活会",
}

NEEDS_FILLING = Flag.NEEDS_FILLING.value  # a field the secretary must complete by hand


def canonical_meeting_type(value: str) -> str:
    value = (value or "").strip()
    return MEETING_TYPE_ALIASES.get(value, value)


def suggest_meeting_type(value: str) -> str | None:
    """The known type an unknown one most likely means (支委会议 → 支部委员会), or None."""
    import difflib

    text = (value or "").strip()
    latin = "".join(text.lower().split())
    if latin in _PINYIN_TYPES:
        return _PINYIN_TYPES[latin]
    names = {**{t: t for t in MEETING_TYPES}, **MEETING_TYPE_ALIASES}
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.6) or \
        difflib.get_close_matches(latin, list(_PINYIN_TYPES), n=1, cutoff=0.75)
    if close:
        return names.get(close[0]) or _PINYIN_TYPES[close[0]]
    return None


def parse_meeting_type(value: str) -> str:
    """The canonical type of a known type or alias; ValueError in Chinese (with a suggestion when one
    is close) otherwise: a wrong type changes the rules and scores applied, so it is never guessed."""
    known = canonical_meeting_type(value)
    if known in MEETING_TYPES:
        return known
    if not known:
        raise ValueError("没有填写会议类型，可选：" + "、".join(MEETING_TYPES) + "。")
    guess = suggest_meeting_type(known)
    hint = f"是否指“{guess}”？" if guess else ""
    raise ValueError(f"未知的会议类型“{known}”：{hint}可选：" + "、".join(MEETING_TYPES) + "。")


@dataclass
class Meeting:
    """What the secretary enters before or after the meeting."""

    type: str = "支部委员会"
    title: str = ""
    branch: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    location: str = ""
    host: str = ""
    recorder: str = ""
    roster: list[str] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)  # prepared in advance, optional
    planned_first_topic: str = ""  # 第一议题 topic prepared in advance, optional
    attendees_nonvoting: list[str] = field(default_factory=list)  # 列席人员: attend, not members of the body
    start_time: str = ""  # "HH:MM" the meeting began (the recording's start when recorded here), optional
    end_time: str = ""  # "HH:MM"; when empty the minutes take start_time plus the recording's length

    @property
    def day(self) -> dt.date:
        """The meeting date, or today when it was not entered."""
        try:
            return dt.date.fromisoformat(self.date)
        except ValueError:
            return dt.date.today()


@dataclass
class Segment:
    """A stretch of speech: seconds from the start of the recording."""

    start: float
    end: float
    text: str
    speaker: str = ""

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass
class Absence:
    name: str
    reason: str = ""


@dataclass
class Attendance:
    expected: int = 0  # 应到
    present: int = 0  # 实到
    absent: list[Absence] = field(default_factory=list)
    quorum_met: bool | None = None  # None when the meeting type has no quorum rule


@dataclass
class FirstTopic:
    """The 第一议题 block."""

    content: str = ""
    leader: str = ""  # 领学人
    measures: list[str] = field(default_factory=list)
    form: str = ""  # 传达学习, 领学, 交流研讨 ...
    start: float = 0.0
    end: float = 0.0
    flags: list[str] = field(default_factory=list)  # what the secretary should check (content summarised)


@dataclass
class Resolution:
    """A 决议事项. owner and deadline stay None when not said; flags tell the secretary why."""

    content: str
    owner: str | None = None
    deadline: str | None = None  # ISO date, resolved against the meeting date
    start: float = 0.0
    end: float = 0.0
    flags: list[str] = field(default_factory=list)


@dataclass
class Vote:
    matter: str
    in_favor: int = 0  # 赞成; "for" in JSON
    against: int = 0
    abstain: int = 0
    passed: bool | None = None
    start: float = 0.0
    end: float = 0.0


@dataclass
class SpeechPoint:
    """发言要点: what one speaker said on one agenda item."""

    speaker: str
    text: str
    agenda_index: int | None = None
    start: float = 0.0
    end: float = 0.0


@dataclass
class FollowupEntry:
    """An open task of an earlier meeting of the branch, as this meeting's minutes report it (上次会议决议落实情况)."""

    item_id: int
    content: str
    owner: str = ""
    deadline: str = ""  # ISO date or ""
    status: str = ""  # 未开始 / 推进中 / 逾期 ...
    progress: str = ""
    meeting_title: str = ""
    meeting_date: str = ""


@dataclass
class Minutes:
    attendance: Attendance = field(default_factory=Attendance)
    agenda: list[str] = field(default_factory=list)
    first_topic: FirstTopic | None = None
    resolutions: list[Resolution] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    points: list[SpeechPoint] = field(default_factory=list)
    followup: list[FollowupEntry] = field(default_factory=list)  # optional: open tasks of earlier meetings


@dataclass
class Participation:
    speaker: str
    seconds: float
    share: float  # fraction of all speaking time
    turns: int
    chars: int = 0


@dataclass
class Risk:
    speaker: str
    text: str
    start: float
    end: float
    reason: str
    cue: str = ""


@dataclass
class ComplianceItem:
    """One line of the compliance checklist (analytics/compliance.py)."""

    item: str
    ok: bool | None = None  # None: it cannot be told from the recording
    detail: str = ""


@dataclass
class ScorePart:
    """One named part of the effectiveness score (analytics/scoring.py)."""

    key: str
    name: str
    value: float | None = None  # 0-100; None: not measurable here, so it does not count
    weight: float = 0.0
    detail: str = ""  # how the value was computed, in words


@dataclass
class Score:
    overall: int | None = None
    grade: str = "无法评价"
    parts: list[ScorePart] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    formula: str = ""
    measures: dict = field(default_factory=dict)  # the figures the parts were computed from
    suggestions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # analysis steps that failed (the rest still ran)
    version: int = 1


@dataclass
class Assessment:
    participation: list[Participation] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    sentiment: dict = field(default_factory=dict)  # analytics/sentiment: per speaker, per agenda item, overall
    score: Score = field(default_factory=Score)
    compliance: list[ComplianceItem] = field(default_factory=list)
    interaction: dict = field(default_factory=dict)  # analytics/interaction: turns, replies, heat over time


@dataclass
class Result:
    """One processed meeting: the in-memory form of result.json."""

    meeting: Meeting
    segments: list[Segment]
    minutes: Minutes
    assessment: Assessment
    audio_path: str = ""
    duration: float = 0.0
    id: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def speaker_turns(items: list[T]) -> list[list[T]]:
    """Consecutive items said by one speaker (segments or sentences: anything with .speaker), a turn each."""
    out: list[list[T]] = []
    for item in items:
        if out and out[-1][-1].speaker == item.speaker:  # type: ignore[attr-defined]
            out[-1].append(item)
        else:
            out.append([item])
    return out
