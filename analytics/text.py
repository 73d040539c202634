"""Text helpers shared by the analytics: cleaning, sentence and clause splitting, tokenising.

Transcripts come from Whisper (sometimes without punctuation) or from corpora with markup
such as AISHELL-4's ``<sil>``; everything here accepts any string and never raises.
"""

from __future__ import annotations

import functools
import math
import re

from core import zh
from core.types import Segment
from core.zh import MARKUP, sentence_pieces

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LIST_MARKS = "、…\\s"  # the analytics cut lists and spaces too (core.zh: the minutes keep 、)
_PUNCT_RUN = re.compile(f"[{zh.CLAUSE_MARKS}{_LIST_MARKS}]+")

NO_SPEAKER = "未区分说话人"  # shown when the transcript carries no speaker labels


def clean(text: object) -> str:
    """Drop corpus markup and collapse whitespace; any non-string becomes ''."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", " ", MARKUP.sub("", text)).strip()


def sentences(text: str) -> list[str]:
    """Split at sentence-final punctuation; unpunctuated ASR text stays one sentence."""
    return sentence_pieces(clean(text), also="…")


def clauses(text: str) -> list[str]:
    """Clauses, lists cut too (、), for the word-level measures."""
    return zh.clauses(text, also=_LIST_MARKS)


def han_count(text: str) -> int:
    """Characters of speech: Han characters plus Latin/digit runs counted as one each."""
    return len(_HAN.findall(text)) + len(re.findall(r"[A-Za-z0-9]+", text))


@functools.lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba  # lazy: loading the dictionary takes about a second

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """jieba tokens without punctuation and spaces."""
    if not text:
        return []
    return [w for w in _jieba().lcut(text) if w.strip() and not _PUNCT_RUN.fullmatch(w)]


def valid_segments(segments: object) -> list[Segment]:
    """Keep usable segments, sorted by start: finite times, end >= start, text as str.

    Garbage (None, dicts with missing keys, NaN times) is dropped instead of raising, because the
    assessment must never fail a meeting that was otherwise processed.
    """
    out: list[Segment] = []
    if not isinstance(segments, (list, tuple)):
        return out
    for s in segments:
        try:
            start, end = float(s.start), float(s.end)
        except (AttributeError, TypeError, ValueError):
            continue
        if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end < start:
            continue
        speaker = s.speaker if isinstance(getattr(s, "speaker", ""), str) else str(s.speaker or "")
        out.append(Segment(start=start, end=end, text=clean(getattr(s, "text", "")), speaker=speaker.strip()))
    out.sort(key=lambda s: (s.start, s.end))
    return out


def display_name(speaker: str) -> str:
    return speaker or NO_SPEAKER


# Words of criticism and self-criticism (批评与自我批评, 对照检查, 红红脸、出出汗): what a 组织生活会 must hold
# (compliance) and what makes a remark there a finding to follow up rather than a risk (risks).
CRITICISM = re.compile(r"批评|自我批评|对照检查|检视|查摆|提个?意见|红红脸|出出汗|我的不足|我的问题|差距")
