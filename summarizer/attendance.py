"""Attendance from the chair's announcement (应到/实到/who is absent and why), reconciled with the roster."""

from __future__ import annotations

import re

from core.meeting_rules import quorum_met
from core.pinyin import mean_similarity, sound_alike
from core.types import Absence, Attendance, Meeting
from summarizer.heard import restore
from summarizer.names import Roster, clearly_nearest
from summarizer.text import NUM, Sentence, alternation, clauses, cn_to_int, cue_list

_GAP = r"[^0-9零〇一两二三四五六七八九十，,。；;]{0,14}?"
_EXPECTED = re.compile(rf"(?:应到|应出席|应参会|应参加|应到会|应有|全体党员|党员总数|共有党员|现有党员)(?:人数)?{_GAP}(?P<n>{NUM})\s*(?:名|人|位|个)"
                       rf"|(?:小组|支部|党支部|我们|咱们)(?:一共|共|现有|有)?(?P<n2>{NUM})\s*(?:个人|名党员|名|人|位)(?![^，,。]{{0,4}}(?:到|来))"
                       rf"|^(?:支部)?[\u4e00-\u9fff]?有党员(?P<n3>{NUM})\s*(?:名|人)")  # 现有 heard as 卸有
_PRESENT = re.compile(rf"(?:实到|实际到会|实际出席|实际参会|实到会|(?<!应)到会|(?<!应)出席|(?<!应)参会|来了|到了|都到了[，,]?\s*一共|^一共)"
                      rf"(?:人数)?{_GAP}(?P<n>{NUM})\s*(?:名|人|位|个)")
# '议到有表决权的党员18名，实到15名': a count said right before 实到 is the number due, whatever ASR made of 应到
_COUNT = re.compile(rf"(?P<n>{NUM})\s*(?:名|人|位)")
_ABSENT_N = re.compile(rf"(?:缺席|请假|未到会?|没到|缺)(?:人数)?{_GAP}(?P<n>{NUM})\s*(?:名|人|位|个)")
_ALL_HERE = re.compile(r"(?:人都|人员|同志们?都|全体\S{0,4})?(?:到齐|全部到会|全员到会|全体到会|无人缺席|没有缺席|悉数到会)")
_COMRADE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,3}?)(?:等)?(?:两位|三位|几位)?同志")
_STRONG_ABSENCE = re.compile(r"请假|缺席|未到|没来|没有来|没到|不能参加|无法参加|未能参加|未参加|因故")
_EXCEPT = re.compile(r"除了?$")  # right before the names: the exceptions to an attendance count
_ROLE_IN_MEETING = re.compile(r"领学|主持|带领|汇报|发言|记录|介绍|宣读|列席|讲话|作报告")
_NOT_NAMES = {"各位", "全体", "有的", "其他", "部分", "有关", "相关", "这位", "那位", "几位", "两位", "三位", "老", "青年"}


_REASON_TAIL = re.compile(r"(?:未能|不能|无法|没能|没有|未)(?:参加|参会|到会|出席)(?:会议)?|缺席|未到会?|没来|请假了?|了|的")
_REASON_SHORT = {"因病": "病假", "生病": "病假", "因事": "事假", "有事": "事假", "因公": "公出"}


def _reason(rest: str, clause: str) -> str:
    """'因病请假' -> '病假', '出差请假' -> '出差', '因公出差未能参加' -> '因公出差'."""
    rest = re.sub(r"^(?:师傅|姐|哥|大姐|老师)", "", rest)  # '沈玉梅姐休年假': the address is no reason
    rest = re.sub(r"^[、，, ]*(?:等|两位|三位|几位)?(?:同志)?(?:的)?(?:也|都|均|今天|今日)?(?:原因是|原因为|因为|由于|是|系)?", "", rest).strip("，,、 ")
    while True:
        cut = re.sub(rf"(?:{_REASON_TAIL.pattern})$", "", rest)
        if cut == rest or not cut:
            break
        rest = cut
    rest = re.sub(r"了$", "", rest)
    if len(rest) > 1 and rest.startswith("因") and rest[:2] not in _REASON_SHORT:
        rest = rest[1:]  # 因出差 -> 出差
    rest = _REASON_SHORT.get(rest, rest).strip("，,、 ")
    if rest:
        return rest[:12]
    found = re.findall(alternation("absence_cues"), clause)
    return found[0] if found else ""


def normalise_cues(text: str, roster: Roster) -> str:
    """Absence words heard as homophones (并嫁 -> 病假, 执班 -> 值班, 出拆 -> 出差) put back in place, so
    the reasons read right and the absence is seen at all. Roster names are left alone."""
    words = [c for c in cue_list("absence_cues") if len(c) >= 2]
    return restore(text, words, protect=[(a, b) for _, a, b in roster.find_all(text)])


_COUNT_WORDS = ["应到", "实到", "到会", "出席", "应出席", "实际出席", "缺席", "请假"]
_DIGITS = "一二三四五六七八九十"


def normalise_counts(text: str) -> str:
    """The count words of an announcement heard as homophones: '应到舞人，十道4人' -> '应到五人，实到4人',
    '到会务名' -> '到会五名'."""
    text = restore(text, _COUNT_WORDS)

    def digit(m: re.Match[str]) -> str:
        return next((d for d in _DIGITS if sound_alike(m.group(1), d)), m.group(1))

    # 名/人/位 opening another word (名单, 人员, 位置) counts nothing: '到会议名单' stays as it is.
    return re.sub(r"(?:(?<=[到席假])|(?<=到会))([\u4e00-\u9fff])(?=[人名位](?![单称额字次义员数置]))", digit, text)


def _loose_expected(text: str, present: re.Match[str]) -> int | None:
    """The count said just before 实到 in the same sentence, when it is at least the number present."""
    counts = list(_COUNT.finditer(text[: present.start()]))
    if not counts or not re.search(r"到|权|党员|共", text[: counts[-1].start()]):
        return None
    value, there = cn_to_int(counts[-1].group("n")), cn_to_int(present.group("n"))
    return value if value is not None and there is not None and value >= there else None


def _names_in(clause: str, roster: Roster) -> list[tuple[str, int, int]]:
    found = roster.find_all(clause)
    if found:
        return found
    out = []
    for m in _COMRADE.finditer(clause):
        name = m.group("name")
        if name not in _NOT_NAMES and not re.search(alternation("absence_cues"), name):
            out.append((name, m.start(), m.end()))
    return out


def _absences(text: str, roster: Roster, host: str) -> list[Absence]:
    """Absentees and reasons: '孙磊同志出差请假', '王磊、李娜两位同志因公出差', '请假的有：张三（病假）、李四（出差）',
    '缺席1名，为张华同志，原因是外出学习'."""
    out: list[Absence] = []
    cue = alternation("absence_cues")
    parts = clauses(re.sub(r"[（）()]", "，", text))
    pending = ""  # a reason said before the names it belongs to
    for k, clause in enumerate(parts):
        has_cue = bool(re.search(cue, clause))
        names = [n for n in _names_in(clause, roster) if n[0] != host]
        if not names:
            pending = re.findall(cue, clause)[0] if has_cue else ""
            continue
        if _ROLE_IN_MEETING.search(clause):
            continue  # 请陈志强同志领学 / 由刘芳同志记录: present, with a role
        following = parts[k + 1] if k + 1 < len(parts) else ""
        next_reason = ""
        if following and re.search(cue, following) and not _names_in(following, roster):
            next_reason = _reason(following, following)
        pieces = [clause[n[2]: names[i + 1][1] if i + 1 < len(names) else len(clause)] for i, n in enumerate(names)]
        own = [_reason(p, p) if re.search(cue, p) else "" for p in pieces]
        head = clause[: names[0][1]]
        shared = next((r for r in reversed(own) if r), "")
        shared = shared or next_reason or (re.findall(cue, head)[0] if re.search(cue, head) else "")
        shared = shared or pending
        # '应到9个人，除了桑晓峰在倒班…，其他同志都到了': named as the exception to the count, absent even when
        # the reason was misheard (倒班 heard as 导弹) or not given: then the reason is left for the secretary
        excepted = bool(_EXCEPT.search(head))
        if excepted and not shared and not any(own):
            own = [_reason(p, p) for p in pieces]
        if not shared and not any(own) and not excepted:
            continue  # names without any word of absence: not an absence
        if not any(own):
            pending = shared  # '请假的同志有张三，李四': the list goes on in the next clause
        for (name, _, _), reason in zip(names, own, strict=True):
            if all(a.name != name for a in out):
                out.append(Absence(name=name, reason=reason or shared))
    return out


def _named_without_cue(window: list[Sentence], roster: Roster, host: str, absences: list[Absence], gap: int) -> None:
    """The counts say more people are absent than the reasons we recognised (ASR garbles 病假 as 并嫁):
    roster members named as 'X同志' in the announcement itself are the absentees."""
    for s in window:
        if not (_EXPECTED.search(s.text) or _PRESENT.search(s.text)):
            continue
        for clause in clauses(s.text):
            if _ROLE_IN_MEETING.search(clause) or _EXPECTED.search(clause) and not roster.find_all(clause):
                continue
            for name, _, end in roster.find_all(clause):
                # 'X同志…' or 'X休年假' / 'X当班作业走不开': a member named with something said of them
                told = clause[end:].startswith("同志") or len(re.sub(r"[了的啊呢]", "", clause[end:])) >= 2
                if name == host or not told or any(a.name == name for a in absences):
                    continue
                if len(absences) >= gap:
                    return
                absences.append(Absence(name=name, reason=_reason(clause[end:], clause)))


_LOOSE_NAME = 0.62  # mean syllable similarity for a name heard badly, with the roster and the counts as constraints
_LOOSE_MARGIN = 0.1


def _heard_names(text: str) -> list[str]:
    """Stretches where an absentee's name is said: before 同志, and at the start of a clause."""
    out = [m.group(1) for m in re.finditer(r"([\u4e00-\u9fff]{2,4})同志", text)]
    for clause in clauses(text):
        clause = re.sub(r"^(?:今天|另外|还有|其中|但是?|就|那个|嗯|好)+", "", clause)
        if len(clause) >= 2 and not re.match(r"(?:应|实|到|支部|小组|我们|咱们|一共|其他|大家)", clause):
            out.append(clause[:4])
    return out


def _loose_member(heard: str, roster: Roster, taken: set[str]) -> str | None:
    """The member whose name sounds nearest to heard, clearly nearer than anyone else, else None."""
    scored = [(mean_similarity(heard[: len(n)], n), n) for n in roster.names if n not in taken and len(heard) >= len(n)]
    return clearly_nearest(scored, _LOOSE_NAME, _LOOSE_MARGIN)


def _loosely_named(window: list[Sentence], roster: Roster, host: str, absences: list[Absence], gap: int) -> None:
    """The counts call for more absentees than we can read: recognition garbled their names (肌肉生 for
    姬荣生). The members whose names sound nearest to what was said, clearly nearer than anyone else,
    are taken, never more than the counts allow."""
    taken = {a.name for a in absences} | {host}
    for s in window:
        for heard in _heard_names(s.text):
            if len(absences) >= gap:
                return
            name = _loose_member(heard, roster, taken)
            if name:
                rest = s.text[s.text.find(heard) + len(name):] if heard in s.text else ""
                absences.append(Absence(name=name, reason=_reason(re.split(r"[，,。]", rest)[0], rest)))
                taken.add(name)


def _said_on(s: Sentence, following: list[Sentence]) -> list[Sentence]:
    """The sentences that go on from s: same segment, or the same speaker's next segments without a
    pause (ASR cuts '周杰同志在外地参加培训' / '没能参加' apart)."""
    out, last = [], s
    for t in following:
        if t.seg != s.seg and not (t.speaker == last.speaker and t.seg - last.seg <= 1 and t.start - last.end <= 2.0):
            break
        out.append(t)
        last = t
    return out


def extract_attendance(sentences: list[Sentence], meeting: Meeting, roster: Roster) -> Attendance:
    """Counts as announced when they were; otherwise from the roster minus the absentees named."""
    head = [Sentence(s.index, s.seg, s.speaker, normalise_counts(s.text), s.start, s.end)
            for s in sentences[: max(12, len(sentences) // 3)]]
    said = {s.index: s.text for s in head}
    expected = present = absent_n = None
    absences: list[Absence] = []
    all_here = False
    window: list[Sentence] = []
    for i, s in enumerate(head):
        e, p, a = _EXPECTED.search(s.text), _PRESENT.search(s.text), _ABSENT_N.search(s.text)
        if expected is None and e:
            expected = cn_to_int(e.group("n") or e.group("n2") or e.group("n3"))
        if present is None and p:
            present = cn_to_int(p.group("n"))
        if absent_n is None and a:
            absent_n = cn_to_int(a.group("n"))
        if _ALL_HERE.search(s.text):
            all_here = True
        if e or p or a:
            # the announcement and the sentences said with it: right after, and just before by the same voice
            # ('支部除了揭志勇同志在外县支援线路改造' | '…其他同志都到了，一共九位')
            before: list[Sentence] = []
            for t in reversed(head[max(0, i - 3):i]):  # back over the same voice while it did not pause
                nxt = before[0] if before else s
                if t.speaker != s.speaker or nxt.start - t.end > 2.0:
                    break
                before.insert(0, t)
            window.extend(before + [s] + _said_on(s, head[i + 1:i + 4]))
        elif _STRONG_ABSENCE.search(s.text):
            window.append(s)
    if expected is None and present is not None:
        for s in window:
            p = _PRESENT.search(s.text)
            expected = _loose_expected(s.text, p) if p else None
            if expected is not None:
                break
    for t in dict.fromkeys(t.index for t in window):
        for absence in _absences(normalise_cues(said.get(t, sentences[t].text), roster), roster, meeting.host):
            if all(x.name != absence.name for x in absences):
                absences.append(absence)
    for absence in absences:
        absence.name = roster.resolve(absence.name) or absence.name
        if absence.name not in roster.names:  # only members are absent: the nearest one not yet named
            near = roster.closest(absence.name) or _loose_member(absence.name, roster, {a.name for a in absences} | {meeting.host})
            if near and near != meeting.host and all(a.name != near for a in absences):
                absence.name = near
    roster_n = len(roster.names)
    due = expected if expected is not None else roster_n if present is not None and absent_n is None else None
    if due is not None and present is not None and len(absences) < due - present:
        _named_without_cue(window, roster, meeting.host, absences, due - present)
    if due is not None and present is not None and len(absences) < due - present:
        _loosely_named(window, roster, meeting.host, absences, due - present)
    if expected is None:
        if present is not None and absent_n is not None:
            expected = present + absent_n
        else:
            # no roster and no announcement: everyone who spoke was there, at least
            speakers = len({s.speaker for s in sentences if s.speaker})
            expected = roster_n or present or (speakers + len(absences))
    if present is None:
        missing = absent_n if absent_n is not None else (0 if all_here and not absences else len(absences))
        present = max(0, expected - missing)
    attendance = Attendance(expected=expected, present=present, absent=absences)
    attendance.quorum_met = quorum_met(meeting.type, expected, present)
    return attendance
