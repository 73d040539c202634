"""Give each transcript segment the speaker(s) heard under it, from speaker turns found in the audio.

A segment is trimmed to the speech it covers (Whisper's segments often run into the pauses around them)
and split where it covers two speakers' turns for long enough; its text is then cut in proportion to each
speaker's speech time (see asr/speakers/diarization.py _split_text), so no character is lost.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from core.types import Segment

Turn = tuple[float, float, int]  # start, end (seconds), speaker label
EDGE_SLIVER = 0.3  # seconds of a turn inside a segment's edge that count as timing slop


@dataclass
class Piece:
    """One speaker's part of a transcript segment."""

    start: float
    end: float
    label: int
    speech: float  # seconds of that speaker's speech inside the segment


def _overlaps(seg: Segment, turns: Sequence[Turn], ends: Sequence[float]) -> list[Turn]:
    """Turns clipped to the segment's span (turns sorted and not overlapping; ends = their end times)."""
    out = []
    for a, b, lab in turns[bisect_left(ends, seg.start + 1e-9):]:
        if a >= seg.end:
            break
        lo, hi = max(a, seg.start), min(b, seg.end)
        if hi > lo:
            out.append((lo, hi, lab))
    return out


def _nearest_label(seg: Segment, turns: Sequence[Turn]) -> int:
    mid = (seg.start + seg.end) / 2
    return min(turns, key=lambda t: min(abs(mid - t[0]), abs(mid - t[1])))[2]


def segment_pieces(seg: Segment, turns: Sequence[Turn], ends: Sequence[float], min_piece: float) -> list[Piece]:
    """The speaker pieces of one segment, in time order.

    A speaker heard for less than `min_piece` seconds at the segment's edge is timing slop and is trimmed
    off; inside the segment it is absorbed by its neighbours. A segment with no speech under it keeps its
    span and takes the nearest speaker (its text is real; the recogniser's timing drifted).
    """
    clipped = _overlaps(seg, turns, ends)
    # A turn that barely reaches into the segment's edge is the recogniser's boundary landing a little
    # before or after a pause: drop it, or the segment would span the pause (the neighbour covers it).
    while len(clipped) > 1 and clipped[0][1] - clipped[0][0] < EDGE_SLIVER:
        del clipped[0]
    while len(clipped) > 1 and clipped[-1][1] - clipped[-1][0] < EDGE_SLIVER:
        del clipped[-1]
    if not clipped:
        return [Piece(seg.start, seg.end, _nearest_label(seg, turns), 0.0)]
    pieces: list[Piece] = []
    for a, b, lab in clipped:
        if pieces and pieces[-1].label == lab:
            pieces[-1].end = b
            pieces[-1].speech += b - a
        else:
            pieces.append(Piece(a, b, lab, b - a))
    while len(pieces) > 1:
        weakest = min(range(len(pieces)), key=lambda i: pieces[i].speech)
        if pieces[weakest].speech >= min_piece:
            break
        if weakest in (0, len(pieces) - 1):
            del pieces[weakest]
            continue
        before, after = pieces[weakest - 1], pieces[weakest + 1]
        if before.label == after.label:
            before.end, before.speech = after.end, before.speech + pieces[weakest].speech + after.speech
            del pieces[weakest : weakest + 2]
        else:
            host = before if before.speech >= after.speech else after
            host.speech += pieces[weakest].speech
            if host is before:
                before.end = pieces[weakest].end
            else:
                after.start = pieces[weakest].start
            del pieces[weakest]
    return pieces


def attribute(segments: Sequence[Segment], turns: Sequence[Turn], min_piece: float = 0.8) -> list[list[Piece]]:
    """Speaker pieces for every segment (same order as `segments`)."""
    turns = sorted(turns)
    if not turns:
        return [[Piece(s.start, s.end, 0, 0.0)] for s in segments]
    ends = [t[1] for t in turns]
    return [segment_pieces(seg, turns, ends, min_piece) for seg in segments]


def pad_into_silence(spans: Sequence[tuple[float, float]], collar: float,
                     duration: float | None = None) -> list[tuple[float, float]]:
    """Spans widened by up to `collar` seconds into the silence around them, never past half of the pause
    to a neighbouring span, before 0 or after `duration` (spans in time order; overlapping ones kept)."""
    out = []
    for i, (a, b) in enumerate(spans):
        lo = spans[i - 1][1] if i else None
        hi = spans[i + 1][0] if i + 1 < len(spans) else None
        if lo is None:
            a = max(0.0, a - collar)
        elif lo < a:
            a = max(a - collar, (lo + a) / 2)
        if hi is None:
            b = b + collar if duration is None else max(b, min(b + collar, duration))
        elif b < hi:
            b = min(b + collar, (b + hi) / 2)
        out.append((a, b))
    return out
