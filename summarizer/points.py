"""发言要点: for each speaker and agenda item, their own words, trimmed of procedure and filler.

Points stay faithful: whole sentences as said (dissent included), chosen by cue words and length,
never paraphrased.
"""

from __future__ import annotations

import re

from core.types import SpeechPoint
from summarizer.text import Sentence, strip_punct

_PROCEDURAL = re.compile(
    r"^(?:好的?|行|对|是的?|嗯|谢谢|感谢|我说两句|我说几句|我谈一点体会|我谈几点|我补充一点|我补充两句|我来说|大家好|同志们好|"
    r"下面(?:进行|请|由)|接下来|现在开会|散会|今天的会就开到这里|学得很好|说得很好|[^，,。]{0,6}说得都很好|大家(?:结合|谈谈|讨论)|请大家)"
)
_STANCE = re.compile(r"同意|赞成|反对|不同意|支持|保留意见|弃权")
_CONTENT = re.compile(r"建议|认为|觉得|应该|要|问题|存在|不足|困难|措施|提出|强调|指出|希望|必须|改进|落实|关键|重点")
MAX_SENTENCES = 3
MAX_CHARS = 150


def _score(s: Sentence) -> float:
    text = s.text
    score = min(len(text), 60) / 60
    score += 1.0 * bool(_CONTENT.search(text)) + 0.8 * bool(_STANCE.search(text))
    return score


def extract_points(sentences: list[Sentence], items_of: list[int | None]) -> list[SpeechPoint]:
    groups: dict[tuple[int | None, str], list[Sentence]] = {}
    for s, k in zip(sentences, items_of, strict=False):
        groups.setdefault((k, s.speaker), []).append(s)
    points: list[SpeechPoint] = []
    for (k, speaker), said in groups.items():
        keep = [s for s in said if len(strip_punct(s.text)) >= 4 and not _PROCEDURAL.match(s.text)]
        if not keep:
            stance = [s for s in said if _STANCE.search(s.text)]  # '我也同意' is a position worth recording
            keep = stance[:1]
        if not keep:
            continue
        chosen = sorted(sorted(keep, key=_score, reverse=True)[:MAX_SENTENCES], key=lambda s: s.index)
        text = "".join(s.text if re.search(r"[。！？!?；;]$", s.text) else s.text + "。" for s in chosen)
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS - 1] + "…"
        points.append(SpeechPoint(speaker=speaker, text=text, agenda_index=k,
                                  start=round(chosen[0].start, 2), end=round(chosen[-1].end, 2)))
    # items in the order they came up; within an item, speakers in the order their points were made
    item_order = {k: i for i, k in reversed(list(enumerate(items_of)))}
    return sorted(points, key=lambda p: (item_order.get(p.agenda_index, 0), p.start))
