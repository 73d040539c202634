"""The rules of each meeting type, in one table (resources/meeting_rules.json): how often it must be
held, who must be present, what a vote needs, who is expected to speak, whether it opens with a 第一议题,
is a lecture or a session of criticism, and the terms the recogniser listens for. The minutes (quorum
met, vote passed), the compliance check, the score, the 台账 and the recogniser all ask here, so they can
no longer disagree. A type the table does not know gets the defaults (`expect`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Quorum:
    present_over: float  # share of 应到 that must be present
    strict: bool  # more than that share (过半), or at least it (主题党日's 80 %)

    def met(self, expected: int, present: int) -> bool:
        share = present / expected
        return share > self.present_over if self.strict else share >= self.present_over


@dataclass(frozen=True)
class TypeRules:
    name: str
    period: str  # month | quarter | year: held at least once in each
    quorum: Quorum | None
    vote_base: str  # a vote passes with more yes-votes than half of: expected (应到) or present (实到)
    speak_target: float = 0.6  # share of those present expected to speak
    first_topic: bool = True  # opens with a 第一议题 (a 党课 is itself the study)
    lecture: bool = False  # one person speaks (党课): speaking-time balance is not asked for
    criticism: bool = False  # criticism and self-criticism are its business (组织生活会)
    terms: tuple[str, ...] = ()  # worth a place in the recogniser's hotwords, after the names


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads((resources.files("resources") / "meeting_rules.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=32)  # asked once per rule per meeting by several stages: read the table entry once
def rules(meeting_type: str) -> TypeRules | None:
    entry = _table()["types"].get(meeting_type)
    if entry is None:
        return None
    quorum = Quorum(**entry["quorum"]) if entry.get("quorum") else None
    return TypeRules(meeting_type, entry["period"], quorum, entry["vote_base"],
                     speak_target=float(entry.get("speak_target", _default()["speak_target"])),
                     first_topic=bool(entry.get("first_topic", True)), lecture=bool(entry.get("lecture", False)),
                     criticism=bool(entry.get("criticism", False)), terms=tuple(entry.get("terms", ())))


@lru_cache(maxsize=32)
def expect(meeting_type: str) -> TypeRules:
    """The type's rules, or those of a meeting of unknown type (no quorum, no type terms)."""
    return rules(meeting_type) or TypeRules("", "", None, "present", speak_target=float(_default()["speak_target"]))


def general_terms() -> tuple[str, ...]:
    """Terms worth a hotword place in every party meeting (三会一课, 第一议题 …), after the type's own."""
    return tuple(_default()["terms"])


def _default() -> dict:
    return _table()["default"]


def all_rules() -> list[TypeRules]:
    return [r for name in _table()["types"] if (r := rules(name)) is not None]


def election_attendance() -> float:
    """Elections need at least this share of 应到 present (4/5)."""
    return float(_table()["election_attendance"])


def quorum_met(meeting_type: str, expected: int, present: int) -> bool | None:
    """None where the type sets no quorum or the count is unknown."""
    rule = rules(meeting_type)
    if rule is None or rule.quorum is None or expected <= 0:
        return None
    return rule.quorum.met(expected, present)


def vote_passed(meeting_type: str, in_favor: int, *, expected: int, present: int, cast: int) -> bool | None:
    """More yes-votes than half of the type's base (应到 or 实到; the votes cast when that is unknown)."""
    rule = rules(meeting_type)
    base = expected if rule is not None and rule.vote_base == "expected" else present
    base = base or cast
    if not base:
        return None
    return in_favor * 2 > base
