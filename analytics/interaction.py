"""How members talked with each other: turn transitions, replies, questions, heat over time."""

from __future__ import annotations

import re
from collections import Counter

from analytics.participation import turns
from analytics.text import sentences
from core.types import Segment

_QUESTION_WORDS = re.compile(
    r"为什么|是否|有没有|能不能|能否|是不是|怎么样|怎么办|怎么看|行不行|对不对|好不好|可不可以|要不要|哪些|多少|什么时候"
)
_QUESTION_END = re.compile(r"(?:[？?]|[吗呢](?:[。！!…]*))$")
ANSWER_WINDOW = 60.0  # seconds: a reply by someone else within this counts as an answer
# Heat = r / (r + HALF_HEAT_RATE) for r speaker changes per minute: 0.5 at 4 changes a minute,
# 0.75 at 12 (a lively real discussion); it never saturates, so busy stretches still stand out.
HALF_HEAT_RATE = 4.0


def is_question(sentence: str) -> bool:
    s = sentence.strip()
    if not s:
        return False
    if _QUESTION_END.search(s):
        return True
    # Unpunctuated ASR text: a question word in a short sentence that is not a request to speak.
    return bool(_QUESTION_WORDS.search(s)) and len(s) <= 40 and not re.search(r"请|谈谈|说说|发言", s)


def _window_length(duration: float) -> float:
    if duration <= 600:
        return 30.0
    if duration <= 3600:
        return 60.0
    return 120.0


def heat(segments: list[Segment], turn_list: list[Segment]) -> list[dict]:
    """Per time window: speech seconds, turns, distinct speakers, speaker changes and a 0-1 heat."""
    if not segments:
        return []
    end = max(s.end for s in segments)
    step = _window_length(end)
    windows = []
    t = 0.0
    while t < end:
        lo, hi = t, min(t + step, end)
        speech = sum(max(0.0, min(s.end, hi) - max(s.start, lo)) for s in segments)
        started = [x for x in turn_list if lo <= x.start < hi]
        speakers = {x.speaker for x in turn_list if x.start < hi and x.end > lo}
        changes = sum(1 for x in started if x is not turn_list[0])
        minutes = max(hi - lo, 1e-9) / 60
        windows.append(
            {
                "start": round(lo, 2),
                "end": round(hi, 2),
                "speech_seconds": round(speech, 2),
                "turns": len(started),
                "speakers": len(speakers),
                "changes": changes,
                "heat": round((changes / minutes) / (changes / minutes + HALF_HEAT_RATE), 4),
            }
        )
        t += step
    return windows


def analyse(segments: list[Segment], chair: str | None, names: list[str]) -> dict:
    """names: speaker labels that are real names, used to find explicit replies (同意林静的意见)."""
    turn_list = turns(segments)
    transitions: Counter = Counter()
    for a, b in zip(turn_list, turn_list[1:], strict=False):
        transitions[(a.speaker, b.speaker)] += 1
    member = Counter({k: v for k, v in transitions.items() if chair and chair not in k and all(k)})

    mentions: Counter = Counter()
    for t in turn_list:
        for name in names:
            if name and name != t.speaker and len(name) >= 2 and name in t.text:
                mentions[(t.speaker, name)] += 1

    questions = []
    for i, t in enumerate(turn_list):
        for sentence in sentences(t.text):
            if not is_question(sentence):
                continue
            answer = next(
                (
                    x
                    for x in turn_list[i + 1 : i + 3]
                    if x.speaker != t.speaker and x.start - t.end <= ANSWER_WINDOW
                ),
                None,
            )
            questions.append(
                {
                    "speaker": t.speaker,
                    "text": sentence,
                    "start": round(t.start, 2),
                    "answered": answer is not None,
                    "answered_by": answer.speaker if answer else None,
                }
            )
    total_transitions = sum(transitions.values())
    windows = heat(segments, turn_list)

    def pairs(counter: Counter) -> list[dict]:
        return [{"from": a, "to": b, "count": n} for (a, b), n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]

    return {
        "turns": len(turn_list),
        "transitions": pairs(transitions),
        "transition_count": total_transitions,
        "member_replies": pairs(member) if chair else None,
        "member_reply_count": sum(member.values()) if chair else None,
        "member_reply_share": round(sum(member.values()) / total_transitions, 4)
        if chair and total_transitions
        else None,
        "mentions": pairs(mentions),
        "questions": questions,
        "questions_asked": len(questions),
        "questions_answered": sum(q["answered"] for q in questions),
        "heat": windows,
        "mean_heat": round(sum(w["heat"] for w in windows) / len(windows), 4) if windows else None,
    }
