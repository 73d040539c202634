"""Keep the secretary's speaker names when a meeting is processed again.

A re-run (a better model, a re-imported recording) labels voices afresh as 发言人1, 发言人2 …, and
those numbers need not match the old ones. Names the secretary gave are carried over by time: a new
anonymous speaker takes the name whose old segments cover most of its speech, if they cover most of it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from core.types import Segment

_ANONYMOUS = re.compile(r"^(发言人\d+|)$")


def is_anonymous(label: str) -> bool:
    return bool(_ANONYMOUS.match(label or ""))


def carried_names(previous: Sequence[Segment], current: Sequence[Segment], min_share: float = 0.5) -> dict[str, str]:
    """{new anonymous label: old name} where the old named speech covers > min_share of the label's speech."""
    named = [s for s in previous if not is_anonymous(s.speaker)]
    overlap: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    spoken: dict[str, float] = defaultdict(float)
    for seg in current:
        if not is_anonymous(seg.speaker) or not seg.speaker:
            continue
        spoken[seg.speaker] += seg.duration
        for old in named:
            shared = min(seg.end, old.end) - max(seg.start, old.start)
            if shared > 0:
                overlap[seg.speaker][old.speaker] += shared
    taken: set[str] = {s.speaker for s in current if not is_anonymous(s.speaker)}
    mapping: dict[str, str] = {}
    # Largest overlaps first, so that two new labels never take the same name.
    candidates = sorted(((t, label, name) for label, names in overlap.items() for name, t in names.items()), reverse=True)
    for shared, label, name in candidates:
        if label in mapping or name in taken or shared <= min_share * spoken[label]:
            continue
        mapping[label] = name
        taken.add(name)
    return mapping


def keep_speaker_names(previous: Sequence[Segment], current: list[Segment]) -> list[Segment]:
    """current with the carried names applied (a new list; segments are copied)."""
    mapping = carried_names(previous, current)
    return [Segment(s.start, s.end, s.text, mapping.get(s.speaker, s.speaker)) for s in current]
