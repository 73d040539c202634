"""Roster names in ASR text: exact, or by pinyin similarity (刘方 -> 刘芳, 陈志墙 -> 陈志强), or by title (王书记)."""

from __future__ import annotations

import re

from core.pinyin import char_similarity, name_similarity, sound_alike
from summarizer.text import han_only

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "公孙", "慕容", "尉迟", "长孙",
                     "宇文", "司徒", "夏侯", "端木", "轩辕", "西门", "南宫", "独孤", "百里")
TITLES = ("同志", "书记", "副书记", "委员", "主任", "组长", "部长", "经理", "老师")
MATCH_THRESHOLD = 0.85


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name): 欧阳松涛 -> (欧阳, 松涛), 骆振川 -> (骆, 振川), 齐全 -> (齐, 全)."""
    for s in COMPOUND_SURNAMES:
        if name.startswith(s) and len(name) > len(s):
            return s, name[len(s):]
    return name[:1], name[1:]


def clearly_nearest(scored: list[tuple[float, str]], threshold: float, margin: float = 0.1) -> str | None:
    """The name with the best score (its best form), when it reaches threshold and leads the next by margin."""
    best: dict[str, float] = {}
    for score, name in scored:
        best[name] = max(best.get(name, 0.0), score)
    ranked = sorted(((v, k) for k, v in best.items()), reverse=True)
    if ranked and ranked[0][0] >= threshold and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= margin):
        return ranked[0][1]
    return None


class Roster:
    """The meeting's roster with fuzzy lookup; works (finding nothing) when the roster is empty."""

    def __init__(self, names: list[str] | None, host: str = ""):
        self.names = [n for n in dict.fromkeys((names or []) + ([host] if host else [])) if han_only(n)]
        self.host = host

    def resolve(self, token: str) -> str | None:
        """The roster name a short token refers to ('刘方同志', '王书记', '小王'), or None."""
        token = han_only(token)
        if not token or not self.names:
            return None
        for title in TITLES:
            if token.endswith(title) and len(token) > len(title):
                base = token[: -len(title)]
                found = self.resolve(base)
                if found:
                    return found
                if len(base) == 1:  # 王书记: a surname plus title
                    return self._by_surname(base, prefer_host=title in ("书记",))
        if token in self.names:
            return token
        if len(token) == 2 and token[0] in "小老" and (found := self._by_surname(token[1])):
            return found
        if len(token) == 2 and (found := self._by_given_name(token)):
            return found
        best, best_sim = None, 0.0
        for name in self.names:
            sim = name_similarity(token, name)
            if sim > best_sim:
                best, best_sim = name, sim
        return best if best_sim >= MATCH_THRESHOLD else None

    def closest(self, token: str, threshold: float = 0.7) -> str | None:
        """The one roster name nearest to token, same surname sound, when only members can be meant
        (an absentee: 黄偷 -> 黄涛); None when two are equally near or none is near enough."""
        token = han_only(token)
        scored = sorted(((name_similarity(token, n), n) for n in self.names
                         if len(n) == len(token) and token and char_similarity(token[0], n[0]) >= 0.9), reverse=True)
        if not scored or scored[0][0] < threshold or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]

    def _by_given_name(self, token: str) -> str | None:
        """The one member called by a given name that reads as token ('晓东', heard '小东': 符晓东)."""
        hits = [n for n in self.names if (given := split_name(n)[1]) == token or sound_alike(given, token)]
        return hits[0] if len(hits) == 1 else None

    def _by_surname(self, surname: str, prefer_host: bool = False) -> str | None:
        if prefer_host and self.host and char_similarity(self.host[0], surname) >= 0.9:
            return self.host
        hits = [n for n in self.names if char_similarity(n[0], surname) >= 0.9]
        return hits[0] if len(hits) == 1 else None

    def find_all(self, text: str) -> list[tuple[str, int, int]]:
        """Every roster name in text (exact first, then pinyin-close windows): (name, start, end)."""
        found: list[tuple[str, int, int]] = []
        taken = [False] * len(text)
        for name in sorted(self.names, key=len, reverse=True):
            for m in re.finditer(re.escape(name), text):
                if not any(taken[m.start():m.end()]):
                    found.append((name, m.start(), m.end()))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        for name in self.names:
            n = len(name)
            for i in range(len(text) - n + 1):
                window = text[i:i + n]
                if any(taken[i:i + n]) or not re.fullmatch(r"[\u4e00-\u9fff]+", window):
                    continue
                if name_similarity(window, name) >= MATCH_THRESHOLD:
                    found.append((name, i, i + n))
                    for j in range(i, i + n):
                        taken[j] = True
        return sorted(found, key=lambda f: f[1])
