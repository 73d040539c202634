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
stretch that reads as ordinary Chinese is left as it is. A comrade addressed by a name that is no
roster name but shares its surname character and initials (刘锋同志, 黄偷同志) is the one roster name
it can be (刘芳, 黄涛).

A second, general pass fixes non-words that sound exactly like a common word (会义 -> 会议,
执班 -> 值班, 不门 -> 部门): the stretch is no word at all (neither in jieba's dictionary nor in
pypinyin's phrase list), no word of the passage's likeliest split
straddles its edges, the common word has the very same toned syllables, and the word model says the
passage becomes much likelier. Whisper writes such non-words; real text almost never contains them.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.pinyin import FUZZY, LIGHT, syllable

log = logging.getLogger(__name__)

COMMON_WORD_FREQ = 5  # jieba frequency from which a stretch counts as an ordinary word
COMMON_NAME_FREQ = 50  # names: only a clearly ordinary word is protected
ADDRESS_SUFFIXES = ("同志", "书记", "委员")
DOMAIN_FREQ = 2000  # the prior frequency a lexicon term or roster name gets in the word model
MIN_GAIN = math.log(20)  # the replacement must make the passage this much likelier as Chinese
CONTEXT = 6  # characters either side that the word model looks at
HOMOPHONE_FREQ = 200  # the general pass only writes words at least this common in jieba's dictionary
HOMOPHONE_GAIN = math.log(10)  # and only when the passage becomes this much likelier (measured: log 20 misses 递交, 道理)
# Two characters that each often stand alone as a word are more likely two words side by side (再加,
# 部要, 钱去) than a misheard one: the general pass wants one character rarer than this on its own.
# Measured on a correct colloquial meeting transcript (AISHELL-4, 542 lines): 27 lines rewritten
# without this rule, 3 with it; the recogniser's errors keep rare characters (会义, 绞纳, 执班).
# With the function words, surnames and attested readings below: AISHELL-4 2 lines, People's Daily
# 112 of 2000 (202 before), product reviews 86 of 1000 (121), CER unchanged (bench/correct_fp.py).
STANDALONE_FREQ = 10000
# Particles, fillers, the 儿 of 儿化 and function words belong to real phrases, not to misheard words
# (的方, 人吗, 座儿, 关爱之情, 锁在, 读到).
_SPOKEN_CHARS = set("的了是呃嗯啊吧吗呢哦哈呀嘛儿之亦与及为以在到着过")
# A stretch that begins with one of the hundred commonest surnames may be someone's name (郭嘉, 刘昌):
# the general pass leaves it alone; roster names are the first pass's business.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_NUMERALS = set("一二三四五六七八九十两百千万零")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def warm_up() -> None:
    """Load the word dictionary and homophone index now (once per process) rather than on the first segment."""
    _log_total()
    _homophone_index()
    _attested()


@lru_cache(maxsize=1)
def _log_total() -> float:
    import jieba

    _word_freq()
    return math.log(jieba.dt.total)


def _is_common(word: str, threshold: int = COMMON_WORD_FREQ) -> bool:
    return _word_freq().get(word, 0) >= threshold


def _is_phrase(word: str) -> bool:
    """pypinyin's phrase list knows real words jieba counts as rare (再议, 下次再议 is no 在意)."""
    from pypinyin.phrases_dict import phrases_dict  # already loaded by pypinyin itself

    return word in phrases_dict


_TONE_MARKS = {marked: (plain, tone) for plain, marks in (
    ("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"), ("v", "ǖǘǚǜ"),
    ("n", "\u0000\u0144\u0148\u01f9"), ("m", "\u0000\u1e3f"),  # ń ň ǹ, ḿ: no first tone
) for tone, marked in enumerate(marks, 1)}
_TONE_MARKS.update({"ü": ("v", 0), "\u0304": ("", 1), "\u0301": ("", 2), "\u030c": ("", 3), "\u0300": ("", 4)})


def _tone3(marked: str) -> str:
    """hùi -> hui4, de -> de5 (pypinyin's contrib converter costs 0.2 ms a call; the index needs ~4000)."""
    letters, tone = [], 5
    for ch in marked:
        plain, mark = _TONE_MARKS.get(ch, (ch, 0))
        letters.append(plain)
        tone = mark or tone
    return "".join(letters) + str(tone)


@lru_cache(maxsize=65536)
def _toned_readings(ch: str) -> tuple[str, ...]:
    """Every toned reading of a character (hui4, kuai4), most common first, from pypinyin's table."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(ch))
    return tuple(dict.fromkeys(_tone3(r) for r in readings.split(","))) if readings else (ch,)


@lru_cache(maxsize=1)
def _attested() -> dict[str, set[str]]:
    """Toned readings each character has in pypinyin's phrase list (real words)."""
    from pypinyin.phrases_dict import phrases_dict

    seen: dict[str, set[str]] = {}
    for phrase, readings in phrases_dict.items():
        for ch, reading in zip(phrase, readings, strict=False):
            seen.setdefault(ch, set()).add(_tone3(reading[0]))
    return seen


@lru_cache(maxsize=65536)
def _spoken_readings(ch: str) -> tuple[str, ...]:
    """A character's main reading and those of its other readings some real word uses (大: da4, dai4 as in
    大夫), not the archaic ones of the character table (王: yu4, 怀: fu4), which made 王怀 sound like 预付."""
    main = _toned(ch)
    return (main, *sorted(r for r in _attested().get(ch, ()) if r != main and r in _toned_readings(ch)))


def _toned(ch: str) -> str:
    """The toned syllable of a character's most common reading."""
    return _toned_readings(ch)[0]


@lru_cache(maxsize=1)
def _homophone_index() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Common 2-4 character words by toned syllables (each character's main reading; ~0.3 s)."""
    index: dict[tuple[str, ...], list[str]] = {}
    for word, freq in _word_freq().items():
        if freq >= HOMOPHONE_FREQ and 2 <= len(word) <= 4 and all(_CJK.match(c) for c in word):
            index.setdefault(tuple(_toned(c) for c in word), []).append(word)
    return {key: tuple(words) for key, words in index.items()}


def _speechlike(window: str) -> bool:
    """Real speech rather than a misheard word: fillers and particles (的方, 人吗), a doubled character
    (搁搁, 班班), numerals (三六), or characters that are all common words on their own (再加, 部要)."""
    freq = _word_freq()
    return (
        any(c in _SPOKEN_CHARS for c in window)
        or len(set(window)) == 1
        or all(c in _NUMERALS for c in window)
        or min(freq.get(c, 0) for c in window) >= STANDALONE_FREQ
    )


def _addressed(text: str, end: int) -> bool:
    """text[:end] ends in a name's place: right before 同志/书记/委员, but not 同志们 (正好同志们都在)."""
    return text.startswith(ADDRESS_SUFFIXES, end) and not text.startswith("同志们", end)


@dataclass
class Correction:
    start: int
    end: int
    found: str
    term: str


class Corrector:
    """Replaces near-homophones of `terms` (lexicon terms and roster names) in recognised text."""

    def __init__(self, terms: Iterable[str], names: Iterable[str] = (), homophones: bool = True):
        self.homophones = homophones  # also run the general pass over non-words (会义 -> 会议)
        self.names = {n for n in names if n}
        cleaned = {t for t in list(terms) + list(self.names) if 2 <= len(t) <= 12 and all(_CJK.match(c) for c in t)}
        # by length, longest first, so 党费收缴 wins over 党费
        self.terms = sorted(cleaned, key=len, reverse=True)
        self._domain = set(self.terms)
        self._lengths = sorted({len(t) for t in self.terms}, reverse=True)
        # index by sound, so a window finds its candidate terms with one look-up
        self._by_sound: dict[tuple, list[str]] = {}
        for term in self.terms:
            self._by_sound.setdefault(tuple(FUZZY.key(c) for c in term), []).append(term)

    def find(self, text: str) -> list[Correction]:
        taken = [False] * len(text)
        found: list[Correction] = []
        keys = [FUZZY.key(c) if _CJK.match(c) else None for c in text]
        for length in self._lengths:
            for start in range(0, len(text) - length + 1):
                end = start + length
                if any(taken[start:end]):
                    continue
                window_keys = keys[start:end]
                if None in window_keys:
                    continue
                window = text[start:end]
                candidates = self._by_sound.get(tuple(window_keys))
                if not candidates:
                    name = self._addressed_name(text, end, window) if length in (2, 3) else None
                    if name:
                        found.append(Correction(start, end, window, name))
                        for i in range(start, end):
                            taken[i] = True
                    continue
                term = self._match(text, start, end, window, candidates)
                if term is None:
                    continue
                if term != window:
                    found.append(Correction(start, end, window, term))
                for i in range(start, end):  # a correct term also protects its characters
                    taken[i] = True
        if self.homophones:
            found += self._find_homophones(text, taken)
        return sorted(found, key=lambda c: c.start)

    def _addressed_name(self, text: str, end: int, window: str) -> str | None:
        """The one roster name a comrade addressed by `window` can be, heard with another vowel (刘锋同志 ->
        刘芳同志, 黄偷同志 -> 黄涛同志): the same surname character and the same initials."""
        if not _addressed(text, end) or _is_common(window):
            return None
        matches = [name for name in self.names if len(name) == len(window) and name[0] == window[0]
                   and all(syllable(a)[0] == syllable(b)[0] for a, b in zip(window[1:], name[1:], strict=True))]
        return matches[0] if len(matches) == 1 else None

    def _find_homophones(self, text: str, taken: list[bool]) -> list[Correction]:
        """The general pass: non-words that are exact (toned) homophones of a common word."""
        from itertools import product

        index = _homophone_index()
        found: list[Correction] = []
        for length in (4, 3, 2):
            for start in range(0, len(text) - length + 1):
                end = start + length
                window = text[start:end]
                if any(taken[start:end]) or not all(_CJK.match(c) for c in window):
                    continue
                if _is_common(window) or window in self._domain or _is_phrase(window) or _speechlike(window):
                    continue
                if window[0] in _SURNAMES and len(window) <= 3:
                    continue
                if text.startswith(ADDRESS_SUFFIXES, end):
                    continue  # a name's place (一民同志 is no 移民): names are the first pass's business
                candidates = {w for key in product(*(_spoken_readings(c) for c in window))
                              for w in index.get(key, ())}
                if not candidates or self._straddled(text, start, end):
                    continue
                best, best_gain = None, HOMOPHONE_GAIN
                for word in sorted(candidates):
                    gain = self._gain(text, start, end, word)
                    if gain > best_gain:
                        best, best_gain = word, gain
                if best is None:
                    continue
                found.append(Correction(start, end, window, best))
                for i in range(start, end):
                    taken[i] = True
        return found

    def _straddled(self, text: str, start: int, end: int) -> bool:
        """A word of the context's likeliest split crosses an edge of text[start:end] (开会义务 keeps 会义)."""
        left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        for a, b in self.split(text[left:right]):
            a, b = a + left, b + left
            if b - a > 1 and (a < start < b or a < end < b):
                return True
        return False

    def split(self, text: str) -> list[tuple[int, int]]:
        """The likeliest split of `text` into words, as (start, end) spans."""
        best = [0.0] + [-math.inf] * len(text)
        back = [0] * (len(text) + 1)
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - 12), end):
                logp = self._word_logp(text[start:end])
                if logp is not None and best[start] + logp > best[end]:
                    best[end], back[end] = best[start] + logp, start
        spans, end = [], len(text)
        while end > 0:
            spans.append((back[end], end))
            end = back[end]
        return spans[::-1]

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
            addressed = is_name and _addressed(text, end)
            # Otherwise an ordinary word (照明) is never turned into a term (赵敏). The dictionary
            # also lists some people's names (周小明), which may well be a roster name misheard.
            if not addressed and _is_common(window, COMMON_NAME_FREQ if is_name else COMMON_WORD_FREQ):
                continue
            if not is_name and not LIGHT.close_words(window, term):
                continue  # terms need near-exact homophones (保罗斯 is no 保落实); names allow fuzzy ones (照名)
            if len(term) == 2 and not is_name and not any(a == b for a, b in zip(window, term, strict=True)) \
                    and _is_common(window, 3):
                continue  # two characters, none shared: only a non-word (英道 -> 应到)
            gain = self._gain(text, start, end, term) + (MIN_GAIN if addressed else 0.0)
            if addressed and LIGHT.close_words(window, term):
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
