"""The agenda as the chair announced it, and which sentences belong to which item."""

from __future__ import annotations

import re

from core.types import Meeting
from summarizer.text import Sentence, cn_to_int, overlap, strip_punct

_ORD = r"[一二三四五六七八九十0-9]{1,3}"
_TOPIC_WORD = r"(?:议题|议程|内容|事项)"
_COUNT = re.compile(rf"(?:有|共|包括|分为|安排了?|研究|讨论|审议|就|只有|主要)\s*(?P<n>{_ORD}|两)\s*(?:个|项|件|方面)\s*(?:主要)?(?P<w>{_TOPIC_WORD}|事情|事)"
                    rf"|{_TOPIC_WORD}\S{{0,4}}?(?:有|共)\s*(?P<n2>{_ORD}|两)\s*(?:个|项|件)")
_ENUM = re.compile(
    rf"(?:第(?P<o1>{_ORD})(?:个|项|条|件)?(?:{_TOPIC_WORD}|(?=[，,：:、是为\s]))(?:是|为|：|:)?"
    r"|(?<![\u4e00-\u9fff])(?P<o2>[一二三四五六七八九十])(?:是|、)"
    r"|(?<![0-9])(?P<o3>[0-9])[.、．]"
    r"|(?<![\u4e00-\u9fff])(?P<o4>[一二三四五六七八九十])(?=[，,：:]))"
)
# An announcement that names no 议题: '今天的安排：第一，…', '活动分四个环节：', '今天就两件事。一是…'.
_ANNOUNCE = re.compile(rf"{_TOPIC_WORD}|安排[是：:]|环节|(?:两|三|四|五|几)(?:件事|个事|项)")
_SEQ = re.compile(r"(?P<w>首先|第一|其次|第二|再次|然后|第三|最后)[，,：:]?")
_TRANSITION = re.compile(
    rf"^(?:(?:好的?|那么?|下面|接下来|现在|首先|然后|最后|我们|咱们|开始|进行|进入|学习|讨论|研究|审议|听取|来|先)[，,]?)*"
    rf"第(?P<o>{_ORD})(?:个|项)?(?:议题|议程|项议程|项内容|个事项|项|件事)"
)
_BARE_STEP = re.compile(rf"^(?:(?:好|下面|接下来)[，,]?)?第(?P<o>{_ORD})(?:个|项|件事)[，,。：:]")
_NEXT_ITEM = re.compile(rf"第(?P<o>{_ORD})(?:个|项)?(?:议题|议程)")
_TRANSITION_WORDS = re.compile(r"下面|接下来|现在|首先|然后|最后|进入|进行")


def later_item_begins(text: str) -> bool:
    """'下面进行第二项议程…': the chair moves on to an agenda item after the first."""
    m = _TRANSITION.search(text)
    return bool(m and (cn_to_int(m.group("o")) or 0) >= 2 and (m.start() == 0 or _TRANSITION_WORDS.search(text[:m.start()])))


def _ordinal(m: re.Match[str]) -> int | None:
    for key in ("o1", "o2", "o3", "o4"):
        value = m.groupdict().get(key)
        if value:
            return cn_to_int(value)
    return None


def _parse_items(text: str, counted: bool = False) -> list[str]:
    """Items after enumerators 第一个议题/一是/一、/1. in ascending order from one.

    After a count ('有三个议题'), a garbled first enumerator ('议议个议题，学习…') still leaves
    the first item: the words before the second enumerator.
    """
    marks = [(m, _ordinal(m)) for m in _ENUM.finditer(text)]
    chosen: list[re.Match[str]] = []
    for first in (1, 2) if counted else (1,):
        chosen, expect = [], first
        for m, k in marks:
            if k == expect:
                chosen.append(m)
                expect += 1
        if len(chosen) >= 2 or (first == 2 and chosen):
            break
    if not chosen or (len(chosen) < 2 and _ordinal(chosen[0]) == 1):
        return []
    items = []
    if _ordinal(chosen[0]) == 2:
        head = re.split(r"[。；;！？!?]", text[: chosen[0].start()])
        head = [h for h in head if strip_punct(h)]
        lead = strip_punct(re.sub(r"^[，,：:]*(?:[^，,：:]{0,5}(?:议题|议程|项)[，,：:])?", "", head[-1] if head else ""))
        if len(lead) < 4:
            return []
        items.append(lead)
    for i, m in enumerate(chosen):
        stop = chosen[i + 1].start() if i + 1 < len(chosen) else len(text)
        item = re.split(r"[。；;！？!?]", text[m.end():stop])[0]
        item = strip_punct(re.sub(r"^(?:个|项|是|为|就是)", "", strip_punct(item)))
        if item:
            items.append(item)
    return items


def find_agenda(sentences: list[Sentence]) -> tuple[list[str], int | None]:
    """(items, index of the announcement's last sentence) from the first announcement in the first half."""
    limit = max(10, len(sentences) // 2)
    for i, s in enumerate(sentences[:limit]):
        count = _COUNT.search(s.text)
        if not count and not _ANNOUNCE.search(s.text):
            continue
        if _TRANSITION.search(s.text) and not count:
            continue
        # the announcement may run over the following sentences of the same speaker
        tail = [s]
        for t in sentences[i + 1:i + 12]:
            # continued by sentences that start with the next enumerator; after a count also by the
            # items ASR cut into segments of their own ('有三个议题' / '学习…论述' / '第二个议题，…')
            goes_on = t.seg - s.seg <= 2 or (t.seg - tail[-1].seg <= 1 and t.start - tail[-1].end <= 2.0)
            run_on = bool(count) and not (_TRANSITION_WORDS.search(t.text[:8]) or _COUNT.search(t.text))
            enum = _ENUM.match(t.text)
            if t.speaker != s.speaker or not goes_on or not (enum or run_on):
                break
            said = [k for m in _ENUM.finditer("".join(x.text for x in tail)) if (k := _ordinal(m))]
            if enum and said and (_ordinal(enum) or 0) <= max(said):
                break  # '第一议题：…' after '三、其他事项': the meeting has begun, the list is over
            tail.append(t)
        text = "".join(t.text if re.search(r"[。！？!?；;，,：:]$", t.text) or k == len(tail) - 1 else t.text + "，"
                       for k, t in enumerate(tail))
        start = count.end() if count else s.text.find(_ANNOUNCE.search(s.text).group(0))
        items = _parse_items(text[start:], counted=bool(count))
        n = cn_to_int((count.group("n") or count.group("n2") or "").replace("两", "二")) if count else None
        if n and len(items) > n:
            items = items[:n]
        if count and n == 1 and not items and (count.groupdict().get("w") or "议题") in ("议题", "议程", "事项", "内容"):
            one = re.split(r"[。；;]", text[count.end():])[0]
            one = strip_punct(re.sub(r"^[，,：:]?(?:就是|是|即)?", "", one))
            items = [one] if one else []
        if items:
            probe = items[-1][:6]
            end = max((t.index for t in tail if probe in t.text), default=s.index)
            return items, end
    return [], None


def assign_items(sentences: list[Sentence], agenda: list[str], announced_at: int | None) -> list[int | None]:
    """For each sentence, the index of the agenda item being dealt with (None before the first one)."""
    current: int | None = None
    out: list[int | None] = []
    first = (announced_at + 1) if announced_at is not None else 0
    for i, s in enumerate(sentences):
        if i >= first and agenda:
            m = _TRANSITION.search(s.text)
            k = cn_to_int(m.group("o")) if m else None
            loose = None if m else _NEXT_ITEM.search(s.text[:12])
            if loose and cn_to_int(loose.group("o")) == (current + 2 if current is not None else 1):
                k = current + 2 if current is not None else 1  # '下面定型第一议题' (进行 misheard): the next item
            bare = None if (m or loose) else _BARE_STEP.match(s.text)
            if bare and cn_to_int(bare.group("o")) == (current + 2 if current is not None else 1):
                k = cn_to_int(bare.group("o"))  # '第三个，党员教育培训。': the next item, named without 议题
            if k and 1 <= k <= len(agenda):
                current = k - 1
            elif _TRANSITION_WORDS.search(s.text[:8]):
                scores = [overlap(item, s.text) for item in agenda]
                best = max(range(len(agenda)), key=lambda j: scores[j])
                if scores[best] >= 0.6 and (current is None or best >= current):
                    current = best
        out.append(current)
    return out


_STUDY = re.compile(r"(?:传达)?学习[^。；;！？!?]{0,6}?(?:习近平|总书记)[^。；;！？!?]*?(?:讲话|论述|指示|批示|思想)(?:精神)?")
_QUOTE = re.compile(r"^(?:习近平)?总书记(?:还|也)?(?:强调|指出|说|要求)")


def agenda_from_steps(sentences: list[Sentence]) -> list[str]:
    """The agenda as the chair walks through it ('首先学习第一议题…', '下面进行第二项议程，讨论…') when no
    announcement was understood: at least two items in order, each the first real clause after the step."""
    items: list[str] = []
    for i, s in enumerate(sentences):
        m = _TRANSITION.search(s.text)
        if not m or cn_to_int(m.group("o")) != len(items) + 1:
            continue
        rest = [c for c in re.split(r"[，,：:。；;]", s.text[m.end():]) if len(strip_punct(c)) >= 4]
        nxt = sentences[i + 1] if i + 1 < len(sentences) and sentences[i + 1].speaker == s.speaker else None
        if not rest and nxt is not None:
            rest = [c for c in re.split(r"[，,：:。；;]", nxt.text) if len(strip_punct(c)) >= 4]
        item = strip_punct(re.sub(r"^(?:是|为|就是)", "", rest[0])) if rest else ""
        if not item or _QUOTE.match(item) or re.match(r"请|由", item):
            # the first item is the study, usually read out before: take its title from the opening
            study = next((m2.group(0) for t in sentences[:i + 1] if (m2 := _STUDY.search(t.text))), "")
            item = strip_punct(study)
        if not item:
            break
        items.append(item)
    return items if len(items) >= 2 else []


def extract_agenda(sentences: list[Sentence], meeting: Meeting) -> tuple[list[str], list[int | None]]:
    """Announced agenda (or the prepared one, or the steps the chair walked through) and the item of
    every sentence."""
    items, at = find_agenda(sentences)
    if not items:
        items = [strip_punct(a) for a in (meeting.agenda or []) if isinstance(a, str) and strip_punct(a)]
    if not items:
        items = agenda_from_steps(sentences)
    return items, assign_items(sentences, items, at)
