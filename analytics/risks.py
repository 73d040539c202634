"""Early warnings: speech that signals formalism, implementation risk or a misreading of policy.

Three layers, so detection generalises beyond fixed strings:
1. cue patterns (regular expressions with optional measure words: 走个过场, 走一下过场);
2. a jieba pass that finds any verb + 不 + complement of inability (搞不完, 忙不过来, 推不动);
3. negation/exhortation handling: a cue in a clause that warns against it (不能走过场,
   坚决防止形式主义, 没有落实不了的任务) is what a chair should say, not a risk.

One risk per sentence; the reason is phrased for follow-up, not blame.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from analytics.text import CRITICISM, sentences, words
from core.meeting_rules import expect
from core.types import Risk, Segment, speaker_turns

LEXICON = "analytics_risk_cues.json"
_CLAUSE = re.compile(r"[，,；;：:。！？!?\s]+")  # not 、: 学归学、干归干 is one cue
MAX_TEXT = 90  # characters of context kept around a cue in a long unpunctuated sentence


@functools.lru_cache(maxsize=1)
def cues() -> dict:
    from importlib import resources

    data = json.loads((resources.files("resources") / "lexicons" / LEXICON).read_text(encoding="utf-8"))
    categories = []
    for key, cat in data["categories"].items():
        pattern = re.compile("|".join(f"(?:{p})" for p in cat["patterns"]))
        categories.append(
            {
                "key": key,
                "name": cat["name"],
                "reason": cat["reason"],
                "pattern": pattern,
                "priority": int(cat.get("priority", 9)),
            }
        )
    pc = data.get("potential_complement", {})
    complements = sorted(pc.get("complements", []), key=len, reverse=True)
    return {
        "categories": categories,
        "exhortations": data["exhortations"],
        "complement": re.compile(r"^(.{1,3})不(" + "|".join(map(re.escape, complements)) + r")$")
        if complements
        else None,
        "complements": set(complements),
        "exclude": set(pc.get("exclude", [])),
        "sentence_patterns": [
            (key, re.compile("|".join(f"(?:{p})" for p in pats)))
            for key, pats in data.get("sentence_patterns", {}).items() if not key.startswith("_") and pats
        ],
        "rebuttal": re.compile("|".join([*map(re.escape, data["rebuttal"].get("cues", [])), *data["rebuttal"].get("patterns", [])]))
        if data.get("rebuttal") else None,
        "proposal": re.compile("|".join(map(re.escape, data.get("rebuttal", {}).get("proposal", [])))) if data.get("rebuttal") else None,
        "homophones": {
            key: values for key, values in data.get("homophones", {}).items() if not key.startswith("_")
        },
    }


@functools.lru_cache(maxsize=8192)
def _char_pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin  # lazy: loads its dictionary on first use

    return lazy_pinyin(ch, style=Style.NORMAL)[0] if ch.strip() else ch


def _pinyin(text: str) -> list[str]:
    # One syllable per character (non-Han characters map to themselves), so indices line up.
    return [_char_pinyin(ch) for ch in text]


@functools.lru_cache(maxsize=256)
def _phrase_pinyin(phrase: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(phrase, style=Style.NORMAL)  # whole phrase: 不了 reads liao, not le


def _homophone_hits(clause: str) -> list[tuple[int, str, str, str]]:
    """(position, the words as heard, the cue they sound like, category key).

    Whisper sometimes writes a homophone (走过厂 for 走过场); toneless pinyin still matches.
    """
    table = cues()["homophones"]
    if not table or not re.search(r"[\u4e00-\u9fff]", clause):
        return []
    heard = _pinyin(clause)
    hits = []
    for key, phrases in table.items():
        for phrase in phrases:
            target = _phrase_pinyin(phrase)
            n = len(target)
            for i in range(len(heard) - n + 1):
                if heard[i : i + n] == target:
                    hits.append((i, clause[i : i + n], phrase, key))
    return hits


def _exhorted(prefix: str) -> bool:
    """True when the clause before the cue warns against it (不能…, 防止…, 坚决反对…)."""
    for question in ("是不是", "能不能", "要不要", "可不可以", "会不会"):
        prefix = prefix.replace(question, "")  # a question (是不是走过场, 能不能先按模板填) is not an exhortation
    if prefix.endswith(("不", "没", "未", "别", "莫")):  # 不搞形式, 没走过场
        return True
    if re.match(r"(?:如果|要是|假如|万一)", prefix) or re.search(r"(?:讲|说|提到)的$", prefix):
        return True  # '如果年前到不了位' is a condition; '苗总讲的差不多就行' reports what another said
    return any(word in prefix for word in cues()["exhortations"])


def _potential_complements(clause: str) -> list[tuple[int, str]]:
    """Positions of verb + 不 + complement in a clause, found on jieba tokens.

    jieba keeps 推不动 as one token but splits 搞 / 不 / 完 and 落实 / 不了, so both shapes are joined.
    """
    data = cues()
    if data["complement"] is None:
        return []
    tokens = words(clause)
    found, pos = [], 0
    offsets = []
    for tok in tokens:
        idx = clause.find(tok, pos)
        offsets.append(idx if idx >= 0 else pos)
        pos = (idx if idx >= 0 else pos) + len(tok)
    comps = data["complements"]
    for i, tok in enumerate(tokens):
        # One token (推不动), verb + 不C (落实 / 不了) or verb + 不 + C (搞 / 不 / 完); the verb
        # must be its own token so that a noun before it (方案推不动) is not taken for the verb.
        if data["complement"].match(tok) and len(tok) <= 6:
            phrase = tok
        elif i + 1 < len(tokens) and tokens[i + 1][:1] == "不" and tokens[i + 1][1:] in comps and len(tok) <= 3:
            phrase = tok + tokens[i + 1]
        elif i + 2 < len(tokens) and tokens[i + 1] == "不" and tokens[i + 2] in comps and len(tok) <= 3:
            phrase = tok + "不" + tokens[i + 2]
        else:
            continue
        if not re.search(r"[\u4e00-\u9fff]不", phrase) or _excluded(phrase, clause, offsets[i]):
            continue
        found.append((offsets[i], phrase))
    return found


def _excluded(phrase: str, clause: str, pos: int) -> bool:
    following = clause[pos : pos + len(phrase) + 2]
    return any(x in phrase or following.startswith(x) for x in cues()["exclude"])


@dataclass(frozen=True)
class Cue:
    pos: int  # character offset in the sentence
    text: str  # the cue, spelled correctly
    category: dict
    heard: str = ""  # the transcript's spelling when it was a homophone (走各国场 for 走个过场)


def find_cues(sentence: str) -> list[Cue]:
    """Each non-exhorted cue in a sentence, in order."""
    data = cues()
    hits: list[Cue] = []
    offset = 0
    for clause in _CLAUSE.split(sentence):
        start = sentence.find(clause, offset) if clause else offset
        offset = start + len(clause)
        if not clause:
            continue
        taken: list[tuple[int, int]] = []
        for cat in data["categories"]:
            for m in cat["pattern"].finditer(clause):
                if (
                    m.group()
                    and not _exhorted(clause[: m.start()])
                    and not _excluded(m.group(), clause, m.start())
                ):
                    hits.append(Cue(start + m.start(), m.group(), cat))
                    taken.append((m.start(), m.end()))
        by_key = {c["key"]: c for c in data["categories"]}
        for pos, heard, phrase, key in _homophone_hits(clause):
            overlaps = any(a < pos + len(heard) and pos < b for a, b in taken)
            if heard != phrase and key in by_key and not overlaps and not _exhorted(clause[:pos]):
                hits.append(Cue(start + pos, phrase, by_key[key], heard))
                taken.append((pos, pos + len(heard)))
        impl = next(c for c in data["categories"] if c["key"] == "implementation")
        for pos, phrase in _potential_complements(clause):
            if any(a <= pos < b for a, b in taken) or _exhorted(clause[:pos]):
                continue
            hits.append(Cue(start + pos, phrase, impl))
    by_key = {c["key"]: c for c in data["categories"]}
    for key, pattern in data["sentence_patterns"]:
        m = pattern.search(sentence)
        if m and key in by_key and not any(h.pos <= m.start() < h.pos + len(h.text) for h in hits):
            hits.append(Cue(m.start(), m.group(), by_key[key]))
    hits.sort(key=lambda h: h.pos)
    return hits


def _excerpt(sentence: str, pos: int) -> str:
    if len(sentence) <= MAX_TEXT:
        return sentence
    lo = max(0, pos - MAX_TEXT // 2)
    return sentence[lo : lo + MAX_TEXT]


CRITICISM_REASON = "批评与自我批评中指出的问题：这是组织生活会应有的内容，建议列入整改清单，明确责任人和完成时限。"


_ANONYMOUS = re.compile(r"^(?:发言人|说话人|SPEAKER|spk)", re.I)
# The study text read out (总书记指出…) and conditions (如果…) are not what the branch does.
_QUOTED = re.compile(r"^(?:好[，,。]?\s*)?(?:总书记|习近平|还强调|还讲到|还指出|强调|指出|讲到)")
_CONDITIONAL = re.compile(r"^(?:如果|要是|假如|万一)")
# The chair running the meeting (还有没有别的意见, 我们进行表决) says no remark to rebut.
_PROCEDURE = re.compile(r"还有没有|有没有不同|表决|举手|请坐|散会|开会")
REBUTTED_REASON = "发言当场被指出不妥，反映的做法可能流于形式或影响落实，建议会后跟进。"
# A remark said plainly: the sentence of a rebutted turn most likely to carry the attitude.
_HEDGE = re.compile(r"说实话|反正|就行|就算|就能|其实|只能|估计|到时候|嘛|先.{0,6}再|差不多|没必要")


def _rebuts(turn: list[Segment]) -> bool:
    """The turn opens by contradicting what was just said (这个话我得说一下, 那可不行, 话不能这么说)."""
    pattern = cues()["rebuttal"]
    return bool(pattern and pattern.search("".join(s.text for s in turn)[:40]))


def detect(segments: list[Segment], meeting_type: str = "", chair: str | None = None,
           roster: list[str] | None = None) -> list[Risk]:
    """Risks in order of speech, from the members' own words: the chair's warnings, a guest's talk,
    the study text read out and a turn that rebuts the one before are not risks themselves.
    A member's remark that the next speaker rebuts at once is one, even without a cue word.
    At a 组织生活会 a cue inside criticism or self-criticism gets a reason that points to the
    rectification list instead of treating it as a warning sign."""
    risks: list[Risk] = []
    seen: set[str] = set()
    members = set(roster or [])
    turns = speaker_turns([s for s in segments if s.text])

    def counts(speaker: str) -> bool:
        if chair and speaker == chair and not _ANONYMOUS.match(speaker):
            return False  # the chair by name; an anonymous label may hold several voices (diarization)
        # a named voice outside the roster is a guest or lecturer (anonymous labels cannot tell)
        return not (members and speaker and speaker not in members and not _ANONYMOUS.match(speaker))

    for ti, turn in enumerate(turns):
        if not counts(turn[0].speaker) or _rebuts(turn) and ti > 0:
            continue
        before = len(risks)
        for seg in turn:
            if not _rebuts([seg]):  # diarization may have put the rebuttal under the same label
                risks.extend(_segment_risks(seg, meeting_type, seen))
        rebutted = ti + 1 < len(turns) and turns[ti + 1][0].speaker != turn[0].speaker and _rebuts(turns[ti + 1])
        proposal = cues()["proposal"]
        said = "".join(s.text for s in turn)
        if rebutted and len(risks) == before and not (proposal and proposal.search(said)):
            risks.extend(_rebutted_risk(turn, seen))
    return risks


def _rebutted_risk(turn: list[Segment], seen: set[str]) -> list[Risk]:
    candidates = [(seg, s) for seg in turn for s in sentences(seg.text) if len(s) >= 6 and not _QUOTED.match(s)
                  and not _PROCEDURE.search(s)]
    if not candidates:
        return []
    seg, sentence = max(candidates, key=lambda c: (bool(_HEDGE.search(c[1])), len(c[1]) <= MAX_TEXT, len(c[1])))
    excerpt = _excerpt(sentence, 0)
    if excerpt in seen:
        return []
    seen.add(excerpt)
    return [Risk(speaker=seg.speaker, text=excerpt, start=round(seg.start, 2), end=round(seg.end, 2),
                 reason=REBUTTED_REASON, cue="当场被指出")]


def _segment_risks(seg: Segment, meeting_type: str, seen: set[str]) -> list[Risk]:
    risks: list[Risk] = []
    text = seg.text
    cursor = 0
    before = ""
    for sentence in sentences(text):
        at = text.find(sentence, cursor)
        at = at if at >= 0 else cursor
        cursor = at + len(sentence)
        said_before, before = before, sentence
        if _QUOTED.match(sentence) or _CONDITIONAL.match(sentence):
            continue
        hits = find_cues(sentence)
        if not hits:
            continue
        # Quote the sentence with misheard cues spelled right, so the secretary reads what was meant; a short
        # one with the sentence before it ('到时候谁有空谁上' | '现在倒班人都不够'), as the secretary needs it.
        shown = sentence if len(sentence) >= 25 or not said_before else f"{said_before}{sentence}"
        at -= len(shown) - len(sentence)  # the quote starts where its first sentence does
        for h in hits:
            if h.heard:
                shown = shown.replace(h.heard, h.text)
        excerpt = _excerpt(shown, hits[0].pos)
        if excerpt in seen:
            continue
        seen.add(excerpt)
        # Interpolate the sentence's time inside the segment by character position.
        per_char = seg.duration / max(len(text), 1)
        cue_names = list(dict.fromkeys(h.text + (f"（转写为“{h.heard}”）" if h.heard else "") for h in hits))
        category = min((h.category for h in hits), key=lambda c: c["priority"])
        risks.append(
            Risk(
                speaker=seg.speaker,
                text=excerpt,
                start=round(seg.start + per_char * at, 2),
                end=round(min(seg.end, seg.start + per_char * (at + len(shown))), 2),
                reason=CRITICISM_REASON
                if expect(meeting_type).criticism and CRITICISM.search(text)
                else f"{category['name']}：{category['reason']}",
                cue="、".join(cue_names),
            )
        )
    return risks
