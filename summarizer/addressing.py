"""Who a task is given to: roster members as people address each other in a meeting.

A member is called by full name (骆振川), by given name (振川, 秀荣), by surname with 老/小 (老贺, 小柏)
or with a title (巫所长, 邱经理, 温师傅, 巩总), by 你 right after being addressed, by 我 when the
speaker takes the task, by 他/她 after being named. Recognition garbles names by sound, so every form
is compared in toneless pinyin with the usual confusions (core.pinyin.char_similarity), never by
characters alone. A form is an owner only in an owner position (vocative, 由X/交给X, X牵头/负责,
X + action); a name in a temporal clause (卫国同志出院后) or as a helper (小谭配合你) is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.pinyin import char_similarity, mean_similarity, name_similarity, readings
from summarizer.names import clearly_nearest, split_name
from summarizer.text import cue_list

# Titles said after a surname (巫所长) or a name (刘芳同志); longest first.
TITLES = tuple(sorted(("同志", "书记", "副书记", "经理", "所长", "部长", "副部长", "主任", "组长", "小组长", "委员",
                       "师傅", "总", "工", "老师", "队", "队长", "科长", "处长", "站长", "班长", "行长", "主管",
                       "局长", "厂长", "院长", "秘书", "主席", "会计", "师"), key=len, reverse=True))
_TITLE = "(?:" + "|".join(TITLES) + ")"
# Similarity a heard form needs: whole names tolerate one confusable syllable, short forms less.
FULL_NAME_MATCH = 0.85
SHORT_FORM_MATCH = 0.9
LOOSE_MATCH = 0.75  # right before 你负责 / 牵头, with a clear margin over the next member

_BOUNDARY = r"[，,。：:；;！!？?、\s由请让叫给按和与跟同及]"
# Characters a given name is never made of: a 'name' holding one is a member's name misheard (照你 for 赵敏).
_NOT_IN_NAMES = set("你我他她的了是在有和就也都这那个们吗呢吧啊")
SPEAKER = "<speaker>"  # 我来负责: the speaker; resolved by the caller, who knows who spoke


@dataclass
class Mention:
    """A member (or pronoun) named in a clause at [start, end) (title included)."""

    name: str  # roster name, SPEAKER, "你" or "他"
    start: int
    end: int
    form: str  # full / given / surname / pronoun


def _old_or_young(char: str) -> bool:
    """老 / 小 before a surname, also as recognition writes them by sound (消百 for 小柏, 劳 for 老)."""
    if char in ("老", "小"):
        return True
    return bool(char) and re.fullmatch(r"[\u4e00-\u9fff]", char) is not None and bool(readings(char) & {"xiao", "lao"})


def _similar(heard: str, said: str) -> float:
    return name_similarity(heard, said) if len(heard) == len(said) else 0.0


class RosterForms:
    """The ways the meeting's members can be called, and lookup of a heard string among them."""

    def __init__(self, names: list[str], absent: tuple[str, ...] | list[str] = ()):
        self.names = [n for n in dict.fromkeys(names) if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n)]
        self.absent = frozenset(absent)  # reported absent: the lesser reading when two members sound alike
        self.surnames = {n: split_name(n)[0] for n in self.names}
        self.given = {n: split_name(n)[1] for n in self.names}
        self._seen: dict[str, list[Mention]] = {}
        self._starting: dict[str, tuple[list[str], list[str]]] = {}
        self._surname_of: dict[str, str | None] = {}

    def _could_start(self, char: str) -> tuple[list[str], list[str]]:
        """(members by full name, members by given name) whose form could begin with the heard char: a form
        with a first character far off in sound never matches (name_similarity), so it is not compared."""
        if char not in self._starting:
            near = lambda form: len(form) >= 2 and char_similarity(char, form[0]) >= 0.5  # noqa: E731
            self._starting[char] = ([n for n in self.names if near(n)], [n for n in self.names if near(self.given[n])])
        return self._starting[char]

    def _by_surname(self, heard: str) -> str | None:
        """The one member with this surname: as written, else the one that sounds alike (计 / 冀 both ji:
        the written one wins; of two that only sound alike, the one present, else left unresolved)."""
        if heard not in self._surname_of:  # asked at every position of a transcript, of one or two characters
            self._surname_of[heard] = self._find_by_surname(heard)
        return self._surname_of[heard]

    def _find_by_surname(self, heard: str) -> str | None:
        exact = [n for n, s in self.surnames.items() if s == heard]
        if exact:
            return exact[0] if len(exact) == 1 else None
        hits = [n for n, s in self.surnames.items() if len(s) == len(heard)
                and min(char_similarity(a, b) for a, b in zip(heard, s, strict=True)) >= SHORT_FORM_MATCH]
        if len(hits) > 1:  # '小七，你来写' with 计明轩 here and 冀鹏飞 away on audit: the one in the room
            hits = [n for n in hits if n not in self.absent]
        return hits[0] if len(hits) == 1 else None

    def match_at(self, text: str, pos: int) -> Mention | None:
        """The member named at text[pos:], the longest and closest form; None when nobody is."""
        best: tuple[float, int, Mention] | None = None

        def offer(score: float, name: str, length: int, form: str) -> None:
            nonlocal best
            end = pos + length
            title = re.match(_TITLE, text[end:])
            if form == "surname" and not title and not _old_or_young(text[pos - 1:pos]):
                return
            heard = text[pos:pos + length]
            if form != "full" and heard not in (name, self.given.get(name), self.surnames.get(name)) and not (
                    pos == 0 or re.match(_BOUNDARY, text[pos - 1]) or _old_or_young(text[pos - 1:pos])):
                return  # a form heard only by its sound must stand as a word of its own (组织委员 is no 訾委员)
            end += len(title.group(0)) if title else 0
            key = (score, length)
            if best is None or key > best[:2]:
                best = (score, length, Mention(name, pos - (form == "surname" and not title), end, form))

        # full names before given names: a full name always scores above any given name (sim + 1), so the
        # order within each kind is all that decides a tie
        by_full, by_given = self._could_start(text[pos]) if pos < len(text) else ([], [])
        for name in by_full:
            n = len(name)
            heard = text[pos:pos + n]
            if len(heard) == n and re.fullmatch(r"[\u4e00-\u9fff]+", heard):
                sim = 1.0 if heard == name else _similar(heard, name)
                if sim >= FULL_NAME_MATCH:
                    offer(sim + 1, name, n, "full")  # a full name beats a given name inside it
        for name in by_given:
            given = self.given[name]
            heard = text[pos:pos + len(given)]
            sim = 1.0 if heard == given else _similar(heard, given)
            if sim >= SHORT_FORM_MATCH:
                offer(sim, name, len(given), "given")
        # 老贺 / 小柏 (the 老/小 just before pos) and 巫所长 / 邱经理: a surname unique in the roster
        for length in (2, 1):
            heard = text[pos:pos + length]
            if len(heard) == length and re.fullmatch(r"[\u4e00-\u9fff]+", heard):
                name = self._by_surname(heard)
                if name and (_old_or_young(text[pos - 1:pos]) or re.match(_TITLE, text[pos + length:])):
                    offer(0.95, name, length, "surname")
        return best[2] if best else None

    def loose(self, heard: str) -> str | None:
        """The member whose full or given name sounds clearly nearest to heard (还偷 -> 海涛 -> 臧海涛),
        for a name said right before an owner frame, where recognition garbles most and the frame is sure."""
        scored = [(mean_similarity(heard, form), name) for name in self.names for form in {name, self.given[name]}
                  if len(form) >= 2 and len(form) == len(heard)]
        return clearly_nearest(scored, LOOSE_MATCH)

    def as_member(self, heard: str) -> str | None:
        """Who 'X同志' in an owner frame is: the member it sounds clearly nearest to; a guest as heard when
        it is a name of its own; for a misheard name (照你), the one member with that surname, or None
        when several could be meant (left empty for the secretary)."""
        near = self.loose(heard)
        if near:
            return near
        if not any(c in _NOT_IN_NAMES for c in heard[1:]):
            return heard  # a name of its own (孙明 beside 孙悦): a guest, kept as said and flagged by the caller
        same = [n for n, s in self.surnames.items() if len(n) == len(heard) and len(s) == 1
                and char_similarity(heard[0], s) >= SHORT_FORM_MATCH]
        return same[0] if len(same) == 1 else None  # '照你同志': no name, so the one member called 赵

    def mentions(self, text: str) -> list[Mention]:
        """Every member named in text, left to right, non-overlapping (remembered: a turn is read often)."""
        if text not in self._seen:
            self._seen[text] = self._mentions(text)
        return self._seen[text]

    def _mentions(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        pos = 0
        while pos < len(text):
            m = self.match_at(text, pos)
            if m:
                out.append(m)
                pos = max(m.end, pos + 1)
            else:
                pos += 1
        return out


# Owner positions. Frames before the owner: 由X / 请X / 交给X / 责成X / 让X; after: X牵头 / X负责 / X你来.
_BEFORE = re.compile(r"(?:由|请|责成|交给|交由|委托|指定|明确由|让|叫)$")
_AFTER = re.compile(r"^(?:同志)?[，,]?\s*(?:你|您)?(?:们)?(?:就|还是|来|去|具体|要|先|再|统一)?"
                    r"(?:牵头|负责|主抓|挂帅|为主|盯着|盯一下|盯住|跟一下|跟进|抓|带|来|去|注意|记着|收齐|汇总|整理|报|写|联系|对接)")
_HELPER = re.compile(r"^(?:同志)?[，,]?\s*(?:配合|协助|帮着|帮忙|帮|参加|参与|一起|跟我|和我)")
_VOCATIVE_AFTER = re.compile(r"^(?:同志)?(?:[，,：:]|\s*(?:你|您))")
_CLAUSE_START = re.compile(r"(?:^|[，,。：:；;！!？?、]|[0-9一二三四五六七八九十][.．、]\s*|(?:^|[，,])(?:好|行|那|还有|另外|最后|第[一二三四五六七八九十]+条?)[，,]?)\s*$")
_TEMPORAL_END = re.compile(r"(?:以后|之后|后|回来|的时候|期间)[，,]")
_DELIVER_BEFORE = re.compile(r"(?:交给|报给|发给|给|交到|报到|送给|递给|反馈给)$")
# After a name, what shows it is no doer of what follows: 老阚一组查电, 老鲍刚才讲的, 国栋的徒弟.
_NOT_SUBJECT = re.compile(r"^(?:同志)?(?:[一二三四五六七八九十两几]|的|说|讲|刚才|也是|是|和|跟|对|去年|上次|那边|这边|家)")
# '由张伟同志牵头…' when no roster was entered, or a guest's name: a person named as 同志 in an owner frame
_HEARD_COMRADE = re.compile(r"(?:(?<=由)|(?<=请)|(?<=责成)|(?<=交由)|^|(?<=[，,：:]))(?P<name>(?![由请让叫])[\u4e00-\u9fff]{2,3}?)同志"
                            r"(?=(?:你)?(?:来|具体)?(?:牵头|负责)|(?<=[由请成])同志(?:在|于|[0-9一二三四五六七八九十本下月年]))")
_FRAMED = re.compile(r"(?:^|(?<=[，,：:；;。]))(?P<heard>[\u4e00-\u9fff]{2,3}?)(?=(?:同志)?[，,]?\s*(?:你|您)(?!们)|(?:同志)?(?:负责|牵头))")
_ME = re.compile(r"(?:由我|我来|我本人|我个人|我去|我亲自|这个我|我带头|我一起|我负责|我牵头|我自己来"
                 r"|我(?=今年|明年|每[天周月年个]|从[^，,]{1,5}起|从[^，,]{1,5}开始))")  # 我今年每月下井…: a commitment
_YOU = re.compile(r"你们?|您")
_THIRD = re.compile(r"(?:请|让|叫|由)(?:他|她)")


@dataclass
class Agent:
    """The owner of a clause as found: a roster name, SPEAKER, or "你"/"他" to resolve from context."""

    name: str
    start: int
    end: int
    rank: int  # 4 frame, 3 vocative, 2 subject, 1 pronoun


def _is_assignment_handover(text: str, m: Mention) -> bool:
    """'这个事交给一禾' gives the task; '下周一交给晨曦' hands the work in to her."""
    before = text[:m.start]
    if not re.search(r"交给$", before):
        return True
    return bool(re.search(r"(?:这个事|这件事|这事|这项工作|这个工作|这块|这一块|就|都)(?:情)?交给$", before)
                or re.match(r"^[，,]?(?:交给)$", before.strip()))


def _with_partners(text: str, first: Mention, forms: RosterForms) -> tuple[str, int]:
    """'刘芳和赵敏两位同志': the members named together as one owner, and where the naming ends."""
    names, end = [first.name], first.end
    while (join := re.match(r"(?:同志)?(?:、|和|与|及|以及)", text[end:])) and (nxt := forms.match_at(text, end + join.end())):
        if nxt.name in names:
            break
        names.append(nxt.name)
        end = nxt.end
    tail = re.match(r"(?:两位|三位|几位|等)?(?:同志)?", text[end:]) if len(names) > 1 else None
    return "、".join(names), end + (tail.end() if tail else 0)


def find_agents(text: str, forms: RosterForms) -> list[Agent]:
    """Owner candidates in one clause, best first."""
    found: list[Agent] = []
    for m in forms.mentions(text):
        before, after = text[:m.start], text[m.end:]
        if _HELPER.match(after) or re.search(r"(?:和|与|跟|同|及)$", before):
            continue  # 小谭配合你 / 海波和占师傅参加: helpers, not the owner
        if _DELIVER_BEFORE.search(before) and not (_BEFORE.search(before) and _is_assignment_handover(text, m)):
            continue  # 报给丽娜: where the work goes, not who does it
        if re.search(r"(?:按|照|听|据)$", before) or re.match(r"^(?:同志)?(?:说|讲|提|要求)的", after):
            continue  # 按蔺部长说的
        temporal = bool(_TEMPORAL_END.search(after[:12])) and not _AFTER.match(after)
        if _BEFORE.search(before) and _is_assignment_handover(text, m):
            name, end = _with_partners(text, m, forms)  # 由刘芳和赵敏两位同志负责
            found.append(Agent(name, m.start, end, 4 - temporal))
        elif _AFTER.match(after) and (_CLAUSE_START.search(before) or not re.match(r"(?:同志)?[，,]", after)):
            # 'X，你来负责' addresses X only where a clause starts: in '要保证材料齐全，报公司党委' the
            # pause ends the clause that holds the name (a member called 齐全)
            found.append(Agent(m.name, m.start, m.end, 4))
        elif _VOCATIVE_AFTER.match(after) and _CLAUSE_START.search(before):
            found.append(Agent(m.name, m.start, m.end, 3))
        elif _CLAUSE_START.search(before) and not temporal and not _NOT_SUBJECT.match(after):
            found.append(Agent(m.name, m.start, m.end, 2))
        elif temporal:
            found.append(Agent(m.name, m.start, m.end, 0))
    # '由张伟同志牵头' with no roster entered, or a guest: the person as heard (the caller flags it)
    for m in _HEARD_COMRADE.finditer(text):
        name = m.group("name")
        if not any(a.start <= m.start("name") < a.end for a in found) and name[0] not in "这那各某该本我你他她咱全大有":
            member = forms.as_member(name)
            if member is not None:
                found.append(Agent(member, m.start("name"), m.end("name") + 2, 4))
    for m in _FRAMED.finditer(text):  # '还偷负责' / '疫情你收起了': a name the frame vouches for
        if any(a.start <= m.start("heard") < a.end for a in found):
            continue
        name = forms.loose(m.group("heard"))
        if name:
            found.append(Agent(name, m.start("heard"), m.end("heard"), 4))
    for m in _ME.finditer(text):
        if not re.match(r"(?:说|讲|来说|先来|先说|补充|插一句)", text[m.end():]) and text[m.end():m.end() + 1] != "们":
            found.append(Agent(SPEAKER, m.start(), m.end(), 2))
    for m in _YOU.finditer(text):
        if not re.match(r"(?:说|看|觉得|们说)", text[m.end():]):
            found.append(Agent("你", m.start(), m.end(), 1))
    for m in _THIRD.finditer(text):
        found.append(Agent("他", m.start() + 1, m.end(), 1))
    return sorted(found, key=lambda a: (-a.rank, a.start))


def vocatives(text: str, forms: RosterForms) -> list[Mention]:
    """Members addressed in a sentence: a name standing alone between pauses or before 你 (周武，你…)."""
    out = []
    for m in forms.mentions(text):
        before, after = text[:m.start], text[m.end:]
        if (_VOCATIVE_AFTER.match(after) or re.fullmatch(r"(?:同志)?[。！!？?]?", after)) and (
                _CLAUSE_START.search(before) or m.start == 0):
            out.append(m)
    return out


def unit_owner(text: str) -> str | None:
    """A collective owner (各党小组, 全体党员, 每位党员, 各运维班长 ...) at the start of a clause."""
    units = "|".join(re.escape(u) for u in cue_list("owner_units"))
    m = re.match(rf"^(?:各|全体|每个|每位|每名|所有)[\u4e00-\u9fff]{{0,5}}?(?:{units}|班长|组长|党员|支委|工区|班组|值|课题组|部门|人)"
                 if units else r"^$", text)
    return m.group(0) if m else None
