"""Text helpers for the rule engine: cleaning ASR text, sentences with times, Chinese numerals, overlap."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from core import zh
from core.types import Segment
from core.zh import (
    MARKUP,
    cn_to_int,  # noqa: F401  (one numeral reader for every stage; summarizer modules import it here)
    sentence_pieces,
)

# 嗯/呃 are never part of a word; 啊/哦 ... only count as fillers at clause edges.
_FILLERS = re.compile(r"[嗯呃]+|[啊哦噢唉诶欸]+(?=[，,。\s]|$)|^[啊哦噢唉诶欸]+")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

NUM = r"[0-9零〇○一幺二两三四五六七八九十百千万]+"


def clean_text(text: str) -> str:
    """Remove transcript markup and stray fillers; keep punctuation (sentences need it)."""
    text = (text or "").translate(_FULLWIDTH_DIGITS)
    text = MARKUP.sub("", text)
    text = _FILLERS.sub("", text)
    text = re.sub(r"[ \t\u3000]+", " ", text).strip()
    # ASR marks pauses between Chinese words with spaces: read them as commas
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "，", text)


@dataclass
class Sentence:
    """One sentence of one segment, with its share of the segment's time span."""

    index: int  # position in the sentence list
    seg: int  # index of the segment it came from
    speaker: str
    text: str
    start: float
    end: float


def split_sentences(segments: list[Segment]) -> list[Sentence]:
    """Sentences in order; time interpolated by character position inside each segment."""
    out: list[Sentence] = []
    for si, seg in enumerate(segments):
        text = clean_text(getattr(seg, "text", "") or "")
        if not text:
            continue
        try:
            start, end = float(seg.start), float(seg.end)
        except (TypeError, ValueError):
            start = end = 0.0
        end = max(end, start)
        pieces = sentence_pieces(text, also="\n")
        total = sum(len(p) for p in pieces) or 1
        pos = 0
        for piece in pieces:
            a = start + (end - start) * pos / total
            pos += len(piece)
            b = start + (end - start) * pos / total
            out.append(Sentence(len(out), si, str(getattr(seg, "speaker", "") or ""), piece, a, b))
    return out


def clauses(text: str) -> list[str]:
    """Comma/colon clauses of a sentence ('、' is kept: it joins names in a list)."""
    return zh.clauses(text)


def strip_punct(text: str) -> str:
    return re.sub(r"^[，,、：:；;。！？!?\s]+|[，,、：:；;。！？!?\s]+$", "", text)


def han_only(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text or "")


def bigrams(text: str) -> set[str]:
    s = han_only(text)
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def overlap(a: str, b: str) -> float:
    """Share of the smaller text's bigrams found in the other (containment, symmetric)."""
    ba, bb = bigrams(a), bigrams(b)
    if not ba or not bb:
        return 0.0
    return len(ba & bb) / min(len(ba), len(bb))


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The cue lexicon (resources/lexicons/minutes_cues.json), read once."""
    path = resources.files("resources") / "lexicons" / "minutes_cues.json"
    return json.loads(path.read_text(encoding="utf-8"))


def cue_list(name: str) -> list[str]:
    """A cue list, longest first so alternations prefer the longer phrase."""
    return sorted(cues().get(name, []), key=len, reverse=True)


def alternation(name: str) -> str:
    """A regex alternation of a cue list; '^X' entries match X only at the start of a clause."""
    return "|".join(
        rf"(?:(?<=^)|(?<=[，,：:；;。\s])){re.escape(c[1:])}" if c.startswith("^") else re.escape(c)
        for c in cue_list(name)
    )
