"""Progress reports on earlier tasks in a meeting's transcript ("上次定的党费收缴，已经全部完成了").

Found by structure, not by a list of sentences: a reference to an earlier decision or a request for
its 落实情况 opens a report window (the rest of the turn and the next few sentences), and a sentence in
it that says a task is done, under way or not started is a statement. Which task it reports on is
app.followup's (owner, time order, and task_similarity here, which reads the words by sound so that
ASR's sound-alike errors still match: 党费收脚 ~ 党费收缴).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.followup import DONE, IN_PROGRESS, NOT_STARTED
from core.types import Segment
from summarizer.text import han_only, split_sentences

_EARLIER = r"(?:上次|上回|上一次|上次会|上个月|上月|前次|前期|之前|此前|上季度|上半年|那次)"
_SET = r"(?:定|决定|定下|布置|安排|部署|交办|交给|要求|明确|提|说|议)"
# a reference to an earlier decision, or a request to report on one
REFERENCE = re.compile(
    rf"{_EARLIER}[^，。；]{{0,10}}?{_SET}[了的过]"
    rf"|{_EARLIER}(?:会议|会上|支委会|党员大会|大会)"
    r"|(?:落实|进展|完成|推进|整改)(?:情况|进度)|汇报一下(?:进展|进度|情况)|说说(?:进展|情况)|对账|回头看"
)
# a change of subject closes the report window
_NEW_TOPIC = re.compile(r"下面(?:进行|请|学习|研究|讨论)|第[一二三四五六七八九十]项|下一个议题|第一议题|散会")
_NEGATED = r"(?:没有?|未|尚未|还没有?|不)"
PROGRESS = re.compile(
    r"还差|还剩|还有[^，。]{0,8}(?:没|未)|正在|在推进|推进中|进行中|大部分|一大半|一半|已经开始|已经启动"
    r"|在弄|在做|在改|在排查|在整理|完成了?[一二三四五六七八九十两几\d]+(?:个|项|家|条|成|批|次)"
    r"|[一二三四五六七八九十两几\d]+(?:个|项|家|条)(?:班组|工区|小组)?(?:已经|已)?(?:完成|弄完|做完)"
)
NOT_YET = re.compile(rf"{_NEGATED}(?:开始|启动|动|着手|落实|完成|办)")
DONE_PHRASE = re.compile(
    r"(?:已经|已|都|全部|基本|按时|如期|提前)[^，。]{0,8}?"
    r"(?:完成|办完|弄完|搞完|做完|办好|交齐|收齐|缴齐|报上去|报了|上报|报送|报给|挂牌|到位|落实了|发下去|发出去|"
    r"发了|建好|建起来|定下来|批下来|批复|通过了|更新|换好|换完|结束|转正|学完|讲完|查完|核对完)"
    r"|(?:完成|办完|弄完|做完|交齐|收齐|挂牌|到位)了"
    r"|(?:已经|已)[^，。？没未]{1,14}?了"  # 已经…了: an action finished, whatever the verb
)
_QUESTION = re.compile(r"[吗呢][？?]?$|[？?]$|怎么样|有没有|是不是")
WINDOW = 8  # sentences a reference keeps the report window open


@dataclass
class ProgressStatement:
    start: float
    end: float
    speaker: str
    text: str
    status: str  # 已完成 / 推进中 / 未开始
    before: str = ""  # the sentence before it in the same turn: the task may be named there


def status_said(text: str) -> str | None:
    """What a sentence says of a task: 推进中 when it says part is done or what is left, 未开始 when it
    says nothing has started, 已完成 when it says done; None otherwise."""
    if PROGRESS.search(text):
        return IN_PROGRESS
    if NOT_YET.search(text):
        started = re.search(r"(?:开始|启动|着手)", text)
        return NOT_STARTED if started else IN_PROGRESS
    if DONE_PHRASE.search(text):
        return DONE
    return None


def detect_progress(segments: list[Segment]) -> list[ProgressStatement]:
    sentences = split_sentences(segments)
    out: list[ProgressStatement] = []
    open_until = -1
    for i, s in enumerate(sentences):
        if _NEW_TOPIC.search(s.text) and not REFERENCE.search(s.text):
            open_until = -1
        if REFERENCE.search(s.text):
            open_until = i + WINDOW
        if i > open_until:
            continue
        status = None if _QUESTION.search(s.text) else status_said(s.text)
        if status is None:
            continue
        prev = sentences[i - 1] if i and sentences[i - 1].speaker == s.speaker else None
        out.append(ProgressStatement(s.start, s.end, s.speaker, s.text, status, prev.text if prev else ""))
    return out


# ---------------------------------------------------------------- which task it is about

# words of any report or task: shared, they say nothing about which task is meant
_GENERIC = re.compile(
    rf"{_EARLIER}|{_SET}的|已经|全部|基本|按时|如期|完成|办完|弄完|做完|落实|情况|进展|汇报|一下|我们|这个|那个|"
    r"那件|这件|事情|工作|同志|大家|现在|目前|还差|还剩|正在|推进|负责|牵头|时候|开展|组织|一次|之前|以前|"
    r"一条|一件|一项|这块|那块|这边|那边|方面|关于|的事|发现|问题|没有|上周|本周|下周|了|的|是|也|都|就|还|在|把|和|跟|呢|吧|啊|嗯"
)


@lru_cache(maxsize=8192)
def _sound(char: str) -> str:
    """A character's toneless reading with the initials and finals ASR swaps folded together."""
    from pypinyin import lazy_pinyin

    if not "\u4e00" <= char <= "\u9fff":
        return char
    syllable = lazy_pinyin(char)[0]
    syllable = re.sub(r"^([zcs])h", r"\1", syllable)
    syllable = re.sub(r"^l", "n", syllable)
    return re.sub(r"ng$", "n", syllable)


def _sound_bigrams(text: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for part in _GENERIC.sub("|", text or "").split("|"):
        sounds = [_sound(c) for c in han_only(part)]
        out |= {(a, b) for a, b in zip(sounds, sounds[1:], strict=False)}
    return out


def task_similarity(said: str, task: str) -> int:
    """How many content words (two syllables, read by sound) a report shares with a task."""
    return len(_sound_bigrams(said) & _sound_bigrams(task))
