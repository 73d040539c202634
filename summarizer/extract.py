"""extract_minutes: the rule engine's entry point (transcript + meeting facts -> Minutes).

Every stage works on the same sentence list, so each item can point back at the speech it came
from. Nothing here raises on odd input: empty, English or garbled transcripts give sparse minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from core.types import Meeting, Minutes, Segment
from summarizer.agenda import extract_agenda
from summarizer.attendance import extract_attendance
from summarizer.first_topic import extract_first_topic
from summarizer.llm import LLMOptions
from summarizer.names import Roster
from summarizer.points import extract_points
from summarizer.resolutions import extract_resolutions
from summarizer.text import split_sentences
from summarizer.votes import extract_votes

log = logging.getLogger(__name__)


def extract_minutes(
    segments: list[Segment],
    meeting: Meeting,
    *,
    engine: str = "rules",
    llm: LLMOptions | None = None,
    generate: Callable[[list[dict[str, str]]], str] | None = None,
) -> Minutes:
    """Structured minutes from an attributed transcript; see domain.md for the fields.

    engine="llm" lets a local model (llm.model_dir) or an intranet endpoint (llm.endpoint), or any
    `generate` callable, propose resolutions and the 第一议题; they are verified against the
    transcript and the rules' minutes are kept on any failure (summarizer/llm.py).
    """
    minutes = _rules(segments, meeting)
    if engine != "llm":
        return minutes
    from summarizer.llm import make_generator, refine_with_llm

    try:
        generate = generate or make_generator(llm or LLMOptions())
    except ValueError as exc:
        log.warning("no local model configured, using the rules: %s", exc)
        return minutes
    return refine_with_llm(list(segments or []), meeting or Meeting(), minutes, generate)


def _topic_at(sentences: list, items_of: list[int | None], agenda: list[str]) -> Callable[[float], str]:
    """The agenda item being dealt with at a time (a task said shortly, '你月底前弄个初稿', is filed under it)."""
    import bisect

    starts = [s.start for s in sentences]

    def at(t: float) -> str:
        i = bisect.bisect_right(starts, t + 1e-6) - 1
        k = items_of[i] if 0 <= i < len(items_of) else None
        return agenda[k] if k is not None and k < len(agenda) else ""

    return at


def _rules(segments: list[Segment], meeting: Meeting) -> Minutes:
    meeting = meeting or Meeting()
    sentences = split_sentences(list(segments or []))
    # the recorder is a member too, also when the roster was left empty
    roster = Roster(list(meeting.roster or []) + ([meeting.recorder] if meeting.recorder else []), meeting.host or "")
    base = meeting.day
    attendance = extract_attendance(sentences, meeting, roster)
    agenda, items_of = extract_agenda(sentences, meeting)
    first_topic = extract_first_topic(sentences, items_of, agenda, meeting, roster)
    absent = tuple(a.name for a in attendance.absent) if attendance else ()
    resolutions = extract_resolutions(sentences, roster, base, topic_at=_topic_at(sentences, items_of, agenda),
                                      absent=absent)
    if first_topic is not None:
        # the 第一议题's implementation measures are the decisions taken while it was discussed
        first_topic.measures = [
            r.content for r in resolutions if first_topic.start <= r.start <= first_topic.end + 1e-6
        ]
    votes = extract_votes(sentences, items_of, agenda, meeting.type, attendance)
    points = extract_points(sentences, items_of)
    log.info("minutes: %d resolutions, %d votes, %d agenda items", len(resolutions), len(votes), len(agenda))
    return Minutes(
        attendance=attendance,
        agenda=agenda,
        first_topic=first_topic,
        resolutions=resolutions,
        votes=votes,
        points=points,
    )
