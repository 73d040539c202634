"""决议事项: decisions and tasks, with owner, absolute deadline and the speech they came from.

Read by structure, the way a secretary listens:
- the speech is cut into turns (one speaker) and units (a sentence, an enumerated item, a ；-part);
- a unit is a task when the chair gives it to someone (an owner found by addressing.py: 周武，你来准备;
  老贺你牵头; 静怡负责; 我来当组长), when the chair sets a real deadline for an action (元旦前咱们再
  来一次), when it is an item of a measures list (落实措施是：第一…第二…; 下面我把整改措施说一下), or when
  a decision frame carries it (会议决定, 会议同意, 那就这么定了：…);
- not: giving the floor (请X领学, 你先说说情况) unless for later (下次小组会上讲一讲), questions,
  proposals dropped or deferred (先不定, 再说, 下次再议), hypotheticals, reports of past work;
- a decision without owner followed by its task is one item; a task said with only 'this matter'
  (这个事你去争取) takes the matter from what was said before; the chair's closing recap
  (我归纳一下 …) only completes items already found, it adds none; one task said twice is one item.
Every cue list lives in resources/lexicons/minutes_cues.json; the owner forms in addressing.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from core.flags import Flag, collective_owner, flag_missing
from core.types import Resolution, speaker_turns
from summarizer.addressing import SPEAKER, Agent, RosterForms, find_agents, unit_owner, vocatives
from summarizer.dates import Deadline, find_deadline
from summarizer.heard import restore_task_words, restore_terms
from summarizer.names import Roster
from summarizer.text import Sentence, alternation, cue_list, han_only, overlap, strip_punct

_ENUMERATOR = r"(?:第[一二三四五六七八九十0-9]+(?:条|点|项|是)?[，,、：:．.]|[一二三四五六七八九十]是[，,、：:]?|其[一二三四][，,、]|[1-9][、.．])"
_ENUM_SPLIT = re.compile(rf"(?<=[，,：:；;。\s])(?={_ENUMERATOR})|(?<=^)(?={_ENUMERATOR})"
                         r"|(?<=[，,；;\s])(?=(?:下面|接下来)?(?:进行)?第[二三四五六七八九十]个(?:议题)?[，,。])")  # the next agenda item
_ENUM_AT = re.compile(rf"^(?:(?:好|那|还有|另外|最后)[，,]?)?(?:{_ENUMERATOR}|[一二三四五六七八九十][，,、](?![一二三四五六七八九十]))")
_AGENDA_STEP = re.compile(r"(?:下面|接下来|现在|然后)?(?:进行|进入|开始)?第[一二三四五六七八九十0-9]{1,2}(?:个|项)(?:议题|议程|事|环节)?"
                          r"|^(?:第[二三四五六七八九十]个|第[二三四五六七八九十]项)")
_CLOSING = re.compile(r"散会|(?:今天|本次|这次)?[^，,。]{0,4}?(?:就|先)(?:开)?到这[里儿]|会(?:议)?就开到这|今天就这样")
_RECAP = re.compile(r"归纳|归一下|总结一下|再强调一下|强调一下|重复一下|再说一遍|梳理一下|捋一下")
_AGENDA_HEAD = re.compile(r"议程|议题(?!的?落实)|[两三四五六几]个环节|环节[：:]|活动安排|安排是|安排[：:]|"
                          r"(?:今天|今日)[^，,。]{0,4}(?:件事|个事|项)")
# A request for a later step of the meeting, reports of past facts, doubts and deferrals.
_VETO = re.compile(r"下次[^，,。]{0,6}再议|再议|再研究|待研究|另行研究|再说吧?$|再说[，,。]|以后再说|先不|不定$|今天不定|定不了|不做了|不搞了|"
                   r"不急|放一放|暂不|暂缓|不行(?![动])|没必要|不用担心|看情况|看效果|看审批|提交党员大会|提请党员大会|"
                   r"恐怕|排不开|怕是|保证不了|定不下来|不太现实|不现实|不太可能|我不管|不(?:这么|这样)(?:干|做|搞|弄|办)")
# Attendance is reported, not assigned: '栾春燕同志昨天上的夜班，请假了，实到十二名'.
_ATTENDANCE = re.compile(r"应到|实到|到会|都在|都到|到齐|到了[一二三四五六七八九十0-9]+|[一二三四五六七八九十0-9]+[个位名人]都到|人数|点个?名")
_HYPOTHETICAL = re.compile(r"^(?:如果|要是|假如|万一)|要不要|能不能|可不可以|行不行|是不是|有没有")
_QUESTION = re.compile(r"(?:吗|么|呢|没有)[？?]?$|[？?]$")
_PAST = re.compile(r"已经|已于|去年|上次|上个月|上一年|以前|曾经|此前|那段|那次|那几天|那会儿|当时")
_FLOOR = re.compile(r"带大家学|带着大家学|带大家读|先学习|开始学习|说吧|讲吧|你说|您说|领学|主讲|讲(?:一堂|一次|个)?(?:专题)?党课|授课|讲课|致辞|汇报|通报|发言|谈谈|讲讲|说说|说一下|说两句|介绍|宣读|表个态|表态|点评|讲话|先来|先说|报一下|补一下|"
                    r"点个名|点名|记好|记一下|记录|主持|简短|谈一谈|讲一讲|说一说|讲几句|带领大家")
_FUTURE = re.compile(r"下次|以后|之后|回来|每[天日周月年个季次]|今后|从[^，,]{0,4}开始|起")
# The chair taking a task on (我来协调, 我去找他谈, 这两条我一起跟支部反映), not describing himself.
_TAKES_IT = re.compile(r"我来(?!说|讲)|我去|我一起|由我|我负责|我牵头|我亲自")
_RATIFY = re.compile(r"^(?:(?:行|好|可以|对)[，,]?\s*)*(?:那就这么定了?|那就这样|就这么定了?|就这么办|那就这么办|照此办理|就按这个办)")
# A task said by pointing back at a matter said before (这个事你去争取, 等他们回来…补上, 这两条我去反映).
_REFERS_BACK = re.compile(r"这个事|这件事|这事|这个活动|这项工作|他们|她们|这两条|这几条|这些意见|这个交给|这个你")
_ANAPHOR = re.compile(r"这个事|这件事|这事|这个活动|这项工作|这一块|这块|这个工作|这个|他们|她们|这两条|这几条|这些")
_ROLES = "|".join(re.escape(r) for r in ("组织委员", "宣传委员", "纪检委员", "青年委员", "保密委员", "统战委员", "群工委员",
                                          "支部书记", "副书记", "书记", "小组长", "组长", "支委"))
_FILLER = re.compile(r"嗯+|呃+|那个[，,]|这个[，,]|就是说[，,]?|说实话[，,]?|[啊呀吧哈]+(?=[，,。]|$)")
_LEAD = re.compile(r"^(?:(?:好的?|行|那么?|那|另外|此外|还有|最后|同时|其次|然后|再有|这样|可以|对|要|具体这么办|"
                   r"大家(?:都)?没有(?:不同)?意见|没有(?:不同)?意见|大家都同意|经过讨论|经过研究)"
                   r"[，,：:]?\s*)+")
_DELIVERY_TAIL = re.compile(r"(?:就行|就可以|吧|了)$")
_GAP = 1.5  # seconds: a segment that ends without a full stop goes on in the next one within this


@dataclass
class _Unit:
    text: str
    start: float
    end: float
    speaker: str
    turn: int
    seg: int = -1  # the recognised segment it was said in
    new_doer: bool = False  # cut from the piece before it because a new doer begins here
    said_deadline: Deadline | None = None  # the deadline said for it elsewhere (its next breath, the recap)
    in_list: bool = False
    recap: bool = False
    decision: bool = False  # carried by a decision frame (会议同意…, 那就这么定了：…)
    owner: str | None = None
    deadline: Deadline | None = None
    agent: Agent | None = None
    is_task: bool = False
    prefix: str = ""  # the matter said just before ('这个事', '名单你来出')
    extra: list[_Unit] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ speech

_RECAP_CLAUSE = re.compile(rf"^(?:(?:我|我们|咱们)(?:最后|再)?|最后)(?:{_RECAP.pattern})")  # not '第四，总结一下'


def _recap_cue(text: str) -> re.Match | None:
    """'好，我最后归纳一下' as the opening words: the chair's closing recap. Recognition joins segments
    said without a final stop ('这个到时候再说，好，我最后归纳一下，…'), so a later clause may open it
    too, when it is the recap itself ('我最后归纳一下'), not a step of the agenda ('下面简单总结一下', '第四，总结一下')."""
    first = _RECAP.search(text[:16])
    if first:
        return first
    for clause in re.split(r"[，,。；;：:！？!?]", text)[1:]:
        found = _RECAP_CLAUSE.match(clause.strip())
        if found:
            return found
    return None


def _utterances(sentences: list[Sentence]) -> list[Sentence]:
    """Sentences, with a segment that ended without punctuation joined to the same speaker's next one
    (recognition cuts one sentence at a breath: '第一条，成立党员攻关组' | '我来当组长')."""
    out: list[Sentence] = []
    for s in sentences:
        s = Sentence(len(out), s.seg, s.speaker, restore_task_words(s.text), s.start, s.end)
        prev = out[-1] if out else None
        same_seg = prev is not None and prev.seg == s.seg and re.search(r"[；;：:]$", prev.text)
        # '…12月20日前全部收齐。' | '并向驻外同志发送操作说明': 并/并且/以及 go on with the same task
        goes_on = prev is not None and re.match(r"(?:并且?|以及)(?!且)", s.text) and s.start - prev.end <= _GAP
        if prev is not None and prev.speaker == s.speaker and (same_seg or goes_on or (
                s.seg == prev.seg + 1 and not re.search(r"[。！？!?；;]$", prev.text) and s.start - prev.end <= _GAP
                and not _ENUM_AT.match(s.text) and not _AGENDA_STEP.match(s.text))):
            # one sentence again: an enumeration said with ；, or a segment cut at a breath
            joint = prev.text if same_seg else f"{strip_punct(prev.text)}，"
            out[-1] = Sentence(prev.index, prev.seg, prev.speaker, f"{joint}{s.text}", prev.start, s.end)
        else:
            out.append(s)
    return out


_TURNED_DOWN = re.compile(r"(?<=先不说了[，,])|(?<=先不说[，,])|(?<=再说吧[，,])|(?<=以后再说[，,])|(?<=先放一放[，,])|"
                          r"(?<=先不搞了[，,])|(?<=不行[，,])|(?<=不行啊[，,])(?=[^，,]{4})")


def _pieces(s: Sentence) -> list[tuple[str, float, float]]:
    """A sentence cut at ；/。 and before enumerators, each piece with its share of the time."""
    parts: list[str] = []
    for part in re.split(r"(?<=[；;。！!？?])", s.text):
        for p in _ENUM_SPLIT.split(part):
            # '这个咱们定不了，先不说了，风险识别这个，温师傅你牵头…': what is turned down ends there
            parts.extend(q for q in _TURNED_DOWN.split(p) if strip_punct(q))
    out, pos, total = [], 0, max(1, len(s.text))
    for p in parts:
        a = s.start + (s.end - s.start) * pos / total
        pos += len(p)
        out.append((p.strip(), a, s.start + (s.end - s.start) * pos / total))
    return out


# What the one who chairs says: opens (同志们, 议程), gives the floor (下面, 先请X领学), decides (就这么定),
# closes (散会). 应到/实到 is not among them: the recorder often reports the attendance.
_CHAIR_CUES = re.compile(r"同志们|开会|现在开始|议程|议题|环节|下面|接下来|先请|请[^，,。]{1,8}?(?:发言|领学|汇报|说说|介绍|讲)|"
                         r"散会|就到这儿|就这么定|会议同意|会议决定|大家(?:看|有没有|还有)")


_OPENING = re.compile(r"开会|开始|应到|实到|应出席|议程|议题")


def chair_label(sentences: list[Sentence]) -> str | None:
    """The speaker label that chairs (when no label is the host's name). Three signals, none enough
    alone: what a chair says over the whole meeting (_CHAIR_CUES), the share of speaking time (a
    党课's lecturer may speak longest) and who opens the meeting (diarization may give the opening,
    or the recorder's attendance report, to another label)."""
    if not sentences:
        return None
    opener = next((s.speaker for s in sentences[:12] if s.speaker and _OPENING.search(s.text)), sentences[0].speaker)
    cues: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for s in sentences:
        if s.speaker:
            cues[s.speaker] = cues.get(s.speaker, 0) + len(_CHAIR_CUES.findall(s.text))
            seconds[s.speaker] = seconds.get(s.speaker, 0.0) + s.end - s.start
    total = sum(seconds.values()) or 1.0
    return max(cues, key=lambda label: cues[label] + 4 * seconds[label] / total + (label == opener), default=opener)


# ------------------------------------------------------------------------------------------ deadline

# ------------------------------------------------------------------------------------------ content

def _content(u: _Unit) -> str:
    text = u.text
    cut: list[tuple[int, int]] = []
    if u.agent is not None and u.agent.name != "他":
        a, b = u.agent.start, u.agent.end
        a -= text[a - 1:a] in ("由", "请", "让", "叫") and a > 0
        cut.append((a, b))
    if u.deadline is not None and u.deadline.date:
        a, b = u.deadline.start, u.deadline.end
        a -= text[a - 1:a] in ("在", "于") and a > 0
        cut.append((a, b))
    for a, b in sorted(cut, reverse=True):
        text = text[:a] + "，" + text[b:]
    text = _FILLER.sub("", text)
    correction = list(re.finditer(r"(?:哦|噢)?不对[，,…。]*", text))
    if correction:  # '下周二，哦不对，下周二开会，下周三之前把表弄出来': what was taken back goes
        text = text[correction[-1].end():]
    # '下周二开经营分析会': a day named by what happens then, no part of the task
    text = re.sub(r"(?:^|(?<=[，,]))(?:[下本这]?(?:周|星期|礼拜)[一二三四五六日天]|[0-9一二三四五六七八九十]+[月号日]|明天|后天)"
                  r"(?:上午|下午|晚上)?(?:开|有|要开|召开)[^，,]{0,8}会[^，,]*(?=[，,]|$)", "", text)
    text = re.sub(rf"(?:^|(?<=[，,]))(?:{_ROLES})(?=(?:你|您)?(?:来|去)?(?:负责|牵头|[，,]))", "", text)  # '丽萍，组织委员你负责…'
    text = re.sub(r"(?:^|(?<=[，,]))[^，,]{1,6}(?:配合|协助|帮着)(?:你|他|她)?(?=[，,]|$)", "", text)  # 小谭配合你
    text = re.sub(r"(?:^|(?<=[，,]))(?:那就这么定了?|就这么定了?|那就这样|就这样|这样)(?=[，,：:]|$)", "", text)
    text = re.sub(rf"^{_ENUMERATOR}", "", strip_punct(text))
    text = _LEAD.sub("", strip_punct(text))
    frames = alternation("decision_frames")
    if frames:
        text = re.sub(rf"^(?:(?:{frames})[了]?[，,：:]?\s*)+", "", text)
    text = re.sub(r"(?:^|(?<=[，,]))\s*(?:同志)?(?:你|您)?(?:们)?(?:来|去|就|还是|具体)?(?:牵头|负责|为主)?(?=[，,]|$)", "", text)
    text = re.sub(r"^(?:同志)?(?:你|您)(?:来|去)?", "", strip_punct(text))
    text = re.sub(r"^(?:来|去)?(?:牵头|负责)?(?=[\u4e00-\u9fff]{2})", "", text)
    text = re.sub(r"[，,\s]{2,}", "，", strip_punct(text))
    text = _DELIVERY_TAIL.sub("", strip_punct(text))
    content = strip_punct(text)
    if u.prefix and u.prefix not in content:
        content = f"{u.prefix}，{content}" if content else u.prefix
    for extra in u.extra:
        more = _content(extra)
        if more and more not in content:
            content = f"{content}；{more}"
    return restore_terms(strip_punct(content))[:160]


def _matter(text: str) -> str:
    """A sentence said before a task, as the task's matter: without fillers and lead words."""
    text = _FILLER.sub("", text)
    return strip_punct(_LEAD.sub("", strip_punct(text)))


# ------------------------------------------------------------------------------------------ judging

_COMPLEMENT = ("上来", "上去", "下来", "出来", "起来", "过来", "一下", "好", "完", "齐", "掉", "成", "上", "到", "出")


def verb_at(text: str) -> int:
    """Where the first task verb is said, read as words (jieba), so the 组织 in 组织生活会 or the 交 in
    交接班 is no verb; -1 when there is none. A verb with its complement (报上来, 整理好) counts."""
    import jieba  # lazy: loads its dictionary on first use

    verbs = _verb_set()
    pos = 0
    for token in jieba.lcut(text, HMM=False):
        stem = next((token[: -len(c)] for c in _COMPLEMENT if token.endswith(c) and len(token) > len(c)), token)
        if token in verbs or stem in verbs:
            return pos
        pos += len(token)
    return -1


@lru_cache(maxsize=1)
def _verb_set() -> frozenset[str]:
    return frozenset(cue_list("task_verbs"))


def _decision_frame(text: str) -> bool:
    frames = alternation("decision_frames")
    return bool(frames and re.search(frames, text))


def _is_floor(text: str, deadline: Deadline | None) -> bool:
    """'请X同志领学', '你先说说情况': the chair giving the floor now, not a task."""
    if deadline is not None and deadline.date or _FUTURE.search(text):
        return False
    floor = _FLOOR.search(text)
    if not floor:
        return False
    verb = verb_at(_FLOOR.sub(lambda m: "，" * len(m.group(0)), text))
    return verb < 0 or verb >= floor.start()  # '佩兰，说一下审查的情况': the floor comes first


_FLOOR_WORDS = ("汇报", "领学", "发言", "介绍", "表态", "通报", "点评", "讲话", "补充")


def _floor_next(rest: str) -> bool:
    """What follows the person is the floor, also when heard by sound (请许强同志会报个人情况: 汇报)."""
    from core.pinyin import sound_alike

    return bool(_FLOOR.match(rest)) or any(sound_alike(rest[:2], w) for w in _FLOOR_WORDS)


def _negated(text: str, assigned: bool) -> bool:
    """Deferred, doubted, asked or proposed; a proposal word is no veto when the chair names an owner
    ('每人提一条小建议，喻晴你收齐')."""
    negative = alternation("not_decision")
    text = text.replace("要不得", "不可")  # 'this idea won't do' is a rebuke, not the proposal word 要不
    return bool(_VETO.search(text) or _HYPOTHETICAL.search(text) or _QUESTION.search(text) or _ATTENDANCE.search(text)
                or _PROPOSED.match(text)  # '建议由刘芳同志负责…': a proposal, however concrete
                or (not assigned and negative and re.search(negative, text) and not _decision_frame(text)))


_PROPOSED = re.compile(r"^(?:(?:好|那|另外|还有)[，,]?)?(?:我|我们|咱们)?(?:建议|提议|可以考虑|想提议)")
# A confirmation that names nothing itself: '没有意见就这么定了', '行，就这么办'.
_BARE_RATIFY = re.compile(r"^(?:(?:好|行|可以|对|同意|没有意见|没意见|大家没有意见|大家都同意)[的了，,]?\s*)*"
                          r"(?:那就|就)?(?:这么定了?|这样定了?|这么办|按这个办|照此办理|同意)[吧了。！!]*$")


class _Extractor:
    def __init__(self, roster: Roster, base: dt.date, absent: tuple[str, ...] = ()):
        self.forms = RosterForms(roster.names, absent)
        self.roster = roster
        self.base = base
        self.chair: str | None = None

    def _resolve(self, agent: Agent, unit_text: str, turn: list[Sentence], before_in_turn: str,
                 prev_speaker: str | None, speaker: str) -> str | None:
        if agent.name == SPEAKER:
            if speaker in self.forms.names:
                return speaker
            return self.roster.host if self.roster.host and speaker == self.chair else None
        if agent.name == "你":
            here = vocatives(unit_text, self.forms)
            if here:
                return here[-1].name
            earlier = vocatives(before_in_turn, self.forms)
            if earlier:
                return earlier[-1].name
            return prev_speaker if prev_speaker in self.forms.names else None
        if agent.name == "他":
            named = self.forms.mentions(before_in_turn + unit_text[:agent.start])
            return named[-1].name if named else None
        return agent.name

    def units(self, sentences: list[Sentence]) -> list[_Unit]:
        """Every unit of the meeting, judged."""
        self.chair = self.roster.host if any(s.speaker == self.roster.host for s in sentences) else chair_label(sentences)
        out: list[_Unit] = []
        turns = speaker_turns(_utterances(sentences))
        list_open_until = -1.0  # a measures list is open until this time (extended by each item)
        found_any = False
        for ti, turn in enumerate(turns):
            speaker = turn[0].speaker
            chair = speaker == self.chair
            prev_speaker = turns[ti - 1][0].speaker if ti else None
            said = ""  # the turn so far, for 你 / 他 / the matter said before
            recap = False
            agenda_sentence = False  # '今天就两件事。' | '一是学习…；二是…。': the enumeration goes on the agenda
            for s in turn:
                head = _LIST_HEAD.search(s.text) if chair else None
                if head and any(a.rank >= 3 and a.start < head.start() for a in find_agents(s.text, self.forms)):
                    head = None  # '刘芳同志，你牵头把这个事落实一下': a task given, no list announced
                recap_cue = _recap_cue(s.text)  # said as the opening words: '好，我最后归纳一下'
                agenda_sentence = bool(chair and (_AGENDA_HEAD.search(s.text) or agenda_sentence and _ENUM_AT.match(s.text))
                                       and not recap_cue and not re.search(r"落实措施|整改措施[^，,。]{0,6}[：:]", s.text))
                if head and agenda_sentence:
                    head = None  # '今天的议程：…；最后定整改措施': the agenda, not a list of measures
                if head:
                    # '我归纳一下' after tasks were given repeats them; '把整改措施归纳一下' gives them
                    recap = bool(recap_cue) and found_any and not re.search(r"措施|任务|分工", s.text)
                    list_open_until = s.end + 90
                pos = 0
                for text, a, b in _pieces(s):
                    piece_start = pos
                    pos += len(text)
                    u = _Unit(text, a, b, speaker, ti, seg=s.seg)
                    if _AGENDA_STEP.search(text) or _CLOSING.search(text):
                        list_open_until = -1.0
                    if agenda_sentence:
                        said += text
                        continue  # '今天的安排：第一，…第二，权书记讲专题党课…': items of the agenda
                    if head and piece_start <= head.start() < pos:
                        at = head.end() - piece_start
                        said_then = re.match(r"" if head.group(0)[-1] in "：:" else r"[^：:，,。]{0,8}?[：:]|(?:是|有|为|如下)[：:，,]?",
                                             text[at:])
                        if said_then:
                            tail = re.sub(r"^(?:第?[一1](?:条|是)?[,，、．.：:]?|[1][,，、．.])", "", text[at + said_then.end():])
                        else:  # '最后强调一下，下个月的主题党日请林静同志负责…' run together by recognition
                            rest = re.sub(r"^[^，,]{0,4}[，,]", "", text[at:])
                            given = find_agents(rest, self.forms) or find_deadline(rest, self.base)
                            tail = rest if len(han_only(rest)) >= 8 and given else ""
                        if len(han_only(tail)) >= 4:  # '落实措施就这么定：各运行值…' / '落实措施是1,11月份开展…'
                            u.text = tail
                            u.decision = _decision_frame(text[:at + (said_then.end() if said_then else 0)])
                        else:
                            said += text
                            continue
                    in_list = chair and a <= list_open_until and bool(
                        _ENUM_AT.match(u.text) or u.text is not text
                        or (out and out[-1].in_list and out[-1].turn == ti and out[-1].seg == s.seg))
                    parts = self._item_parts(u.text, addressed_only=not in_list) if chair else [u.text]
                    for k, part in enumerate(parts):
                        v = u if len(parts) == 1 else _Unit(part, a + (b - a) * k / len(parts), a + (b - a) * (k + 1) / len(parts),
                                                            speaker, ti, seg=s.seg, decision=u.decision)
                        v.in_list, v.recap, v.new_doer = in_list, recap, k > 0
                        self._judge(v, turn, said, prev_speaker, chair)
                        if chair and _BARE_RATIFY.match(strip_punct(v.text)):
                            self._ratify(out, v, turns, ti)
                        if v.in_list and v.is_task:
                            list_open_until = b + 90
                        found_any = found_any or v.is_task
                        out.append(v)
                    said += text
        return out

    def _ratify(self, out: list[_Unit], confirmation: _Unit, turns: list[list[Sentence]], ti: int) -> None:
        """'没有意见就这么定了' confirms the proposal a member made just before: that becomes the task."""
        for u in reversed(out[-4:]):
            if u.turn < ti - 2 or u.is_task:
                return
            if u.speaker != confirmation.speaker and _PROPOSED.match(u.text) and verb_at(u.text) >= 0:
                proposal = _Unit(_PROPOSED.sub("", u.text), u.start, confirmation.end, u.speaker, u.turn, seg=u.seg,
                                 decision=True)
                self._judge(proposal, turns[u.turn], "", turns[u.turn - 1][0].speaker if u.turn else None, True)
                if proposal.is_task:
                    out[out.index(u)] = proposal
                return

    def _readdressed(self, u: _Unit, agents: list[Agent]) -> None:
        """'德明，人手的事想办法…，甄队长，你给矿里打个报告…': the 你 of the task belongs to the last one
        addressed before it; when that address cannot be read as a member, the owner is left empty."""
        you = [a for a in agents if a.name == "你" and a.start > u.agent.end]
        if not you:
            return
        before = u.text[: you[-1].end]
        address = list(_ADDRESS.finditer(before))
        if not address or address[-1].start() < u.agent.end:
            return
        heard = address[-1].group("who")
        member = self.forms.mentions(heard)
        name = member[0].name if member else self.forms.loose(re.sub(_TITLE_WORDS, "", heard) or heard)
        if name != u.owner:
            u.owner, u.agent = name, (Agent(name, address[-1].start("who"), address[-1].end("who"), 3) if name else None)

    def _item_parts(self, text: str, addressed_only: bool = False) -> list[str]:
        """A piece that holds two tasks because recognition lost the stop or the number between them
        ('11月份开展一次专题研讨，各党小组在本月底前完成一次集中学习'; '…完善了，小柏，把基数表弄出来'):
        cut where a new doer begins (in a list) or a new member is addressed (anywhere)."""
        clauses = re.split(r"(?<=[，,])", text)
        parts = [clauses[0]]
        for k, clause in enumerate(clauses[1:], start=1):
            done = parts[-1]
            agents = find_agents(clause.strip(), self.forms)
            address = next((a for a in agents if a.rank == 3 and a.start == 0), None)
            new_doer = address is not None if addressed_only else address is not None or unit_owner(clause.strip()) or any(
                a.rank == 2 and a.start == 0 and a.name != SPEAKER for a in agents)
            # '…，小计，你来写': the address is a clause of its own, the task verb is in the next one
            alone = address is not None and not strip_punct(clause.strip()[address.end:])
            task = clause + (clauses[k + 1] if alone and k + 1 < len(clauses) else "")
            # ...and only after a task given to someone ('…，你牵头把手册改一版，…'), not after a rebuke
            # ('文涛，这个想法要不得，…，晓岚，你跟厂里对接': the address carries the one task on)
            given = not alone or any(a.rank == 4 or a.name == "你" for a in find_agents(done, self.forms))
            if new_doer and given and len(han_only(done)) >= 6 and verb_at(done) >= 0 and verb_at(task) >= 0:
                topic = re.search(r"[^，,]+[，,]$", done)
                # '今天的活动简报，小计，你来写': a topic said before the address belongs to the new task
                if alone and topic and topic.start() and verb_at(topic.group(0)) < 0 and verb_at(done[:topic.start()]) >= 0:
                    parts[-1], clause = done[:topic.start()], topic.group(0) + clause
                parts.append(clause)
            else:
                parts[-1] += clause
        return [strip_punct(p) for p in parts if strip_punct(p)]

    def _judge(self, u: _Unit, turn: list[Sentence], said: str, prev_speaker: str | None, chair: bool) -> None:
        text = u.text
        u.deadline = find_deadline(text, self.base)
        agents = find_agents(text, self.forms)
        for agent in agents:
            name = self._resolve(agent, text, turn, said, prev_speaker, u.speaker)
            if name:
                u.owner, u.agent = name, agent
                break
        if u.agent is not None and u.agent.rank == 3:
            self._readdressed(u, agents)
        if u.owner is None:  # '由办公室负责', '各党小组牵头': a body named in an owner frame
            body = _UNIT_FRAME.search(text) if _UNITS else None
            if body and self.forms.match_at(text, body.end()):
                body = None  # '由支部书记权振宇同志主讲': the office names the person who follows
            if body:
                u.owner = body.group(0)
                u.agent = Agent(u.owner, body.start() - (text[body.start() - 1:body.start()] == "由"), body.end(), 4)
        if u.owner is None:  # '要求各党小组在11月底前完成…': a body as the doer of the clause
            body = _BODY_SUBJECT.search(text)
            if body and unit_owner(body.group("body")):
                u.owner = unit_owner(body.group("body"))
                u.agent = Agent(u.owner, body.start("body"), body.start("body") + len(u.owner), 4)
        if u.owner is None and agents and agents[0].name in ("你",) and not vocatives(text, self.forms):
            u.agent = agents[0]  # 你 to someone we cannot name (an unenrolled voice): cut it from the content
        u.decision = u.decision or _decision_frame(text)
        if _negated(text, bool(chair and u.owner)) and not (u.in_list and not _VETO.search(text)):
            return
        if _is_floor(text, u.deadline) or (u.agent is not None and not (u.deadline and u.deadline.date)
                                            and _floor_next(re.sub(r"^(?:同志)?[，,]?(?:你|您)?(?:来|先|再|给大家)?", "", text[u.agent.end:]))):
            return  # '学习这块，我来领学吧' / '国栋，你先说说': the floor, whatever noun came before
        if _PAST.search(text) and not (u.deadline and u.deadline.date) and not u.in_list:
            return
        verb = verb_at(text) >= 0
        dated = bool(u.deadline and u.deadline.date and (u.deadline.explicit or re.search(r"定在", text)))
        content = han_only(_content(u))
        if u.in_list:
            u.is_task = len(content) >= 4
        elif u.decision:
            # '十三票同意…一致通过': the outcome of a vote is recorded under votes; a member reporting what
            # another body agreed (党小组一致同意) decides nothing here
            votes = re.search(r"表决|举手|票", said[-40:] + text)
            strong = re.search(r"会议(?:研究)?决定|经研究决定|会议同意|支委会决定|支部决定", text)
            u.is_task = len(content) >= 4 and not (votes and u.owner is None and not dated) and bool(chair or strong)
        elif chair and u.owner and verb:
            later = dated or bool(_FUTURE.search(text))
            # '我代表支委会作对照检查': the speaker's own doing now is no task; '我来当组长，春节前…' is
            taken_on = (u.agent is not None and u.agent.name == SPEAKER and bool(_TAKES_IT.search(text))
                        and len(han_only(_content(u))) >= 3)  # '行，我去跑': a reply, not a task to file
            u.is_task = u.agent is not None and (later or taken_on if u.agent.name == SPEAKER else u.agent.rank >= 2 or later)
        elif chair and dated and verb:
            u.is_task = True
        elif chair and verb and u.deadline is not None and u.deadline.recurring and _COLLECTIVE.match(
                _LEAD.sub("", strip_punct(text))):
            u.is_task = True  # '每个支委包一个仓，每周进仓查一次': a standing rule for a body of members
        elif u.owner and u.agent and u.agent.rank == 4 and dated and verb:
            u.is_task = True  # '由X负责，月底前…' said by whoever speaks for the committee


_UNITS = "|".join(re.escape(x) for x in cue_list("owner_units"))
_UNIT_FRAME = re.compile(rf"(?:(?<=由)|(?<=交由)|(?<=责成))(?:各|全体|本)?(?:{_UNITS})"
                         rf"|(?:(?<=^)|(?<=[，,：:]))(?:各|全体)?(?:{_UNITS})(?=(?:同志)?(?:负责|牵头))")
_COLLECTIVE = re.compile(r"(?:第?[一二三四五六七八九十0-9][、.．，,]?)?(?:(?:各|全体|所有)[\u4e00-\u9fff]"
                         r"|每(?:个|位|名)?(?:人|支委|党员|班组|党小组|小组|值|课题组|工区|部门|同志|车间|科室))")
# Someone addressed again inside a sentence: '，甄队长，你…' / '，雪梅，你跟…'.
_TITLE_WORDS = r"(?:队长|主任|经理|书记|师傅|所长|部长|组长|姐|哥|总|工)$"
_ADDRESS = re.compile(r"(?<=[，,])\s*(?P<who>[\u4e00-\u9fff]{1,3}?(?:队长|主任|经理|书记|师傅|所长|部长|组长|姐|哥|总|工)?)"
                      r"(?=[，,]\s*(?:你|您))")
# A body doing what the clause says, named 各X/全体X (每个X stays unnamed: 'each' is no body to file).
_BODY_SUBJECT = re.compile(r"(?:^|[，,：:；;]|要求|请|由)(?:第?[一二三四五六七八九十0-9][、.．，,]?)?(?P<body>(?:各|全体)[\u4e00-\u9fff]{1,6})")
_LIST_HEAD = re.compile(r"措施|任务|分工|分一下工|几件事|几项工作|落实一下|定一下|布置一下|归纳|归一下|总结一下|强调一下|"
                        r"具体这么办|决定如下|如下[：:]|就这么定[了]?[：:]|这么定[：:]")


# ------------------------------------------------------------------------------------------ items

def _matter_before(units: list[_Unit], i: int) -> str:
    """The matter a short task refers to: the sentence before it in the same turn, or, for 'this
    matter' at the start of a turn, the last thing the previous speaker said."""
    u = units[i]
    j = i - 1
    if j >= 0 and units[j].turn == u.turn:
        topic = re.match(r"^(?:好的?[，,]?|另外[，,]?)?(?P<t>[\u4e00-\u9fff]{2,8}?)(?:这个|这件)?事", strip_punct(units[j].text))
        if topic and not units[j].is_task and not re.match(r"(?:这|那|有|没)", topic.group("t")):
            return topic.group("t")  # '照明这个事拖不得。聂远，你去找设施科…': the matter named before
    if (j >= 0 and units[j].turn == u.turn and not units[j].is_task and len(han_only(units[j].text)) <= 30
            and not re.match(r"(?:没有|没|对|是|好|行|嗯|可以)[，,。]", units[j].text)):
        return _matter(units[j].text)
    if _ANAPHOR.search(u.text) or _RATIFY.search(u.text):
        # '行，那就这么定了，巩总牵头…': the proposal ratified, said by another member just before
        while j >= 0 and units[j].turn == u.turn:
            j -= 1
        earlier = [v for v in units[max(0, j - 8):j + 1] if v.turn >= u.turn - 3 and v.speaker != u.speaker]
        proposal = next((v for v in reversed(earlier) if _PROPOSAL.search(v.text)), None)
        if proposal is not None:
            said = re.sub(r"^(?:书记|组长|小组长|[\u4e00-\u9fff]{1,3}(?:书记|主任|经理))[，,]", "", proposal.text)
            said = _PROPOSAL.sub("", said)
            said = re.sub(r"(?:怎么样|行不行|好不好|可不可以|吗|呢|吧)?[？?。]*$", "", said)
            return _matter(said)[-40:]
        if j >= 0 and units[j].turn == u.turn - 1 and units[j].speaker != u.speaker:
            return _matter(units[j].text)[-40:]
    return ""


_PROPOSAL = re.compile(r"我想的是|我的想法是|想法是|我提个建议|我建议|建议|提议|要不咱们|要不要|要不|我这边可以|可以先|能不能")



def _to_resolution(u: _Unit, known: set[str]) -> Resolution:
    owner = u.owner
    for extra in u.extra:
        owner = owner or extra.owner
    said = [d for d in [u.deadline, u.said_deadline, *(e.deadline for e in u.extra)] if d is not None]
    deadline = next((d for d in said if d.date and d.explicit), None) or next((d for d in said if d.date), None) \
        or next((d for d in said if d.recurring), None)
    res = Resolution(content=_content(u) or strip_punct(u.text), owner=owner,
                     deadline=deadline.date if deadline else None, start=round(u.start, 2),
                     end=round(max([u.end] + [e.end for e in u.extra]), 2))
    flag_missing(res, recurring=bool(deadline and deadline.recurring))
    if deadline and deadline.corrected and res.deadline:
        res.flags.append(Flag.DEADLINE_INFERRED.value)
    if owner and owner not in known and not _UNIT_FRAME.fullmatch(owner) and unit_owner(owner) != owner:
        res.flags.append(Flag.UNLISTED_OWNER.value)
    collective = unit_owner(_content(u))
    if owner is None and collective:
        res.flags.append(collective_owner(collective))
    return res


def _same_task(a: _Unit, b: _Unit) -> bool:
    if a.owner and b.owner and a.owner != b.owner:
        return False
    da, db = (a.deadline.date if a.deadline else None), (b.deadline.date if b.deadline else None)
    if da and db and da != db:
        return False
    return overlap(_content(a), _content(b)) >= (0.3 if b.recap else 0.6) or bool(
        b.recap and a.owner and a.owner == b.owner)


def _topic_words(title: str) -> str:
    """'研究下季度党员教育培训的安排' -> '下季度党员教育培训': the matter of an agenda item."""
    title = re.sub(r"^(?:研究|讨论|部署|审议|听取|通报|学习|推荐|确定|关于)+", "", strip_punct(title))
    return re.sub(r"(?:的)?(?:安排|工作|情况|问题|事宜|有关事项)$", "", title)


def extract_resolutions(sentences: list[Sentence], roster: Roster, base: dt.date,
                        topic_at: Callable[[float], str] | None = None, absent: tuple[str, ...] = ()) -> list[Resolution]:
    """absent: members the attendance reports absent (only to choose between members who sound alike)."""
    units = _Extractor(roster, base, absent).units(sentences)
    items: list[_Unit] = []
    pending: _Unit | None = None  # an ownerless decision waiting for the task that carries it out
    outcome: _Unit | None = None  # a vote's outcome ('…一票弃权，会议同意推荐卢兆岩同志为…'), no item itself
    for i, u in enumerate(units):
        if not u.is_task:
            if u.decision and _decision_frame(u.text):
                outcome = u
            continue
        if (outcome is not None and outcome.turn == u.turn and u.owner and u.start - outcome.end < 20
                and not u.decision and not u.recap):
            # '会议同意推荐卢兆岩同志为优秀党员。秀荣，推荐材料你整理一下…': the task carries out the vote
            u.prefix = _matter(re.sub(rf"^.*?(?:{alternation('decision_frames')})[，,]?", "", strip_punct(outcome.text)))[:40]
            outcome = None
        short = len(han_only(_content(u))) < 10 or bool(_REFERS_BACK.search(u.text))
        # '会议同意推荐X。秀荣，材料你整理一下…' / '就这么定了：划分责任区。名单秀云你来出…': the ownerless
        # decision and the task that carries it out are one item
        if (pending is not None and pending.turn == u.turn and u.owner and not u.decision and not u.recap
                and not _AGENDA_STEP.match(u.text) and not u.new_doer
                and not _ENUM_AT.match(u.text) and (short or not u.in_list or pending.in_list and pending.seg == u.seg)
                and u.start - pending.end < 30):
            pending.extra.append(u)
            pending = None
            continue
        last = items[-1] if items else None
        if last is not None and _halves(last, u):
            last.extra.append(u)  # '明远，你牵头，把案例汇编成册' | '年底前弄出来': one task said over two breaths
            _fill(last, u)
            continue
        if short and not u.prefix:
            u.prefix = _matter_before(units, i)
            topic = _topic_words(topic_at(u.start)) if topic_at else ""
            procedural = re.search(r"一下|交流|讨论|总结|其他|大家|发言", topic)  # '总结一下' names no matter
            if topic and not procedural and 2 <= len(topic) <= 16 and overlap(topic, u.prefix + u.text) < 0.5:
                u.prefix = f"{topic}：{u.prefix}" if u.prefix else topic  # filed under its agenda item
        twin = next((it for it in items if _same_task(it, u)), None)
        if twin is not None:
            _fill(twin, u)
            continue
        if u.recap and not (u.owner and u.agent is not None and u.agent.rank >= 3 and u.deadline and u.deadline.date
                            and (u.deadline.explicit or _deadline_follows(units, i))):
            continue  # the closing recap repeats; only a task given in full there ('最后强调一下，请X同志…前') is new
        items.append(u)
        # waiting for its doer: an ownerless decision, or a list item that names no doer at all
        # ('第二条，没完成的培训这次一定落地。' | '占师傅，你牵头…'; not '各运维班长负责本班排查')
        doerless = not unit_owner(_content(u)) and not re.search(r"负责|牵头", u.text)
        pending = u if (u.owner is None and (u.decision or u.in_list and doerless)) else None
    known = set(roster.names)
    return [_to_resolution(u, known) for u in items]


def _deadline_follows(units: list[_Unit], i: int) -> bool:
    """The next unit, same voice, at once, says the deadline ('…请林静同志负责组织' | '10月20日前把方案报支部')."""
    nxt = units[i + 1] if i + 1 < len(units) else None
    return bool(nxt and nxt.speaker == units[i].speaker and nxt.start - units[i].end <= 3.0 and nxt.deadline
                and nxt.deadline.explicit and nxt.deadline.date)


def _halves(a: _Unit, b: _Unit) -> bool:
    """b completes a: the same voice goes on at once, one half names the owner, the other the date."""
    def said(u: _Unit) -> bool:  # a real deadline; '下个月的主题党日' only names a time
        return u.deadline is not None and u.deadline.date is not None and u.deadline.explicit

    dated = (said(a), said(b))
    return (a.speaker == b.speaker and 0 <= b.start - a.end <= 3.0 and b.recap == a.recap and not _ENUM_AT.match(b.text)
            and not b.in_list and not (b.agent is not None and b.agent.rank == 3 and b.agent.start <= 2)
            and ((a.owner and not b.owner and dated == (False, True)) or (not a.owner and b.owner and dated == (True, False))))


def _fill(item: _Unit, recap: _Unit) -> None:
    if item.owner is None and recap.owner:
        item.owner, item.agent = recap.owner, None
    said = item.said_deadline or item.deadline
    if recap.deadline and recap.deadline.date and not (said and said.date and said.explicit) and (
            recap.deadline.explicit or not (said and said.date)):
        item.said_deadline = recap.deadline  # its span belongs to the other unit: never cut from this one


__all__ = ["chair_label", "cue_list", "extract_resolutions"]
