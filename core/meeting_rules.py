"""The rules of each meeting type, in one table (resources/meeting_rules.json): how often it must be
held, who must be present, what a vote needs. The minutes (quorum met, vote passed), the compliance
check and the 台账 all ask here, so they can no longer disagree."""

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


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads((resources.files("resources") / "meeting_rules.json").read_text(encoding="utf-8"))


def rules(meeting_type: str) -> TypeRules | None:
    entry = _table()["types"].get(meeting_type)
    if entry is None:
        return None
    quorum = Quorum(**entry["quorum"]) if entry.get("quorum") else None
    return TypeRules(meeting_type, entry["period"], quorum, entry["vote_base"])


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
