"""assess(): transcript + minutes -> Assessment. Never raises on bad input.

Every number here can be traced to the transcript: participation from segment times, interaction
from the order of turns, sentiment from a lexicon the user can read, the score from a formula
printed in the report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from analytics import agenda as agenda_mod
from analytics import compliance, interaction, participation, risks, scoring, sentiment
from analytics.suggestions import suggest
from analytics.text import valid_segments
from core.meeting_rules import expect
from core.types import Assessment, Meeting, Minutes, Score, Segment

log = logging.getLogger(__name__)
T = TypeVar("T")
SENTIMENT_WINDOWS = 24  # points on the sentiment-over-time chart


def _guard(what: str, errors: list[str], fn: Callable[[], T], default: T) -> T:
    """Run one part of the analysis; a bug in one part must not lose the others."""
    try:
        return fn()
    except Exception:  # noqa: BLE001 - reported in the assessment and the log, never raised
        log.exception("analytics: %s failed", what)
        errors.append(what)
        return default


def _sentiment(segments: list[Segment], sections: list[int | None], agenda: list[str], mtype: str) -> dict:
    utterances = []
    for i, seg in enumerate(segments):
        if not seg.text.strip():
            continue
        s = sentiment.utterance(seg.text)
        utterances.append(
            {
                "index": i,
                "start": round(seg.start, 2),
                "end": round(seg.end, 2),
                "speaker": seg.speaker,
                "agenda_index": sections[i] if i < len(sections) else None,
                **s,
            }
        )

    def aggregate(rows: list[dict]) -> dict:
        n = len(rows)
        counts = {lbl: sum(r["label"] == lbl for r in rows) for lbl in ("positive", "neutral", "negative")}
        mean = round(sum(r["score"] for r in rows) / n, 4) if n else 0.0
        return {"mean": mean, "label": sentiment.label(mean), "n": n, **counts}

    by_speaker: dict[str, list[dict]] = {}
    by_item: dict[int, list[dict]] = {}
    for u in utterances:
        by_speaker.setdefault(u["speaker"], []).append(u)
        if u["agenda_index"] is not None:
            by_item.setdefault(u["agenda_index"], []).append(u)
    overall = aggregate(utterances)
    overall["negative_share"] = round(overall["negative"] / overall["n"], 4) if overall["n"] else None
    return {
        "utterances": utterances,
        "speakers": {k: aggregate(v) for k, v in sorted(by_speaker.items())},
        "agenda": [
            {"index": k, "title": agenda[k] if k < len(agenda) else "", **aggregate(v)} for k, v in sorted(by_item.items())
        ],
        "overall": overall,
        "timeline": _timeline(utterances),
        "criticism_expected": expect(mtype).criticism,
        "method": "snownlp + 会议语料领域词典（analytics_sentiment.json）",
    }


def _timeline(utterances: list[dict]) -> list[dict]:
    """Duration-weighted mean sentiment in equal time windows (for the chart)."""
    if not utterances:
        return []
    end = max(u["end"] for u in utterances)
    step = max(end / SENTIMENT_WINDOWS, 1.0)
    out = []
    t = 0.0
    while t < end - 1e-6:
        inside = [u for u in utterances if u["start"] < t + step and u["end"] > t]
        weight = sum(max(0.01, min(u["end"], t + step) - max(u["start"], t)) for u in inside)
        if inside:
            mean = sum(u["score"] * max(0.01, min(u["end"], t + step) - max(u["start"], t)) for u in inside) / weight
            out.append({"start": round(t, 2), "end": round(min(t + step, end), 2), "score": round(mean, 4)})
        t += step
    return out


def assess(segments: list[Segment], minutes: Minutes, meeting: Meeting, **_: Any) -> Assessment:
    """Participation, interaction, sentiment, compliance, risks and the score of one meeting."""
    errors: list[str] = []
    minutes = minutes if isinstance(minutes, Minutes) else Minutes()
    meeting = meeting if isinstance(meeting, Meeting) else Meeting()
    segs = _guard("segments", errors, lambda: valid_segments(segments), [])
    agenda = [a for a in (minutes.agenda or meeting.agenda or []) if isinstance(a, str) and a.strip()]
    mtype = meeting.type or ""

    rows = _guard("participation", errors, lambda: participation.per_speaker(segs), [])
    summary = _guard("participation summary", errors, lambda: participation.summary(rows, meeting, minutes, segs[0].speaker if segs else ""), {})
    chair = summary.get("chair")
    names = [n for n in {p.speaker for p in rows} if n and (n in meeting.roster or n == meeting.host)]
    inter = _guard("interaction", errors, lambda: interaction.analyse(segs, chair, names), {})
    assigned = _guard(
        "agenda", errors, lambda: agenda_mod.assign(segs, agenda, minutes), {"sections": [None] * len(segs), "items": [], "fit": None}
    )
    senti = _guard("sentiment", errors, lambda: _sentiment(segs, assigned["sections"], agenda, mtype), {})
    found_risks = _guard("risks", errors, lambda: risks.detect(segs, mtype, chair=chair, roster=list(meeting.roster or [])), [])
    checklist = _guard("compliance", errors, lambda: compliance.check(meeting, minutes, segs, agenda), [])

    total_speech = summary.get("total_seconds") or 0.0
    ft_seconds = _guard("first topic", errors, lambda: agenda_mod.first_topic_seconds(assigned, minutes, agenda), None)
    checkable = [c for c in checklist if c.ok is not None]
    overall_sent = senti.get("overall", {})
    measures = {
        **summary,
        "turns": inter.get("turns"),
        "member_reply_share": inter.get("member_reply_share"),
        "questions_asked": inter.get("questions_asked"),
        "questions_answered": inter.get("questions_answered"),
        "mean_heat": inter.get("mean_heat"),
        "agenda_fit": assigned.get("fit"),
        "agenda_method": assigned.get("method"),
        "agenda_items": assigned.get("items"),
        "first_topic_seconds": ft_seconds,
        "first_topic_share": round(min(1.0, ft_seconds / total_speech), 4) if ft_seconds and total_speech else None,
        "first_topic_required": expect(mtype).first_topic,
        "resolutions": len(minutes.resolutions),
        "resolutions_complete": sum(1 for r in minutes.resolutions if r.owner and r.deadline),
        "compliance_checked": len(checkable),
        "compliance_ok": sum(1 for c in checkable if c.ok),
        "negative_share": overall_sent.get("negative_share"),
        "criticism": any(c.item == "开展批评和自我批评" and c.ok for c in checklist),
        "risks": len(found_risks),
    }
    result_score = _guard("score", errors, lambda: scoring.score(measures, mtype), Score(measures=measures))
    result_score.suggestions = _guard("suggestions", errors, lambda: suggest(measures, checklist, found_risks, mtype), [])
    result_score.errors = errors
    inter["participation"] = summary
    return Assessment(
        participation=rows,
        risks=found_risks,
        sentiment=senti,
        score=result_score,
        compliance=checklist,
        interaction=inter,
    )
