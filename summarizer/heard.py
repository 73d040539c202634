"""Cue words that speech recognition wrote as homophones (并嫁 for 病假, 佛则 for 负责), read back.

Only whole words that sound alike (read as words, tones aside: core.pinyin.sound_alike) are restored, and
only where the word belongs (restore's protect/after, restore_task_words' contexts), so ordinary words
stay as heard.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.pinyin import readings, sound_alike, sound_near
from summarizer.text import cue_list

_HAN = re.compile(r"[\u4e00-\u9fff]+")


def restore(text: str, words: list[str], protect: list[tuple[int, int]] | None = None,
            after: re.Pattern[str] | None = None) -> str:
    """text with sound-alike windows of words replaced by the word.

    protect: spans never touched (roster names); after: what the text must end with just before the
    window (the context that makes the word expected, e.g. 同志 before 负责).
    """
    if not text or not words:
        return text
    taken = [False] * len(text)
    for a, b in protect or []:
        taken[a:b] = [True] * (b - a)
    for word in words:
        for m in re.finditer(re.escape(word), text):
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
    by_sound = _by_first_sound(tuple(sorted(set(words), key=len, reverse=True)))
    chars = list(text)
    for i, char in enumerate(text):
        if taken[i]:
            continue
        candidates = [w for reading in readings(char) for w in by_sound.get(reading, ())]
        for word in sorted(dict.fromkeys(candidates), key=len, reverse=True):
            n = len(word)
            window = text[i:i + n]
            if len(window) < n or any(taken[i:i + n]) or not _HAN.fullmatch(window):
                continue
            if after is not None and not after.search(text[:i]):
                continue
            if sound_alike(window, word):
                chars[i:i + n] = list(word)
                taken[i:i + n] = [True] * n
                break
    return "".join(chars)


@lru_cache(maxsize=64)
def _by_first_sound(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Words by every reading of their first character, so each position is compared with few words."""
    out: dict[str, list[str]] = {}
    for word in words:
        for reading in readings(word[0]):
            out.setdefault(reading, []).append(word)
    return {k: tuple(v) for k, v in out.items()}


_OWNER_CONTEXT = re.compile(r"(?:同志|书记|委员|由[\u4e00-\u9fff]{2,3})$")


def restore_task_words(text: str) -> str:
    """Decision frames and owner verbs heard as homophones (会议绝定, 同志佛则组织) read back: frames of
    four characters anywhere (shorter ones sound like everyday words: 经研究/经验就), 负责/牵头 right after
    a person (X同志, 由X)."""
    frames = [f for f in cue_list("decision_frames") if len(f) >= 4 and not f.startswith("^")]
    text = restore(text, frames)
    text = restore(text, ["负责", "牵头"], after=_OWNER_CONTEXT)
    # deadline words heard as homophones, only where a deadline is being said: 本月低前 / 年抵前 (底),
    # 二十好前 (号), 本月底签 / 二十日钱 (前)
    text = re.sub(r"(?<=[月年])([\u4e00-\u9fff])(?=之?前)", lambda m: _as(m.group(1), "底"), text)
    text = re.sub(r"(?<=[0-9一二三四五六七八九十])([\u4e00-\u9fff])(?=之?前)", lambda m: _as(m.group(1), "号"), text)
    text = re.sub(r"(?<=[0-9一二三四五六七八九十][日号]|月底|年底)([\u4e00-\u9fff])", lambda m: _as(m.group(1), "前"), text)
    # 元旦钱 / 周四钱 / 季度末签: 前 after a holiday, a weekday or a period's end
    text = re.sub(r"(元旦|春节|国庆|五一|中秋|端午|清明|季度末|中旬|上旬|下旬|周[一二三四五六日天])([\u4e00-\u9fff])([\u4e00-\u9fff]?)",
                  lambda m: m.group(1) + (m.group(2) if _word(m.group(2) + m.group(3)) else _as(m.group(2), "前")) + m.group(3),
                  text)
    text = re.sub(r"(?<=[0-9一二三四五六七八九十]月)分", "份", text)  # 11月分开展: 月份
    # 基督末 / 基督莫之前 / 年抵前: period words heard as homophones where a deadline is said
    for period in ("季度末", "季度底", "月末", "年末", "周末"):
        n = len(period)
        text = re.sub(rf"([\u4e00-\u9fff]{{{n}}})(?=之前|以前|前)", lambda m, p=period: _as(m.group(1), p), text)
    text = re.sub(r"([\u4e00-\u9fff]{2})(?=末|底|内|之前|以前|前)", lambda m: _as(m.group(1), "季度"), text)
    return restore_structure_words(text)


# Words that give the meeting its structure, each where it is expected: 议程/议题 opening a list
# (今天的一层：第一… -> 议程), 措施 after 落实/整改.
_STRUCTURE = (
    ("议程", re.compile(r"(?:今天的?|本次|会议)$"), None),
    ("议题", re.compile(r"(?:今天的?|本次|会议|第一|第[一二三四五六七八九十]个)$"), None),
    ("措施", re.compile(r"(?:落实|整改)$"), None),
    ("落实", None, re.compile(r"^措施")),
    ("整改", None, re.compile(r"^措施")),
)


def restore_structure_words(text: str) -> str:
    """Structure words heard by sound (一层 for 议程), put back only in their own context."""
    for word, before, after in _STRUCTURE:
        n = len(word)
        out, i = [], 0
        while i < len(text):
            window = text[i:i + n]
            if (len(window) == n and window != word and _HAN.fullmatch(window) and sound_near(window, word)
                    and (before is None or before.search(text[:i])) and (after is None or after.match(text[i + n:]))):
                out.append(word)
                i += n
            else:
                out.append(text[i])
                i += 1
        text = "".join(out)
    return text


def _word(two: str) -> bool:
    """A word of the dictionary (周五签字: 签字 stays), so a homophone inside it is left alone."""
    import jieba  # lazy: loads its dictionary on first use

    jieba.dt.check_initialized()
    return len(two) == 2 and jieba.dt.FREQ.get(two, 0) > 0


def _as(heard: str, word: str) -> str:
    return word if sound_alike(heard, word) else heard


@lru_cache(maxsize=1)
def _party_terms() -> tuple[str, ...]:
    """The party terms of resources/lexicons/*.txt (one a line, '# ' comments, 'term|weight')."""
    from importlib import resources

    terms: list[str] = []
    for entry in (resources.files("resources") / "lexicons").iterdir():
        if entry.name.endswith(".txt"):
            for line in entry.read_text(encoding="utf-8").splitlines():
                term = line.split("#", 1)[0].split("|", 1)[0].strip()
                if len(term) >= 4 and _HAN.fullmatch(term):
                    terms.append(term)
    return tuple(sorted(set(terms), key=len, reverse=True))


def _well_formed(window: str) -> bool:
    import jieba  # lazy: loads its dictionary on first use

    return all(len(token) >= 2 for token in jieba.lcut(window, HMM=False))


def _syllables(text: str) -> list[str]:
    from pypinyin import lazy_pinyin  # lazy: loads its dictionaries on first use

    return lazy_pinyin(text)


@lru_cache(maxsize=1)
def _terms_by_first_syllable() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for term in _party_terms():
        said = tuple(_syllables(term))
        if len(said) == len(term):
            out.setdefault(said[0], []).append((term, said))
    return {k: tuple(v) for k, v in out.items()}


def restore_terms(text: str) -> str:
    """Party terms of four or more characters heard as exact homophones (三会一客 -> 三会一课), for the
    minutes' content only (the transcript keeps what was heard), where the window is no phrase of words.
    (One syllable off was tried and dropped: words of their own turn into terms too often, 上级单位 ->
    上级党委, 动员大会 -> 党员大会, as an earlier session measured on People's Daily.)"""
    if not text:
        return text
    heard = _syllables(text)
    if len(heard) != len(text):
        return text
    index = _terms_by_first_syllable()
    out = list(text)
    i = 0
    while i < len(text):
        for term, said in index.get(heard[i], ()):
            n = len(term)
            window = text[i:i + n]
            if len(window) == n and window != term and tuple(heard[i:i + n]) == said and _HAN.fullmatch(window) \
                    and not _well_formed(window):
                out[i:i + n] = list(term)
                i += n - 1
                break
        i += 1
    return "".join(out)
