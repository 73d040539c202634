"""Who spoke, how long and how often; how evenly speaking time was spread.

Speaking time is the union of each speaker's own segments (so a duplicated or self-overlapping
segment is not counted twice); overlaps between different speakers count for each of them,
as in an RTTM. share = a speaker's seconds / the sum over speakers (a fraction, design.md).
"""

from __future__ import annotations

from analytics.text import han_count
from core.types import Meeting, Minutes, Participation, Segment


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def turns(segments: list[Segment]) -> list[Segment]:
    """Merge consecutive segments of the same speaker into one turn (text joined)."""
    out: list[Segment] = []
    for s in segments:
        if out and out[-1].speaker == s.speaker:
            last = out[-1]
            out[-1] = Segment(last.start, max(last.end, s.end), last.text + s.text, s.speaker)
        else:
            out.append(Segment(s.start, s.end, s.text, s.speaker))
    return out


def per_speaker(segments: list[Segment]) -> list[Participation]:
    """One Participation per speaker, most speaking time first (ties by name, so output is stable)."""
    intervals: dict[str, list[tuple[float, float]]] = {}
    chars: dict[str, int] = {}
    for s in segments:
        intervals.setdefault(s.speaker, []).append((s.start, s.end))
        chars[s.speaker] = chars.get(s.speaker, 0) + han_count(s.text)
    turn_count: dict[str, int] = {}
    for t in turns(segments):
        turn_count[t.speaker] = turn_count.get(t.speaker, 0) + 1
    seconds = {name: union_seconds(iv) for name, iv in intervals.items()}
    total = sum(seconds.values())
    rows = [
        Participation(
            speaker=name,
            seconds=round(sec, 3),
            share=round(sec / total, 4) if total > 0 else 0.0,
            turns=turn_count.get(name, 0),
            chars=chars.get(name, 0),
        )
        for name, sec in seconds.items()
    ]
    rows.sort(key=lambda p: (-p.seconds, p.speaker))
    return rows


def gini(values: list[float]) -> float | None:
    """Gini coefficient: 0 = everyone spoke equally long, towards 1 = one person spoke."""
    values = sorted(v for v in values if v >= 0)
    n, total = len(values), sum(values)
    if n == 0 or total <= 0:
        return None
    weighted = sum((i + 1) * v for i, v in enumerate(values))
    return round((2 * weighted) / (n * total) - (n + 1) / n, 4)


def _absent_names(minutes: Minutes) -> set[str]:
    return {a.name.strip() for a in minutes.attendance.absent if getattr(a, "name", "")}


def summary(rows: list[Participation], meeting: Meeting, minutes: Minutes, opener: str = "") -> dict:
    """Measures of the issue beyond per-speaker rows; None where the input cannot tell.

    opener: the speaker of the first segment. With anonymous labels (发言人1) the host's name is not
    among the speakers; the chair is then taken to be the one who opened the meeting, provided they
    also spoke most or took most turns (chairs do both), and marked as inferred.
    """
    speakers = [p.speaker for p in rows if p.speaker]
    roster = [n for n in meeting.roster if n]
    absent = _absent_names(minutes)
    named = bool(set(speakers) & set(roster)) or meeting.host in speakers
    present_names = [n for n in roster if n not in absent]
    present = minutes.attendance.present if minutes.attendance.present > 0 else 0
    if not present and present_names and named:
        present = len(present_names)
    silent = sorted(n for n in present_names if n not in speakers) if named else None
    spoke_share = None
    if speakers and present:
        spoke_share = round(min(1.0, len(speakers) / present), 4)
    chair = meeting.host if meeting.host and meeting.host in speakers else None
    chair_inferred = False
    if chair is None and opener and not named and len(speakers) >= 2:
        most_time = rows[0].speaker
        most_turns = max(rows, key=lambda p: (p.turns, p.seconds)).speaker
        if opener in (most_time, most_turns):
            chair, chair_inferred = opener, True
    chair_share = next((p.share for p in rows if chair and p.speaker == chair), None)
    return {
        "speakers": len(speakers),
        "present": present or None,
        "spoke_share": spoke_share,
        "chair": chair,
        "chair_share": chair_share,
        "chair_inferred": chair_inferred,
        "gini": gini([p.seconds for p in rows if p.speaker]) if speakers else None,
        "silent": silent,
        "total_seconds": round(sum(p.seconds for p in rows), 3),
        "labelled": bool(speakers),
    }
