"""Post-correction: restore lexicon terms and roster names that Whisper heard as near-homophones.

季检 -> 纪检, 党飞收脚 -> 党费收缴, 臣志抢 -> 陈志强, 照名 -> 赵敏 ... A stretch of text is replaced by
a term only when
  * their pinyin (without tones) matches syllable by syllable, allowing the confusions Mandarin
    speakers and Whisper actually make (zh/z, ch/c, sh/s, n/l, f/h, -ng/-n);
  * the stretch is not itself a common word (照明 is never turned into 赵敏): we ask jieba's
    dictionary, which holds word frequencies for ordinary Chinese;
  * no common word straddles the stretch's edges (事到如今 keeps its 事到 although 实到 is a term);
  * two-character terms additionally share a character with the stretch, or are roster names
    (names are what the meeting is about, and their homophones are rarely words).
Correct text is therefore never rewritten: a term already spelled right is left as it is, and a
stretch that reads as ordinary Chinese is left as it is.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

COMMON_WORD_FREQ = 5  # jieba frequency from which a stretch counts as an ordinary word
COMMON_NAME_FREQ = 50  # names: only a clearly ordinary word is protected
ADDRESS_SUFFIXES = ("同志", "书记", "委员")
DOMAIN_FREQ = 2000  # the prior frequency a lexicon term or roster name gets in the word model
MIN_GAIN = math.log(20)  # the replacement must make the passage this much likelier as Chinese
CONTEXT = 6  # characters either side that the word model looks at
_FUZZY_INITIALS = [("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l")]
# Confusions common enough in Whisper's Mandarin to allow for lexicon terms too (诺时 -> 落实); the
# others (s/sh, z/zh ...) also turn transliterations into terms (保罗斯 -> 保落实), so names only.
_LIGHT_INITIALS = [("n", "l")]
_LIGHT_FINALS = [("ing", "in"), ("eng", "en")]
_FUZZY_FINALS = [("ing", "in"), ("eng", "en"), ("ang", "an"), ("iang", "ian"), ("uang", "uan")]
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def warm_up() -> None:
    """Load the word dictionary now (about 0.6 s, once per process) rather than on the first segment."""
    _log_total()


@lru_cache(maxsize=1)
def _log_total() -> float:
    import jieba

    _word_freq()
    return math.log(jieba.dt.total)


def _is_common(word: str, threshold: int = COMMON_WORD_FREQ) -> bool:
    return _word_freq().get(word, 0) >= threshold


@lru_cache(maxsize=65536)
def _syllable(ch: str) -> tuple[str, str]:
    """(initial, final) of a character's most common reading, toneless."""
    from pypinyin import Style, pinyin

    initial = pinyin(ch, style=Style.INITIALS, strict=False)[0][0]
    final = pinyin(ch, style=Style.FINALS, strict=False)[0][0]
    return initial, final


def _norm(part: str, pairs: list[tuple[str, str]]) -> str:
    for long, short in pairs:
        if part == long:
            return short
    return part


@lru_cache(maxsize=65536)
def sound_key(ch: str) -> tuple[str, str]:
    """The syllable with the fuzzy pairs folded together: equal keys sound alike."""
    initial, final = _syllable(ch)
    return _norm(initial, _FUZZY_INITIALS), _norm(final, _FUZZY_FINALS)


def lightly_close(a: str, b: str) -> bool:
    """Same syllable, or differing only by n/l or a final -ng."""
    ia, fa = _syllable(a)
    ib, fb = _syllable(b)
    return _norm(ia, _LIGHT_INITIALS) == _norm(ib, _LIGHT_INITIALS) and _norm(fa, _LIGHT_FINALS) == _norm(
        fb, _LIGHT_FINALS)


def syllables_close(a: str, b: str) -> bool:
    """Two characters sound alike: same toneless syllable up to the common fuzzy pairs."""
    if a == b:
        return True
    ia, fa = _syllable(a)
    ib, fb = _syllable(b)
    return _norm(ia, _FUZZY_INITIALS) == _norm(ib, _FUZZY_INITIALS) and _norm(fa, _FUZZY_FINALS) == _norm(
        fb, _FUZZY_FINALS)


@dataclass
class Correction:
    start: int
    end: int
    found: str
    term: str


class Corrector:
    """Replaces near-homophones of `terms` (lexicon terms and roster names) in recognised text."""

    def __init__(self, terms: Iterable[str], names: Iterable[str] = ()):
        self.names = {n for n in names if n}
        cleaned = {t for t in list(terms) + list(self.names) if 2 <= len(t) <= 12 and all(_CJK.match(c) for c in t)}
        # by length, longest first, so 党费收缴 wins over 党费
        self.terms = sorted(cleaned, key=len, reverse=True)
        self._domain = set(self.terms)
        self._lengths = sorted({len(t) for t in self.terms}, reverse=True)
        # index by sound, so a window finds its candidate terms with one look-up
        self._by_sound: dict[tuple, list[str]] = {}
        for term in self.terms:
            self._by_sound.setdefault(tuple(sound_key(c) for c in term), []).append(term)

    def find(self, text: str) -> list[Correction]:
        taken = [False] * len(text)
        found: list[Correction] = []
        keys = [sound_key(c) if _CJK.match(c) else None for c in text]
        for length in self._lengths:
            for start in range(0, len(text) - length + 1):
                end = start + length
                if any(taken[start:end]):
                    continue
                window_keys = keys[start:end]
                if None in window_keys:
                    continue
                candidates = self._by_sound.get(tuple(window_keys))
                if not candidates:
                    continue
                window = text[start:end]
                term = self._match(text, start, end, window, candidates)
                if term is None:
                    continue
                if term != window:
                    found.append(Correction(start, end, window, term))
                for i in range(start, end):  # a correct term also protects its characters
                    taken[i] = True
        return sorted(found, key=lambda c: c.start)

    def _word_logp(self, word: str) -> float | None:
        freq = _word_freq().get(word, 0)
        if word in self._domain:
            freq = max(freq, DOMAIN_FREQ)
        if freq <= 0:
            return None if len(word) > 1 else -_log_total()  # unknown single characters count once
        return math.log(freq) - _log_total()

    def passage_logp(self, text: str) -> float:
        """Log-probability of the likeliest split of `text` into words (jieba's unigram model + our terms)."""
        best = [0.0] + [-math.inf] * len(text)
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - 12), end):
                logp = self._word_logp(text[start:end])
                if logp is not None and best[start] + logp > best[end]:
                    best[end] = best[start] + logp
        return best[-1]

    def _gain(self, text: str, start: int, end: int, term: str) -> float:
        left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        before = text[left:right]
        after = text[left:start] + term + text[end:right]
        return self.passage_logp(after) - self.passage_logp(before)

    def _match(self, text: str, start: int, end: int, window: str, candidates: list[str]) -> str | None:
        if window in candidates:
            return window
        best, best_gain = None, MIN_GAIN
        for term in candidates:
            is_name = term in self.names
            # A roster name right before 同志/书记 is what the context asks for (有照明同志负责), but
            # not before 同志们 (正好同志们都在).
            addressed = is_name and text.startswith(ADDRESS_SUFFIXES, end) and not text.startswith("同志们", end)
            # Otherwise an ordinary word (照明) is never turned into a term (赵敏). The dictionary
            # also lists some people's names (周小明), which may well be a roster name misheard.
            if not addressed and _is_common(window, COMMON_NAME_FREQ if is_name else COMMON_WORD_FREQ):
                continue
            if not is_name and not all(lightly_close(a, b) for a, b in zip(window, term, strict=True)):
                continue  # terms need near-exact homophones (保罗斯 is no 保落实); names allow fuzzy ones (照名)
            if len(term) == 2 and not is_name and not any(a == b for a, b in zip(window, term, strict=True)) \
                    and _is_common(window, 3):
                continue  # two characters, none shared: only a non-word (英道 -> 应到)
            gain = self._gain(text, start, end, term) + (MIN_GAIN if addressed else 0.0)
            if addressed and all(lightly_close(a, b) for a, b in zip(window, term, strict=True)):
                # Sounds the same and is addressed as a comrade: the name, however common the word
                # it was heard as (实到十五名正好同志病假 -> 郑浩同志).
                gain = max(gain, 2 * MIN_GAIN)
            if gain > best_gain:
                best, best_gain = term, gain
        return best

    def correct(self, text: str) -> str:
        out, last = [], 0
        for c in self.find(text):
            out.append(text[last:c.start])
            out.append(c.term)
            last = c.end
        out.append(text[last:])
        return "".join(out)
