"""Who is made responsible in a task sentence: 由X负责, X牵头, 请X同志, 责成X, 交给X, X同志本月底前 ..."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.names import TITLES, Roster
from summarizer.text import cue_list

_BEFORE_OWNER = re.compile(r"由|请|责成|交给|交由|安排|委托|明确由|指定|要求")
_AFTER_OWNER = re.compile(r"牵头|负责|挂帅|主抓|督促落实|抓总")
_JOIN = re.compile(r"^(?:同志)?(?:、|和|与|及|以及|同)")
_TITLE_TAIL = re.compile(r"^(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")")
_SUBJECT_NEXT = re.compile(r"^(?:同志)?(?:要|在|于|负责|务必|必须|需要|需|应|抓紧|尽快|把|将|本|下|这|今|明|年|月|[0-9一二三四五六七八九十])")


SPEAKER = "<speaker>"  # 由我负责: replaced by the speaker's name when it is on the roster


@dataclass
class Owner:
    name: str  # a roster name, a unit (各党小组, 组织委员) or names joined with 、
    start: int  # span of the words naming the owner (with 同志/书记), for removal from the content
    end: int
    frame: str  # the frame word: 由 / 请 / 牵头 / subject ...


class OwnerFinder:
    def __init__(self, roster: Roster):
        self.roster = roster
        self.units = cue_list("owner_units")
        self.chair_label: str | None = None  # the speaker label of the chair, for 由我负责 said anonymously

    def _resolve(self, token: str, titled: bool) -> tuple[str, int] | None:
        """(owner, confidence): 2 roster name or unit as said, 1 pinyin-corrected, 0 unlisted person."""
        if not token:
            return None
        if token in self.roster.names or token in self.units:
            return token, 2
        found = self.roster.resolve(token)
        if found:
            return found, 1
        for unit in self.units:  # 各党小组长, 全体支委 ...: a unit with a quantifier in front
            if token.endswith(unit) and token[: -len(unit)] in ("各", "全体", "各位", "本", "支部", "全支部"):
                return token, 2
        # an unlisted person named with 同志 (guests, or no roster entered): keep the name as said
        if titled and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", token) and token[0] not in "这那各某有该本我你他她咱":
            near = self.roster.closest(token, threshold=0.75)  # 周凯同志 for 周海: one syllable half-heard
            return (near, 1) if near else (token, 0)
        return None

    def _name_at(self, text: str, pos: int) -> tuple[str, int] | None:
        """The owner named at pos: (name, end incl. title). Exact names beat titled beat pinyin-close."""
        best: tuple[tuple[int, int, int], str, int] | None = None
        for length in range(1, 9):
            token = text[pos:pos + length]
            if len(token) < length or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", token):
                break
            title = _TITLE_TAIL.match(text[pos + length:])
            hit = self._resolve(token, bool(title))
            if hit is None and title and self.roster.resolve(token + title.group(0)):
                hit = (self.roster.resolve(token + title.group(0)), 1)  # 王书记
            if hit:
                name = hit[0]
                rank = (hit[1], int(bool(title)), length)
                if best is None or rank > best[0]:
                    best = (rank, name, pos + length + (len(title.group(0)) if title else 0))
        return (best[1], best[2]) if best else None

    def _with_partners(self, text: str, name: str, end: int) -> tuple[str, int]:
        names = [name]
        while True:
            j = _JOIN.match(text[end:])
            if not j:
                break
            nxt = self._name_at(text, end + j.end())
            if not nxt or nxt[0] in names:
                break
            names.append(nxt[0])
            end = nxt[1]
        m = re.match(r"^(?:两位|三位|几位|等)?(?:同志)?", text[end:])
        return "、".join(names), end + (m.end() if m else 0)

    def find(self, text: str) -> Owner | None:
        candidates: list[Owner] = []
        for m in _BEFORE_OWNER.finditer(text):
            hit = self._name_at(text, m.end())
            if hit and hit[0] not in self.roster.names:
                person = self._name_at(text, hit[1])  # 组织委员赵刚同志: the person, not the office
                if person and person[0] not in self.units:
                    hit = person
            if hit:
                name, end = self._with_partners(text, *hit)
                candidates.append(Owner(name, m.start(), end, m.group(0)))
        for m in _AFTER_OWNER.finditer(text):
            left = re.sub(r"(?:同志|书记|委员)?[，, ]?(?:你|您)?(?:来|具体|要|去|统一|总)?$", "", text[: m.start()])
            # '拥刘芳同志负责' (由 misheard): a roster name inside beats a longer unlisted one
            best: tuple[int, int, Owner] | None = None
            for length in range(min(8, len(left)), 0, -1):
                start = len(left) - length
                hit = self._name_at(text, start)
                if hit and hit[1] >= len(left):
                    rank = 2 if hit[0] in self.roster.names or hit[0] in self.units else 1 if "、" in hit[0] else 0
                    if best is None or rank > best[0]:
                        best = (rank, length, Owner(hit[0], start, hit[1], m.group(0)))
            if best:
                candidates.append(best[2])
        for m in re.finditer(r"(?:^|[，,；;：:])", text):
            pos = m.end()
            hit = self._name_at(text, pos)
            if hit and _SUBJECT_NEXT.match(text[hit[1]:]):
                name, end = self._with_partners(text, *hit)
                candidates.append(Owner(name, pos, end, "subject"))
        me = re.search(r"(?:由我|我来|我负责|我牵头)(?![们任])", text)
        if me:
            candidates.append(Owner(SPEAKER, me.start(), me.start() + 2 if me.group(0).startswith("由") else me.start() + 1, "我"))
        if not candidates:
            return None
        return min(candidates, key=lambda o: o.start)
