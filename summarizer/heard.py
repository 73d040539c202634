"""Cue words that speech recognition wrote as homophones (并嫁 for 病假, 佛则 for 负责), read back.

Only whole words that sound alike (every character shares a toneless reading, see names.sound_alike)
are restored, and only where the caller says the word belongs, so ordinary words stay as heard.
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarizer.names import readings, sound_alike

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
