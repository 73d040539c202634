"""决议事项: decisions and assigned tasks, with owner, absolute deadline and the speech they came from.

A sentence is a resolution when it carries a decision frame (会议决定, 经研究, 会议同意 ...), belongs to
an enumerated list of measures or decisions (落实措施是：一，…；二，…), or assigns a task to a named
owner (由X负责, X牵头, 请X同志…, 责成X). Suggestions (建议, 可以考虑, 下次再议 ...) and questions are not.
A decision without owner and deadline followed by the task that carries them is one item, and one
decision said twice is one item.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.types import NEEDS_FILLING, Resolution
from summarizer.dates import Deadline, find_deadline
from summarizer.heard import restore_task_words
from summarizer.names import sound_alike
from summarizer.owners import SPEAKER, Owner, OwnerFinder
from summarizer.text import Sentence, alternation, overlap, strip_punct

# Closing the meeting, also garbled (今天都会就开到这里) and without punctuation before it.
_CLOSING_WORDS = r"(?:今天|今日|本次|这次)[^，,。]{0,4}?(?:就|先)?(?:开)?到这[里儿]|会(?:议)?(?:就|先)(?:开)?到这[里儿]|散会"
_CLOSING = re.compile(rf"^(?:好的?[，,]?)?(?:{_CLOSING_WORDS})")
_NEXT_STEP_ANYWHERE = re.compile(r"(?:下面|接下来)?(?:进行|进入)?第[一二三四五六七八九十0-9]{1,2}(?:个|项)(?:议题|议程)")
_CLOSING_ANYWHERE = re.compile(rf"(?:[，,]?\s*好的?[，,]?\s*)?(?:{_CLOSING_WORDS})")
# The deadline was read through a recognition error (十二一二十一前, 11月31日前): the secretary should check it.
DEADLINE_INFERRED = "完成时限据语音推断，请核对"
_LIST_HEADER = re.compile(r"(?:措施|决定如下|如下|以下几|几项|几点|几件事|分工|安排)\S{0,4}?(?:是|有|为|如下)?[：:]|措施(?:是|有|为)"
                          r"|(?:措施|决定|分工|安排)如下$")  # ASR ends the segment where the colon was
_ENUMERATOR = re.compile(
    r"^(?:第?[一二三四五六七八九十][是、，,：:．.]|[0-9]{1,2}[、.．，,]|第[一二三四五六七八九十]条?[，,、：:]?|其一|其二|另外|此外|还有)"
)
_HARD_VETO = re.compile(r"下次再议|再议|待研究|再研究|另行研究|暂不|暂缓|以后再说|先放一放|不予|提交党员大会讨论|提交党员大会研究|提请党员大会")
_VOTE_WORDS = re.compile(r"表决|举手|投票|票")
_NEW_MATTER = re.compile(r"^(?:另外|此外|还有|同时|其次|再有|最后|第[一二三四五六七八九十])")
# Reports of past work ('去年由刘芳负责的项目已经完成') name an owner but decide nothing.
_PAST = re.compile(r"已经|已于|已[经将]?完成|去年|上次|上周|上个月|上半年|曾经|此前|前期")
_QUESTION = re.compile(r"(?:吗|么|呢)[？?]?$|[？?]$")  # 吧 softens a decision: 就由你牵头吧
# Requests that organise the meeting itself, not tasks: 请X同志领学/汇报/发言.
_FLOOR_VERBS = ("领学", "汇报", "通报", "发言", "谈谈", "讲讲", "说说", "介绍", "宣读", "传达", "主持", "补充", "表态", "作报告",
                "谈一谈", "讲一讲", "说一说", "讲话", "带领大家", "简要", "就", "上台", "入座", "记录")
_FLOOR_LEAD = r"^(?:同志)?(?:来|先|再|给大家)?"
_PROCEDURAL = re.compile(_FLOOR_LEAD + "(?:" + "|".join(_FLOOR_VERBS) + ")")
# '请刘芳同志空报党费收缴情况' (通报 misheard): reporting on a state of affairs, now, is the floor, not a task;
# 报送/上报 ... hand something in and stay tasks.
_REPORT_NOW = re.compile(_FLOOR_LEAD + r"[^上呈申填报]报(?![送上给到])[^，,。；;]{0,16}(?:情况|进展|体会|认识|心得|经过)(?:[，,].{0,4})?$")


def _gives_floor(after_owner: str) -> bool:
    """The chair giving the floor (请X同志领学/汇报/谈谈), also when ASR wrote the verb as a homophone (会报)."""
    if _PROCEDURAL.match(after_owner) or _REPORT_NOW.match(strip_punct(after_owner)):
        return True
    rest = re.sub(_FLOOR_LEAD, "", after_owner)
    return any(len(v) == 2 and sound_alike(rest[:2], v) for v in _FLOOR_VERBS)


_LEAD_IN = re.compile(
    r"^(?:(?:好的?|那么?|那|另外|此外|还有|最后|同时|其次|下面|然后|再有|第[一二三四五六七八九十]|最后强调一下|强调一下|再强调一下|"
    r"大家没有不同意见|没有不同意见|没有意见|经过讨论|经过研究)[，,：:]?\s*)+"
)
_TASK_VERB: re.Pattern[str] | None = None


def _task_verb() -> re.Pattern[str]:
    global _TASK_VERB
    if _TASK_VERB is None:
        _TASK_VERB = re.compile(alternation("task_verbs"))
    return _TASK_VERB


@dataclass
class _Unit:
    sentence: Sentence
    text: str
    in_list: bool = False
    list_decision: bool = False  # the list header itself was a decision (会议决定如下)
    decision_at: int = -1
    owner: Owner | None = None
    deadline: Deadline | None = None
    sentences: list[Sentence] = field(default_factory=list)


def _frame_only(text: str) -> bool:
    frames = alternation("decision_frames")
    rest = _LEAD_IN.sub("", strip_punct(text))
    rest = re.sub(rf"(?:{frames})", "", rest) if frames else rest
    return len(re.sub(r"[，,：:\s]", "", rest)) <= 1


def _frame_last(text: str) -> bool:
    """The sentence ends with its only decision frame: nothing decided in it yet."""
    frames = alternation("decision_frames")
    found = list(re.finditer(frames, text)) if frames else []
    return len(found) == 1 and not re.sub(r"[，,。：:；;！!\s]", "", text[found[0].end():])


# '关于困难党员慰问，就按…办': the matter announced before the decision belongs to it
_TOPIC_INTRO = re.compile(r"^(?:好的?[，,]?|另外[，,]?|还有[，,]?)?(?:关于|对于|针对|至于)[^，,]*[，,]?$|(?:方面|问题|事情|这件事)[，,]?$")
_AGENDA_STEP = re.compile(r"^(?:下面|接下来|现在|然后)?(?:进行|进入|开始)?第[一二三四五六七八九十0-9]{1,2}(?:个|项)?(?:议题|议程|项)")


def _pieces(s: Sentence, finder: OwnerFinder, subjects: bool = False) -> list[Sentence]:
    """Split a long comma-joined sentence (ASR often writes no full stops) where a new decision or
    task begins: '…表决…，会议通过接收X，由张伟同志…' -> the vote, the decision, the task."""
    parts = re.split(r"(?<=[，,])", s.text)
    if len(parts) < 2:
        return [s]
    decision = alternation("decision_frames")
    negative = alternation("not_decision")
    groups: list[str] = []
    for part in parts:
        clause = part.strip()
        starts_decision = bool(decision and re.match(rf"(?:{decision})", clause))
        owner = finder.find(clause) if subjects or re.match(r"由|请|责成|交给|交由", clause) else None
        # '…，由田甜同志负责' only names the owner of what came before; a clause with its own action is new
        starts_task = (owner is not None and owner.start == 0 and (subjects or owner.frame != "subject")
                       and len(re.sub(r"^(?:同志)?(?:来|具体)?(?:负责|牵头)(?:落实|组织)?", "", clause[owner.end:].strip("，, "))) >= 3)
        current = groups[-1] if groups else ""
        if groups and _AGENDA_STEP.match(clause):
            groups.append(part)  # '…全部收齐，第三个议题，讨论…': the next agenda item is not part of the task
        elif groups and (starts_decision or starts_task) and not _frame_only(current) and not _TOPIC_INTRO.search(current) and not (
            starts_task and negative and re.search(negative, current)
        ):
            groups.append(part)
        elif groups:
            groups[-1] += part
        else:
            groups.append(part)
    if len(groups) == 1:
        return [s]
    out, pos, total = [], 0, len(s.text) or 1
    for g in groups:
        a = s.start + (s.end - s.start) * pos / total
        pos += len(g)
        b = s.start + (s.end - s.start) * pos / total
        out.append(Sentence(s.index, s.seg, s.speaker, g.strip(), a, b))
    return out


def _list_items(s: Sentence, body: str, finder: OwnerFinder, decision: bool) -> list[_Unit]:
    """One enumerated item, or several when ASR lost the enumerator between them
    ('一，11月份开展专题研讨，各党小组在本月底前完成集中学习')."""
    start = s.start + (s.end - s.start) * max(0, len(s.text) - len(body)) / max(1, len(s.text))
    item = Sentence(s.index, s.seg, s.speaker, body, start, s.end)
    return [_Unit(p, p.text, in_list=True, list_decision=decision) for p in _pieces(item, finder, subjects=True)]


# A header that ends in a bare enumerator ('落实措施是一'): ASR cut the list up, items follow without numbers.
_BARE_ENUMERATOR = re.compile(r"^(?:第?[一1]|其一)$")
_MEASURE_HEADER = re.compile(r"措施|决定|分工|任务")
_ITEM_GAP = 2.0  # seconds between the segments of one spoken list or one spoken decision


def _next_in_run(prev: Sentence, s: Sentence) -> bool:
    """s goes on from prev without a pause: same speaker, later in the transcript, little silence."""
    return s.speaker == prev.speaker and s.seg >= prev.seg and s.start - prev.end <= _ITEM_GAP


def _unnumbered_item(text: str) -> bool:
    """A list item said without its number is a task ('各党小组本月底前完成一次集中学习'), not the chair
    moving on ('好，大家还有没有补充', '下面进行第二个议题')."""
    return bool(_task_verb().search(text)) and not (
        _AGENDA_STEP.match(text) or _CLOSING.match(text) or _OPENS_NEW.match(text) or re.match(r"(?:好|那|大家|同志们)", text))


def _units(sentences: list[Sentence], finder: OwnerFinder) -> list[_Unit]:
    """Sentences, with enumerated list items (after a 措施/如下 header) split into their own units,
    and long sentences split where a new decision or task begins."""
    units: list[_Unit] = []
    # (header sentence, header is a decision, items may come without enumerators, last item)
    open_list: tuple[Sentence, bool, bool, Sentence] | None = None
    decision = alternation("decision_frames")
    for s in sentences:
        header = _LIST_HEADER.search(s.text)
        if header:
            after = s.text[header.end():]
            head_decision = bool(re.search(decision, s.text[: header.end()]))
            body = strip_punct(after)
            unnumbered = bool(_BARE_ENUMERATOR.match(body) or (not body and _MEASURE_HEADER.search(s.text[: header.end()])))
            open_list = (s, head_decision, unnumbered, s)
            if body and _ENUMERATOR.match(body):
                units.extend(_list_items(s, _ENUMERATOR.sub("", body).strip(), finder, head_decision))
            elif body and not unnumbered:
                units.append(_Unit(s, s.text))
            continue
        if open_list and _next_in_run(open_list[3], s) and s.seg - open_list[0].seg <= 9 and (
            _ENUMERATOR.match(s.text) or (open_list[2] and _unnumbered_item(s.text))
        ):
            units.extend(_list_items(s, _ENUMERATOR.sub("", s.text).strip(), finder, open_list[1]))
            open_list = (*open_list[:3], s)
            continue
        open_list = None
        units.extend(_Unit(piece, piece.text) for piece in _pieces(s, finder))
    return _lead_frames_forward(units)


_RATIFY = re.compile(r"定了|定下来|就这么|就这样|照此|同意|通过|没有意见|没意见|办吧")


def _lead_frames_forward(units: list[_Unit]) -> list[_Unit]:
    """A bare frame ('…支部要认真改进，经研究。' / '决定设立…') opens what the speaker says next: one unit.
    A bare confirmation (就这么定了) stays: it ratifies what came before (see _ratify)."""
    out: list[_Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if (prev is not None and not prev.in_list and not u.in_list and _frame_only(prev.text)
                and not _RATIFY.search(prev.text) and _next_in_run(prev.sentence, u.sentence)):
            p, t = prev.sentence, u.sentence
            text = f"{strip_punct(prev.text)}，{u.text}"
            out[-1] = _Unit(Sentence(t.index, t.seg, t.speaker, text, p.start, t.end), text)
            continue
        out.append(u)
    return out


def _carries_task(text: str, finder: OwnerFinder) -> bool:
    decision = alternation("decision_frames")
    return bool((decision and re.search(decision, text)) or finder.find(text))


_OPENS_NEW = re.compile(r"^(?:下面|接下来|好的?[，,]|(?:再|最后)?强调|再说|另)")


def _starts_new_task(prev: str, text: str, finder: OwnerFinder) -> bool:
    """text is a decision or task of its own, not the rest of prev: a decision frame, an owner other
    than prev's, or an owner at its start followed by an action ('由赵敏同志负责指定…', not '由田甜同志负责')."""
    decision = alternation("decision_frames")
    if decision and re.search(decision, text):
        return True
    owner = finder.find(text)
    if owner is None:
        return False
    earlier = finder.find(prev)
    if earlier is not None and earlier.name != owner.name:
        return True
    rest = re.sub(r"^(?:同志)?[，,]?(?:你|您)?(?:来|具体)?(?:负责|牵头)?(?:落实|组织)?", "", text[owner.end:])
    return owner.start <= 1 and len(strip_punct(rest)) >= 3


def join_continuations(sentences: list[Sentence], finder: OwnerFinder) -> list[Sentence]:
    """A decision or task that ASR cut into segments ('会议决定由刘芳同志负责…' / '十二月二十日前全部收齐…'):
    the unfinished sentence (no full stop) goes on into the next segment of the same speaker when there
    is no pause, unless that segment opens something new (另外, 第三个议题, 一、, a task of its own).
    Items of a list said without numbers stay apart; a numbered item takes its unnumbered rest."""
    out: list[Sentence] = []
    last: Sentence | None = None  # the last piece joined, for pauses and segment order
    listing = ""  # "", "bare" (items come without numbers) or "numbered"
    negative = alternation("not_decision")
    for s in sentences:
        s = Sentence(len(out), s.seg, s.speaker, restore_task_words(s.text), s.start, s.end)
        prev = out[-1] if out else None
        header = _LIST_HEADER.search(s.text)
        if header:
            body = strip_punct(s.text[header.end():])
            listing = "numbered" if _ENUMERATOR.match(body) else "bare"
        elif last is None or not _next_in_run(last, s):
            listing = ""
        elif _ENUMERATOR.match(s.text) and listing:
            listing = "numbered"
        joins = (
            prev is not None and last is not None
            and not header
            and listing != "bare"
            and s.seg == last.seg + 1
            and _next_in_run(last, s)
            and (not re.search(r"[。！？!?；;]$", prev.text) or re.match(r"(?:并且?|以及)(?!且)", s.text))
            and not (_NEW_MATTER.match(s.text) or _AGENDA_STEP.match(s.text) or _ENUMERATOR.match(s.text)
                     or _CLOSING.match(s.text) or _OPENS_NEW.match(s.text))
            and not (negative and re.search(negative, s.text))  # a suggestion after a decision is not its rest
            and (listing == "numbered" or _carries_task(prev.text, finder))
            and not _starts_new_task(prev.text, s.text, finder)
        )
        if joins and prev is not None:
            out[-1] = Sentence(prev.index, prev.seg, prev.speaker, f"{strip_punct(prev.text)}，{s.text}", prev.start, s.end)
        else:
            out.append(s)
        last = s
    return out


def _first(pattern: str, text: str) -> int:
    m = re.search(pattern, text) if pattern else None
    return m.start() if m else -1


def _owner_of(u: _Unit, finder: OwnerFinder) -> Owner | None:
    owner = finder.find(u.text)
    if owner and owner.name == SPEAKER:  # 由我负责: the speaker, when we know who that is
        speaker = u.sentence.speaker
        if speaker not in finder.roster.names:
            # anonymous labels (发言人1): the one who opened the meeting is the host; anyone else is left
            # for the secretary to fill in
            chair = finder.chair_label
            speaker = finder.roster.host if speaker and speaker == chair and finder.roster.host else ""
        return Owner(speaker, owner.start, owner.end, owner.frame)
    return owner


def chair_label(sentences: list[Sentence]) -> str | None:
    """The speaker label of whoever opens the meeting (开会, 应到/实到, 议程): the chair."""
    for s in sentences[:12]:
        if s.speaker and re.search(r"开会|应到|实到|应出席|议程|议题", s.text):
            return s.speaker
    return None


def _is_resolution(u: _Unit, finder: OwnerFinder, base: dt.date) -> bool:
    text = u.text
    if _HARD_VETO.search(text) or (_QUESTION.search(text) and not u.in_list):
        return False
    u.decision_at = _first(alternation("decision_frames"), text)
    if u.decision_at > 0 and _frame_last(text) and not _frame_only(text):
        u.decision_at = -1  # '…支部要认真改进，经研究。' / '决定设立…': the frame opens the next sentence
    weak_at = _first(alternation("weak_decision_frames"), text)
    negative_at = _first(alternation("not_decision"), text)
    u.owner = _owner_of(u, finder)
    u.deadline = find_deadline(text, base)
    if u.owner and u.owner.frame in ("由", "请", "安排", "委托", "指定", "交给", "交由") and _gives_floor(
        text[u.owner.end:]
    ) and not (u.deadline and u.deadline.explicit):
        u.owner = None
    if u.in_list:
        return negative_at < 0 or u.list_decision
    if u.decision_at >= 0:
        if _VOTE_WORDS.search(text) and not u.owner and not u.deadline:
            return False  # '举手表决，一致同意': recorded under votes, not a resolution of its own
        return negative_at < 0 or negative_at > u.decision_at
    if negative_at >= 0:
        return False
    if weak_at >= 0:
        return bool(u.owner or (u.deadline and u.deadline.explicit))
    if u.owner is None or _PAST.search(text):
        return False
    after_owner = text[u.owner.end:]
    if u.owner.frame in ("subject", "我"):
        # '刘芳同志本月底前报上来': a named subject needs a real deadline (or a standing rule: 每次…) to be a task
        dated = bool(u.deadline and u.deadline.explicit and (u.deadline.date or u.deadline.recurring))
        return dated and bool(_task_verb().search(after_owner))
    return bool(_task_verb().search(after_owner) or u.owner.frame in ("牵头", "负责", "责成", "交给", "交由"))


def _content(u: _Unit) -> str:
    """The decided matter: the sentence without lead-in, owner words and deadline words."""
    text = u.text
    for ending in (_CLOSING_ANYWHERE.search(text), _NEXT_STEP_ANYWHERE.search(text)):
        if ending and ending.start() > 0:  # '…更新支部宣传栏今天的会就开到这里' without a full stop between
            text = text[: ending.start()]
    cuts: list[tuple[int, int]] = []
    if u.owner:
        a, b = u.owner.start, u.owner.end
        a -= text[a - 1:a] == "就" and a > 0  # 就交给X同志了
        if a > 0 and u.owner.frame in ("负责", "牵头") and sound_alike(text[a - 1], "由"):
            a -= 1  # '有赵敏同志负责': 由 misheard, not part of the matter
        b += text[b:b + 1] == "了"
        cuts.append((a, b))
    if u.deadline and u.deadline.date:
        a, b = u.deadline.start, u.deadline.end
        if text[a - 1:a] in ("在", "于") and a > 0:
            a -= 1
        cuts.append((a, b))
    for a, b in sorted(cuts, reverse=True):
        text = text[:a] + text[b:]
    text = re.sub(r"^" + _ENUMERATOR.pattern[1:], "", strip_punct(text))
    text = _LEAD_IN.sub("", strip_punct(text))
    frames = alternation("decision_frames")
    text = re.sub(rf"^(?:(?:{frames})[，,：:]?\s*)+", "", text) if frames else text
    text = re.sub(r"^(?:同志)?[，,]?(?:你|您)?(?:来|去|要|具体)?(?=负责|牵头)", "", strip_punct(text))
    text = re.sub(r"来(?=负责|牵头)", "", text)
    text = re.sub(r"[，,](?:具体|统一)?(?:负责|牵头)$", "", text)
    text = re.sub(r"(?<=[，,])(?:负责|牵头)[，,]", "", text)  # '宣传方面，(请X同志)牵头，在本月底前更新…'
    text = re.sub(r"(?:^|[，,])\s*(?:好的?[，,]?\s*)?(?:散会|今天的会就开到这里|会就开到这里)\S*$", "", text)
    text = re.sub(r"^(牵头|负责)[，,]", r"\1", text)
    text = re.sub(r"[，,](?:全部|按时)?(?:完成|办结|落实)$", "", strip_punct(text))
    text = re.sub(r"[，,]{2,}", "，", text)
    if u.in_list:  # '…专题研讨二，各党小组…': the next item's number stuck to this one
        text = re.sub(r"(?<=[\u4e00-\u9fff])(?<![一二三四五六七八九十第])[二三四五六七八九十]$", "", strip_punct(text))
    return strip_punct(text)[:120]


def _to_resolution(units: list[_Unit]) -> Resolution:
    owner = next((u.owner for u in units if u.owner and u.owner.name), None)
    deadline = next((u.deadline for u in units if u.deadline and u.deadline.date and u.deadline.explicit), None)
    deadline = deadline or next((u.deadline for u in units if u.deadline), None)
    content = "；".join(c for c in (_content(u) for u in units) if c)
    first, last = units[0].sentence, (units[-1].sentences or [units[-1].sentence])[-1]
    res = Resolution(
        content=content or strip_punct(units[0].text),
        owner=owner.name if owner else None,
        deadline=deadline.date if deadline else None,
        start=round(first.start, 2),
        end=round(last.end, 2),
    )
    _flag(res, recurring=bool(deadline and deadline.recurring))
    if deadline and deadline.corrected and res.deadline:
        res.flags.append(DEADLINE_INFERRED)
    return res


def _flag(res: Resolution, recurring: bool = False) -> None:
    res.flags = [f for f in res.flags if f not in (NEEDS_FILLING, "缺少责任人", "缺少完成时限", "周期性任务")]
    missing = []
    if not res.owner:
        missing.append("缺少责任人")
    if not res.deadline and not recurring:
        missing.append("缺少完成时限")
    if recurring and not res.deadline:
        res.flags.append("周期性任务")
    if missing:
        res.flags = [NEEDS_FILLING, *missing, *res.flags]


def _same(a: Resolution, b: Resolution) -> bool:
    if a.owner and b.owner and a.owner != b.owner:
        return False
    if a.deadline and b.deadline and a.deadline != b.deadline:
        return False
    return overlap(a.content, b.content) >= 0.7


def _merge_duplicates(items: list[Resolution]) -> list[Resolution]:
    out: list[Resolution] = []
    for res in items:
        twin = next((o for o in out if _same(o, res)), None)
        if twin is None:
            out.append(res)
            continue
        twin.owner = twin.owner or res.owner
        twin.deadline = twin.deadline or res.deadline
        if len(res.content) > len(twin.content) and overlap(twin.content, res.content) >= 0.8:
            twin.content = res.content
        if res.start - twin.end <= 60:
            twin.end = max(twin.end, res.end)
        _flag(twin, recurring="周期性任务" in twin.flags or "周期性任务" in res.flags)
    return out


_BARE = re.compile(r"散会|开会|休会|就这么|就这样|定了|定下来|办吧|没有意见|没意见|大家|一致|全票|全体|同意|通过|好的?|行|那|吧|了|的|啊|嗯|就|这么|这样|[，,。！!\s]")
_PROPOSAL_LEAD = re.compile(r"^(?:(?:我看|我觉得|我认为|我建议|我提议|建议|提议|是不是|能不能|可不可以|可以考虑|可以|要不|咱们|我们)[，,]?)+")


def _continues(prev: Sentence, u: _Unit) -> bool:
    """A task that starts right where the decision ended: one speaker, even if diarization split them."""
    return u.owner is not None and u.owner.start <= 1 and u.sentence.start - prev.end < 1.5


def _ratify(units: list[_Unit], accepted: set[int], finder: OwnerFinder, base: dt.date) -> None:
    """'没有意见就这么定了' carries no matter of its own: it confirms the proposal just before it.

    When that proposal is already a resolution the confirmation adds nothing; when it was a
    suggestion, the suggestion becomes the resolution; otherwise the confirmation is dropped.
    """
    for i in sorted(accepted):
        u = units[i]
        if u.in_list or _BARE.sub("", _content(u)):
            continue
        accepted.discard(i)
        for j in range(i - 1, max(-1, i - 3), -1):
            prev = units[j]
            if u.sentence.seg - prev.sentence.seg > 2:
                break
            if j in accepted:
                break
            if _VOTE_WORDS.search(prev.text):
                break  # '下面举手表决共建方案' / '大家一致同意': a vote, recorded under votes
            if _HARD_VETO.search(prev.text) or len(_BARE.sub("", prev.text)) < 4:
                continue
            prev.text = _PROPOSAL_LEAD.sub("", strip_punct(prev.text))
            prev.text = re.sub(r"(?:吗|么|呢|吧)?[？?]?$", "", prev.text)
            prev.owner = _owner_of(prev, finder)
            prev.deadline = find_deadline(prev.text, base)
            prev.sentences = [u.sentence]
            accepted.add(j)
            break


def extract_resolutions(sentences: list[Sentence], finder: OwnerFinder, base: dt.date) -> list[Resolution]:
    finder.chair_label = chair_label(sentences)
    units = _units(join_continuations(sentences, finder), finder)
    chosen = {i for i, u in enumerate(units) if _is_resolution(u, finder, base)}
    _ratify(units, chosen, finder, base)
    accepted = [(i, units[i]) for i in sorted(chosen)]
    groups: list[list[_Unit]] = []
    last_index = -10
    for i, u in accepted:
        prev = groups[-1][-1] if groups else None
        # '会议通过X。由张伟同志在十月八日前报上级党委审批。' is one item: the bare decision, then its task
        joins = (
            prev is not None
            and i - last_index == 1
            and (prev.sentence.speaker == u.sentence.speaker or _continues(prev.sentence, u))
            and (u.sentence.seg - prev.sentence.seg <= 1 or u.sentence.start - prev.sentence.end <= _ITEM_GAP)
            and not prev.in_list
            and not u.in_list
            and all(g.owner is None and g.deadline is None for g in groups[-1])
            and u.decision_at < 0
            and (u.owner is not None or u.deadline is not None)
            and not _NEW_MATTER.match(u.text)
        )
        if joins:
            groups[-1].append(u)
        else:
            groups.append([u])
        last_index = i
    # a task followed by '要求十二月二十日前完成' from the same speaker takes that deadline
    for group in groups:
        tail = group[-1]
        idx = units.index(tail)
        if any(g.deadline and g.deadline.date for g in group) or idx + 1 >= len(units):
            continue
        nxt = units[idx + 1]
        if (
            nxt.sentence.speaker == tail.sentence.speaker
            and nxt.sentence.seg - tail.sentence.seg <= 1
            and all(nxt is not g for g in group)
            and not any(nxt is g2 for grp in groups for g2 in grp)
            and not re.search(alternation("not_decision"), nxt.text)
        ):
            d = find_deadline(nxt.text, base)
            if d and d.explicit and d.date and finder.find(nxt.text) is None:
                nxt.deadline = d
                group.append(nxt)
    return _merge_duplicates([_to_resolution(g) for g in groups])
