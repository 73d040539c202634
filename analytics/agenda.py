"""Which agenda item each segment belongs to, how much speech stays on it, time on the 第一议题.

Sections are found from the chair's announcements (下面进行第二个议题, 第三项议程, 首先学习第一议题);
when a transcript has none, each segment goes to the agenda item it is most similar to
(TF-IDF over jieba words and character bigrams). Speech before the first announced item is
the opening (None).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from analytics.text import words
from core.types import Minutes, Segment
from core.zh import cn_to_int

_NUM = "一二三四五六七八九十"
_ANNOUNCE = re.compile(
    rf"(?:下面|接下来|现在|首先|然后|最后)?(?:进行|研究|讨论|学习|开始)?第([{_NUM}\d]{{1,2}})(?:个|项)?(?:议题|议程)"
)
_FIRST_TOPIC = re.compile(r"第一议题")
SIMILARITY_ON_TOPIC = 0.08  # cosine at or above which a segment counts as on its agenda item
_STOP = frozenset(
    ["同志", "我们", "大家", "你们", "他们", "一个", "这个", "那个", "一下", "一些", "还是", "就是", "可以", "进行", "今天", "下面", "现在", "会议", "工作", "问题", "情况", "我说", "两句", "这些", "那些", "没有", "什么", "怎么", "因为", "所以", "但是", "然后", "如果", "已经", "还有", "以及", "议题", "议程", "第一", "第二", "第三", "首先", "最后", "请大家", "同意"]
)
SHORT = 12  # characters: shorter utterances (我同意。) are not judged for agenda fit


def _announced(text: str) -> int | None:
    """Index (0-based) of the agenda item a sentence opens, or None.

    A list of all items (今天有三个议题。第一个议题…第二个议题…) announces nothing: it needs
    two or more ordinals in one utterance, so only the first ordinal of a lone announcement counts.
    """
    found = [cn_to_int(m.group(1)) for m in _ANNOUNCE.finditer(text)]
    found = [n for n in found if n]
    if _FIRST_TOPIC.search(text) and not found:
        found = [1]
    if len(set(found)) != 1:
        return None
    return found[0] - 1


def _features(text: str) -> Counter:
    toks = [w for w in words(text) if len(w) > 1]
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    toks += [han[i : i + 2] for i in range(len(han) - 1)]
    return Counter(toks)


def _keywords(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= 2 and w not in _STOP and not w.isdigit()}


def _tfidf(docs: list[Counter]) -> list[dict[str, float]]:
    df: Counter = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    out = []
    for d in docs:
        vec = {t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 0.5)) for t, c in d.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def item_texts(minutes: Minutes, agenda: list[str]) -> list[str]:
    """Agenda titles, the 第一议题 enriched with its content and measures."""
    texts = list(agenda)
    ft = minutes.first_topic
    if ft and texts:
        texts[0] = " ".join([texts[0], ft.content, *ft.measures])
    return texts


def assign(segments: list[Segment], agenda: list[str], minutes: Minutes | None = None) -> dict:
    """Map segments to agenda items and measure how well speech fits them."""
    minutes = minutes or Minutes()
    n_items = len(agenda)
    empty = {"sections": [None] * len(segments), "items": [], "fit": None, "method": "none"}
    if not segments or not n_items:
        return empty
    texts = item_texts(minutes, agenda)
    vecs = _tfidf([_features(t) for t in texts] + [_features(s.text) for s in segments])
    item_vecs, seg_vecs = vecs[:n_items], vecs[n_items:]
    sims = [[_cosine(sv, iv) for iv in item_vecs] for sv in seg_vecs]

    sections: list[int | None] = []
    current: int | None = None
    announced_any = False
    anchors = list(texts)  # the chair's announcement frames an item: add its words to the item's
    for seg in segments:
        k = _announced(seg.text)
        if k is not None and 0 <= k < n_items:
            current, announced_any = k, True
            anchors[k] += " " + seg.text
        sections.append(current)
    item_keys = [_keywords(t) for t in anchors]
    method = "announcements"
    if not announced_any:
        method = "similarity"
        sections = [
            (max(range(n_items), key=lambda k, row=row: row[k]) if max(row) >= SIMILARITY_ON_TOPIC else None)
            for row in sims
        ]

    items = []
    judged = on_topic = 0.0
    for k, title in enumerate(agenda):
        secs = [s for s, sec in zip(segments, sections, strict=True) if sec == k]
        seconds = sum(s.duration for s in secs)
        item_judged = item_on = 0.0
        for s, sec, row in zip(segments, sections, sims, strict=True):
            if sec != k or len(s.text) < SHORT:
                continue
            item_judged += s.duration
            if row[k] >= SIMILARITY_ON_TOPIC or _keywords(s.text) & item_keys[k]:
                item_on += s.duration
        judged += item_judged
        on_topic += item_on
        items.append(
            {
                "index": k,
                "title": title,
                "seconds": round(seconds, 2),
                "start": round(min((s.start for s in secs), default=0.0), 2),
                "end": round(max((s.end for s in secs), default=0.0), 2),
                "fit": round(item_on / item_judged, 4) if item_judged else None,
            }
        )
    return {
        "sections": sections,
        "items": items,
        "fit": round(on_topic / judged, 4) if judged else None,
        "method": method,
    }


def first_topic_seconds(assigned: dict, minutes: Minutes, agenda: list[str]) -> float | None:
    """Time spent on the 第一议题: its announced section, or the span the summarizer gave."""
    ft = minutes.first_topic
    if ft and ft.end > ft.start:
        return round(ft.end - ft.start, 2)
    if agenda and (ft or is_first_topic(agenda[0])) and assigned["items"]:
        return assigned["items"][0]["seconds"]
    return None


def is_first_topic(title: str) -> bool:
    return bool(re.search(r"习近平|总书记|重要讲话|重要指示|重要论述|新时代中国特色社会主义思想|第一议题", title or ""))
