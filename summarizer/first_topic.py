"""The 第一议题 block: what was studied, who led it, the form, and the implementation measures.

A meeting has one when the chair names it (第一议题) or the first agenda item studies 习近平总书记's
speeches/instructions. A 党课 has one only when the 第一议题 is named: a lecture on the Thought is
the lecture itself, not a 第一议题.
"""

from __future__ import annotations

import re

from core.flags import Flag
from core.meeting_rules import expect
from core.types import FirstTopic, Meeting
from summarizer.agenda import later_item_begins
from summarizer.names import Roster
from summarizer.text import Sentence, alternation, strip_punct

_STUDY_VERB = r"(?:传达学习|学习贯彻|学习领会|学习宣传|深入学习|集中学习|传达|学习|贯彻|研读|学)"
_STUDY_TAIL = r"(?:讲话|论述|指示|批示|精神|思想|文章|回信|贺信|重要文献|著作|摘编|谈话)(?:精神)?"
_NAMED = re.compile(r"第[一1]议题")
_LEADER = re.compile(r"(?:请|由)?(?P<who>[\u4e00-\u9fff]{1,6}?)(?:同志|书记|委员)?(?:来|先|给大家)?(?P<cue>领学|带领大家学习|带领大家学|带学|传达|宣讲|导学|主讲)")


def _study_phrase(text: str) -> str | None:
    """'学习习近平总书记…重要讲话精神' inside text, when it names the Thought or a speech; a tail heard by
    sound (重要只是精神 for 重要指示精神) is read back first."""
    objects = alternation("study_objects")
    text = _TAIL_HEARD.sub(lambda m: m.group(1) + _tail_as_said(m.group(2)), text)
    m = re.search(rf"{_STUDY_VERB}[^。；;！？!?]*?(?:{objects})[^。；;！？!?，,]*?{_STUDY_TAIL}", text)
    if not m:
        return None
    return strip_punct(m.group(0))


_TAIL_HEARD = re.compile(r"(重要)([\u4e00-\u9fff]{2})")
_TAILS = ("讲话", "论述", "指示", "批示", "文章", "回信", "贺信")


def _tail_as_said(heard: str) -> str:
    from core.pinyin import sound_alike

    return next((t for t in _TAILS if heard != t and sound_alike(heard, t)), heard)


# '总书记关于发展新智生产力的中央论': the chair naming the study, its last words misheard
_ABOUT = re.compile(r"(?:习近平)?总书记关于(?P<what>[^，,。；;！？!?]{2,24}?)的")


def _named_roughly(early: list[Sentence]) -> str:
    """The study as the chair announced it, when recognition garbled the words after 的 (flagged)."""
    for i, s in enumerate(early):
        text = s.text + "".join(t.text for t in early[i + 1:i + 2] if t.speaker == s.speaker)
        m = _ABOUT.search(text)
        if m and not _PAST_STUDY.search(text):
            return f"学习习近平总书记关于{m.group('what')}的重要论述"
    return ""


# ASR writes 领学 as 领寻/领雪: in '请X同志领…' right at the 第一议题 the verb hardly matters
_LEADER_ASKED = re.compile(r"(?:请|由)(?P<who>[\u4e00-\u9fff]{2,4}?)(?:同志|书记|委员)(?:来|先|给大家)?(?:领|带)")
_LEADER_NAMED = re.compile(r"(?:领学人|主讲人|传达人)(?:是|为|：|:)?(?P<who>[\u4e00-\u9fff]{2,4})")


def _leader(span: list[Sentence], before: list[Sentence], roster: Roster, meeting: Meeting) -> str:
    for s in before + span[:4]:
        m = _LEADER_NAMED.search(s.text)
        if m:
            found = roster.find_all(m.group("who")) or [(roster.resolve(m.group("who")[:3]), 0, 0)]
            if found[0][0]:
                return found[0][0]
    for s in before + span[:4]:
        for m in _LEADER.finditer(s.text):
            who = m.group("who")
            names = roster.find_all(who)
            if names:
                return names[-1][0]
            found = roster.resolve(who)
            if found:
                return found
    for s in before + span[:2]:
        m = _LEADER_ASKED.search(s.text)
        if m and (roster.resolve(m.group("who"))):
            return roster.resolve(m.group("who"))
    for s in span:  # whoever reads out what the General Secretary said leads the study
        if s.speaker and re.search(r"总书记|习近平|强调|指出", s.text):
            return s.speaker if (s.speaker in roster.names or not meeting.host) else meeting.host
    return meeting.host or (span[0].speaker if span else "")


def _form(span: list[Sentence]) -> str:
    text = "".join(s.text for s in span)
    forms = []
    if "传达" in text:
        forms.append("传达学习")
    if re.search(r"领学|带领大家学|带学", text):
        forms.append("领学")
    if not forms:
        forms.append("集中学习")
    if len({s.speaker for s in span if s.speaker}) >= 3 or re.search(r"交流|研讨|谈谈|体会|认识", text):
        forms.append("交流研讨")
    return "、".join(forms)


# A report of study done before this meeting is no 第一议题 of it: '十一月上旬组织了两次集中学习，一次学…'
_PAST_STUDY = re.compile(r"组织了|开展了|已经|上旬|上个?月|去年|上次|前期")
_LECTURE = re.compile(r"党课|授课|主讲|讲课")
_QUOTE = re.compile(r"总书记(?:还|也|曾|多次)?(?:强调|指出|讲|说|要求|提出)")


def _quoted_topic(span: list[Sentence]) -> str:
    """'学习习近平总书记关于红色资源的重要论述', from the words of the study read out, when nobody named it."""
    import jieba.analyse  # lazy: loads its IDF table on first use

    at = next((i for i, s in enumerate(span) if _QUOTE.search(s.text)), None)
    if at is None:
        return ""
    # the words read out: the sentence that quotes and what the same voice says right after it
    quote = "".join(s.text for s in span[at:at + 5] if s.speaker == span[at].speaker)[:300]
    tags = [t for t in jieba.analyse.extract_tags(quote, topK=8, allowPOS=("n", "nz", "vn", "nr", "ns"))
            if len(t) >= 2 and t not in ("总书记", "习近平", "同志", "问题", "工作", "我们", "大家")]
    return f"学习习近平总书记关于{tags[0]}的重要论述" if tags else ""


def _joined(early: list[Sentence]) -> list[Sentence]:
    """Early sentences, each also joined with the same voice's next one (a phrase cut at a breath)."""
    out = list(early)
    for s, t in zip(early, early[1:], strict=False):
        if s.speaker == t.speaker:
            out.append(Sentence(s.index, s.seg, s.speaker, strip_punct(s.text) + t.text, s.start, t.end))
    return out


def _quoted_after(early: list[Sentence]) -> bool:
    return any(_QUOTE.search(s.text) for s in early)


def _study_led(early: list[Sentence]) -> bool:
    """Someone is asked to lead a study and the General Secretary's words follow."""
    lead = alternation("lead_study_cues")
    return any(lead and re.search(lead, s.text) and any(_QUOTE.search(t.text) for t in early[i:i + 4])
               for i, s in enumerate(early))


def _announced(named: list[Sentence]) -> tuple[str, Sentence | None]:
    """The study a '第一议题…' sentence announces, and that sentence; ("", None) when none names one."""
    for s in named:
        after = s.text[_NAMED.search(s.text).end():]
        content = _study_phrase(after) or ""
        if not content:
            # '第一议题：学习《习近平谈治国理政》第四卷' names the study without a speech word
            rest = strip_punct(re.split(r"[。；;！？!?]|[，,]\s*(?=[^，,。]*(?:领学|主讲|请|由|下面|现在))", after)[0])
            rest = re.sub(r"^(?:是|为|就是|主要是|内容是)", "", rest)
            rest = re.split(r"[，,]", rest)[0] if len(rest) > 40 else rest
            quoting = re.match(r"(?:习近平)?总书记(?:还|也|曾)?(?:强调|指出|说|要求|提出|讲)", rest)  # the study itself
            if 6 <= len(rest) <= 40 and not quoting and re.match(rf"{_STUDY_VERB}|{alternation('study_objects')}", rest):
                content = rest
        if content:
            return content, s
    return "", None


def extract_first_topic(
    sentences: list[Sentence], items_of: list[int | None], agenda: list[str], meeting: Meeting, roster: Roster
) -> FirstTopic | None:
    named = [s for s in sentences if _NAMED.search(s.text)]
    study_item = next((i for i, a in enumerate(agenda[:2]) if _study_phrase(a)), None)
    early = sentences[: max(10, len(sentences) // 4)]
    if not expect(meeting.type).first_topic:
        # the lecture itself is no 第一议题; a study item announced besides the lecture is, also when the
        # announcement was misheard ('今天的安排第一' | '学习习近平总书记…讲话…第二，…讲专题党课')
        lecture_apart = study_item is not None and any(_LECTURE.search(a) for k, a in enumerate(agenda) if k != study_item)
        opening = "".join(s.text for s in early[:12])
        first_then_lecture = re.search(r"(?:第一|首先|一是)[，,：:]?\s*" + _STUDY_VERB, opening) and re.search(
            r"(?:第二|其次|二是|然后)[^。]{0,20}" + _LECTURE.pattern, opening)
        if not named and not lecture_apart and not first_then_lecture:
            return None
    elif not named and study_item is None and not any(
            _study_phrase(s.text) and not _PAST_STUDY.search(s.text) for s in _joined(early)) and not _study_led(early) \
            and not (_named_roughly(early) and _quoted_after(early)):
        return None
    if not named and study_item is None and len(agenda) >= 2 and not _study_led(early) and not any(
            _study_phrase(a) or re.search(r"学习|传达", a) for a in agenda):
        return None  # an agenda was announced and studies nothing

    content, anchor = _announced(named)
    if study_item is not None:
        content = agenda[study_item]
    if not content:
        content = meeting.planned_first_topic or next(
            (p for p in (_study_phrase(s.text) for s in _joined(early) if not _PAST_STUDY.search(s.text)) if p), "")

    # the span: the study item's sentences, else from the first mention to the next agenda item
    if study_item is not None and study_item in items_of:
        span = [s for s, k in zip(sentences, items_of, strict=False) if k == study_item]
    else:
        if anchor is None and named:
            anchor = next((s for s in named if items_of[s.index] is not None), named[0])
        anchor = anchor or next((s for s in early if _study_phrase(s.text) and not _PAST_STUDY.search(s.text)), None)
        lead = alternation("lead_study_cues")
        anchor = anchor or next((s for s in early if lead and re.search(lead, s.text)), None)
        anchor = anchor or next((s for s in early if _ABOUT.search(s.text) and not _PAST_STUDY.search(s.text)), None)
        if anchor is None:
            return None
        k0 = items_of[anchor.index] if anchor.index < len(items_of) else None
        span = [anchor] + [s for s in sentences[anchor.index + 1:] if items_of[s.index] == k0][:40]
        if k0 is None:
            span = span[:12]
            moved_on = next((i for i, s in enumerate(span) if i and later_item_begins(s.text)), None)
            span = span[:moved_on] if moved_on else span
    if not span:
        return None
    flags = []
    if not content:
        study = span + sentences[span[-1].index + 1: span[-1].index + 4]
        content = _named_roughly(early) or _quoted_topic(study)
        flags = [Flag.SUMMARISED.value] if content else []
    if not content:
        return None
    before = sentences[max(0, span[0].index - 2): span[0].index]
    return FirstTopic(
        content=content,
        leader=_leader(span, before, roster, meeting),
        measures=[],
        form=_form(span),
        start=round(span[0].start, 2),
        end=round(span[-1].end, 2),
        flags=flags,
    )
