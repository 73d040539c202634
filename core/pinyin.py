"""How Chinese sounds, for matching where recognition errs: Whisper's mistakes are mostly sound-alike, so
names, cue words and terms are compared in toneless pinyin, allowing the confusions Mandarin speakers and
the model make. The one home of the syllable tables; asr.correct and the summarizer's matchers use it.

Three strengths of "sounds alike", each a folding of initials and finals (equal folds sound alike):
    LIGHT  n/l and -ng/-n only: safe for lexicon terms in running text (诺时 -> 落实)
    FUZZY  also zh/z, ch/c, sh/s, f/h, r/l, -ang/-an: names, where a stretch is checked against a roster
    NEAR   also q/j, x/j, -ong/-en: structure words (议程 / 一层, 措施 / 错施) the extractor looks for
and a graded score (char_similarity) for names heard badly, where the roster and a margin decide.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def syllable(ch: str) -> tuple[str, str]:
    """(initial, final) of a character's most common reading, toneless; a non-Chinese character stays itself."""
    from pypinyin import Style, lazy_pinyin  # lazy: pypinyin loads its dictionaries on import

    return (lazy_pinyin(ch, style=Style.INITIALS, strict=False)[0],
            lazy_pinyin(ch, style=Style.FINALS, strict=False)[0])


class Folding:
    """Initials and finals taken for one another, each mapped onto one of its pair."""

    def __init__(self, initials: dict[str, str], finals: dict[str, str]):
        self.initials, self.finals = initials, finals
        self._keys: dict[str, tuple[str, str]] = {}  # bounded by the characters there are

    def key(self, ch: str) -> tuple[str, str]:
        """The syllable folded: equal keys sound alike."""
        found = self._keys.get(ch)
        if found is None:
            initial, final = syllable(ch)
            found = self._keys[ch] = (self.initials.get(initial, initial), self.finals.get(final, final))
        return found

    def close(self, a: str, b: str) -> bool:
        """Two characters sound alike at this strength."""
        return a == b or self.key(a) == self.key(b)

    def close_words(self, a: str, b: str) -> bool:
        """Equally long strings that sound alike character by character at this strength."""
        return len(a) == len(b) > 0 and all(self.close(x, y) for x, y in zip(a, b, strict=True))


LIGHT = Folding({"n": "l"}, {"ing": "in", "eng": "en"})
FUZZY = Folding({"zh": "z", "ch": "c", "sh": "s", "n": "l", "f": "h", "r": "l"},
                {"ing": "in", "eng": "en", "ang": "an", "iang": "ian", "uang": "uan"})
NEAR = Folding({"zh": "z", "ch": "c", "sh": "s", "l": "n", "h": "f", "q": "j", "x": "j"},
               {"ing": "in", "eng": "en", "ang": "an", "iang": "ian", "uang": "uan", "ong": "en"})

# Initials and finals that Mandarin speakers and ASR models often swap: 0.8 of a match in char_similarity.
SWAPPED_INITIALS = {frozenset(p) for p in [("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"), ("r", "l"),
                                            ("q", "x"), ("j", "q"), ("j", "x")]}
SWAPPED_FINALS = {frozenset(p) for p in [("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"),
                                          ("uan", "uang"), ("ong", "eng"), ("ou", "iu"), ("e", "o")]}


@lru_cache(maxsize=1 << 18)  # pairs of characters: each name is compared at every position of a 2-hour transcript
def char_similarity(a: str, b: str) -> float:
    """1 for the same sound, 0.5 per half (initial, final) that is equal, 0.4 per half commonly swapped."""
    if a == b:
        return 1.0
    ia, fa = syllable(a)
    ib, fb = syllable(b)
    if (ia, fa) == (ib, fb):
        return 1.0  # homophone: the usual ASR confusion for names
    si = 1.0 if ia == ib else 0.8 if frozenset((ia, ib)) in SWAPPED_INITIALS else 0.0
    sf = 1.0 if fa == fb else 0.8 if frozenset((fa, fb)) in SWAPPED_FINALS else 0.0
    return 0.5 * si + 0.5 * sf


def mean_similarity(a: str, b: str) -> float:
    """Mean per-character pinyin similarity of two equally long strings, no character ruled out (0 when
    lengths differ): for names heard badly, where the roster and a margin are the constraints."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(char_similarity(x, y) for x, y in zip(a, b, strict=True)) / len(a)


def name_similarity(a: str, b: str) -> float:
    """Mean per-character pinyin similarity of two equally long strings (0 when lengths differ)."""
    if len(a) != len(b) or not a:
        return 0.0
    total = 0.0
    for x, y in zip(a, b, strict=True):
        sim = char_similarity(x, y)
        if sim < 0.5:
            return 0.0  # one character far off is no name (most positions fail at the first)
        total += sim
    return total / len(a)


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """Every toneless reading of a character (差: cha, chai, ci)."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=8192)
def _said(word: str) -> tuple[str, ...]:
    """How a word is read, toneless, with the reading its context calls for (出差: chu chai, 病假: bing jia)."""
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(word))


def sound_alike(a: str, b: str) -> bool:
    """Equally long strings read the same, tones aside (出拆 / 出差, 执班 / 值班, 正好 / 郑浩).

    Each word is read as a word, so rare readings do not count (节 is not 假 although 假 can be jie)."""
    if len(a) != len(b) or not a:
        return False
    if a == b:
        return True
    # cheap per-character gate before reading the words as a whole
    if not all(x == y or readings(x) & readings(y) for x, y in zip(a, b, strict=True)):
        return False
    return _said(a) == _said(b)


def sound_near(a: str, b: str) -> bool:
    """Equally long strings that sound alike up to the usual confusions (一层 / 议程: c-ch; 错施 / 措施)."""
    return NEAR.close_words(a, b)
