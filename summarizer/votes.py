"""Votes: matter, 赞成/反对/弃权 counts, and whether the matter passed under the meeting type's rule.

A 支部党员大会 decision passes with yes-votes above half of those due to attend (应到); other bodies
need more than half of the members present (domain.md). Counts may be said either way round
(赞成十五票 / 十五票赞成), as digits or Chinese numerals; 全票通过 after a show of hands counts everyone present.

A matter adopted without a count ('大家没有不同意见。会议同意确定…为入党积极分子') is no Vote: nobody
counted hands, so consent_decisions() reports it apart, for the minutes to record how it was decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.meeting_rules import vote_passed
from core.types import Attendance, Meeting, Segment, Vote
from summarizer.text import NUM, Sentence, alternation, cn_to_int, split_sentences, strip_punct

_KINDS = {"for": r"赞成|同意|支持", "against": r"反对|不同意", "abstain": r"弃权"}
_UNIT = r"\s*(?:票|人|名|位|个)"
_NONE_SAID = {"against": re.compile(r"(?:无|没有|没|零)(?:人)?(?:反对|不同意)"), "abstain": re.compile(r"(?:无|没有|没|零)(?:人)?弃权")}
_MATTER = [
    re.compile(r"(?:同意|赞成)(?P<m>[^，,。；;]{2,40}?)的(?:同志)?请.{0,2}手"),
    re.compile(r"(?:对|就)(?P<m>[^，,。；;]{2,40}?)(?:进行|进行举手|进行无记名投票|举手)?表决"),
    re.compile(r"表决(?:通过)?(?P<m>[^，,。；;]{2,40})"),
    re.compile(r"(?:会议|大会)?(?:通过|同意)(?P<m>[^，,。；;]{2,40})"),
]


def _count(text: str, kind: str) -> int | None:
    words = _KINDS[kind]
    # 十五票同意 / 同意十五票 / 同意的十五人 / 赞成票十五票
    for pattern in (
        rf"(?P<n>{NUM}){_UNIT}(?:{words})",
        rf"(?:{words})(?:票|的)?(?:有|为|是)?\s*(?P<n>{NUM}){_UNIT}",
    ):
        for m in re.finditer(pattern, text):
            if kind == "for" and text[max(0, m.start() - 1):m.start()] == "不":
                continue
            n = cn_to_int(m.group("n"))
            if n is not None:
                return n
    if kind in _NONE_SAID and _NONE_SAID[kind].search(text):
        return 0
    return None


def _matter(window: list[Sentence], agenda_item: str) -> str:
    for s in window:
        for pattern in _MATTER:
            m = pattern.search(s.text)
            if m:
                matter = strip_punct(re.sub(r"^(?:关于|对|就)", "", m.group("m")))
                if matter and not re.fullmatch(rf"{NUM}{_UNIT}.*", matter):
                    return matter
    return agenda_item


def passed(vote: Vote, meeting_type: str, attendance: Attendance) -> bool | None:
    """The meeting type's rule (core.meeting_rules): more yes-votes than half of 应到 or 实到."""
    return vote_passed(meeting_type, vote.in_favor, expected=attendance.expected, present=attendance.present,
                       cast=vote.in_favor + vote.against + vote.abstain)


def _new_vote(sentences: list[Sentence], i: int, votes: list[Vote]) -> bool:
    """'全票通过' right after the counts is the same vote, unless a new show of hands was called."""
    if not votes or sentences[i].start - votes[-1].end > 30:
        return True
    since = "".join(t.text for t in sentences[max(0, i - 3): i + 1] if t.start >= votes[-1].end - 1e-6)
    return bool(re.search(r"举手|表决|投票", since))


_VOTE_WORDS = ("弃权", "赞成", "反对")
_COUNT_BEFORE = re.compile(r"(?:[0-9零〇一二两三四五六七八九十]+票|没有|无|我|有)$")


def _vote_words_heard(text: str) -> str:
    """Vote words heard by sound where a count or a voter goes with them: 一票齐全 / 我戏权 -> 弃权."""
    from core.pinyin import sound_near

    out, i = [], 0
    while i < len(text):
        window = text[i:i + 2]
        word = next((w for w in _VOTE_WORDS if window != w and len(window) == 2 and sound_near(window, w)), None)
        if word and _COUNT_BEFORE.search(text[:i]):
            out.append(word)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def extract_votes(
    sentences: list[Sentence], items_of: list[int | None], agenda: list[str], meeting_type: str, attendance: Attendance
) -> list[Vote]:
    votes: list[Vote] = []
    sentences = [Sentence(t.index, t.seg, t.speaker, _vote_words_heard(t.text), t.start, t.end) for t in sentences]
    context = alternation("vote_context")
    unanimous = alternation("unanimous_vote")
    used: set[int] = set()
    for i, s in enumerate(sentences):
        if i in used:
            continue
        window = [t for t in sentences[max(0, i - 3): i + 3] if t.seg - s.seg in (-1, 0, 1)]
        near = "".join(t.text for t in window)
        if not re.search(context + r"|票", near):
            continue
        counts = {k: _count(s.text, k) for k in _KINDS}
        consumed = [i]
        if counts["for"] is not None and (re.search(r"票", s.text) or re.search(context, near)):
            # '赞成十五票。反对零票。弃权零票。': the other counts may follow in the next sentences
            for j in range(i + 1, min(i + 3, len(sentences))):
                t = sentences[j]
                if t.speaker != s.speaker or t.seg - s.seg > 1 or _count(t.text, "for") is not None:
                    break
                more = {k: _count(t.text, k) for k in ("against", "abstain") if counts[k] is None}
                if not any(v is not None for v in more.values()):
                    break
                counts.update({k: v for k, v in more.items() if v is not None})
                consumed.append(j)
        elif re.search(unanimous, s.text) and attendance.present and _new_vote(sentences, i, votes):
            counts = {"for": attendance.present, "against": 0, "abstain": 0}
        else:
            continue
        k = items_of[i] if i < len(items_of) else None
        item = agenda[k] if k is not None and k < len(agenda) else ""
        before = [t for t in sentences[max(0, i - 4): i + 1] if t.seg - s.seg >= -2 and t.speaker == s.speaker]
        vote = Vote(
            matter=_matter(list(reversed(before)) + sentences[i + 1: i + 3], item),
            in_favor=counts["for"],
            against=counts["against"] or 0,
            abstain=counts["abstain"] or 0,
            start=round(before[0].start if before else s.start, 2),
            end=round(sentences[consumed[-1]].end, 2),
        )
        vote.passed = passed(vote, meeting_type, attendance)
        votes.append(vote)
        used.update(consumed)
    return votes


@dataclass
class Consent:
    """A matter the meeting adopted by consent (无异议 / 一致同意), with no hands counted."""

    matter: str
    start: float
    end: float
    speaker: str = ""


# 大家没有不同意见 / 没有异议 / 没有的话 (the chair's answer to his own 有没有不同意见？); not 有没有意见
_NO_OBJECTION = re.compile(r"(?<!有)(?:没有|没|无)(?:什么)?(?:不同意见|异议|意见)(?!吗)|没有的话|一致同意|全体同意|都同意")
_ADOPTED = re.compile(r"(?:会议|大会|支委会|支部委员会|大家)(?:一致)?(?:同意|决定|通过)(?P<m>[^，,。；;！？!?]{4,40})")
_COUNTED = re.compile(r"票|举手|表决|投票")


def consent_decisions(segments: list[Segment], meeting: Meeting, votes: list[Vote]) -> list[Consent]:
    """Matters adopted when the chair found no objection, away from any counted vote.

    Only the chair's words count when the transcript names speakers (a member reporting that his
    小组 一致同意 is no decision of this meeting); a sentence within a counted vote is that vote's.
    """
    sentences = split_sentences(list(segments or []))
    host = (meeting.host or "").strip()
    chair_known = bool(host) and any(s.speaker == host for s in sentences)
    out: list[Consent] = []
    for i, s in enumerate(sentences):
        m = _ADOPTED.search(s.text)
        if not m or (chair_known and s.speaker != host) or _COUNTED.search(s.text):
            continue
        before = [t for t in sentences[max(0, i - 2): i] if t.speaker == s.speaker and s.start - t.end < 20]
        said = "".join(t.text for t in before) + s.text[: m.start()]
        if not (_NO_OBJECTION.search(said) or re.search(r"一致(?:同意|通过)", m.group(0))):
            continue
        if any(v.start - 30 <= s.start <= v.end + 30 for v in votes):
            continue
        matter = strip_punct(m.group("m"))
        if out and out[-1].matter == matter:
            continue
        out.append(Consent(matter=matter, start=round((before[0] if before else s).start, 2), end=round(s.end, 2),
                           speaker=s.speaker))
    return out
