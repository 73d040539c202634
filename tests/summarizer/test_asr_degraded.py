"""The invented meetings as a recogniser delivers them: every line cut into short segments at clause ends,
no punctuation where a segment ends, digits for numbers, anonymous speaker labels, names as homophones.
The minutes must say the same as from the clean text (owners, deadlines, agenda, attendance)."""

import re

import cn2an
import pytest

from core.types import Segment
from summarizer import extract_minutes
from tests.summarizer import meetings

HOMOPHONES = {"赵刚": "赵钢", "钱丽": "钱莉", "孙悦": "孙越", "马超": "马潮", "林雪": "林学", "田甜": "田恬",
              "罗兰": "罗岚", "陈志强": "陈志墙", "赵敏": "照民", "刘芳": "刘方"}


def recognised(lines: list[tuple[str, str]], cut: int, names: bool) -> list[Segment]:
    labels: dict[str, str] = {}
    out: list[Segment] = []
    t = 0.0
    for speaker, text in lines:
        label = labels.setdefault(speaker, f"发言人{len(labels) + 1}")
        text = re.sub(r"[零一二三四五六七八九十]+(?=[月日号人名票])", lambda m: str(cn2an.cn2an(m.group(0), "smart")), text)
        if names:
            for said, heard in HOMOPHONES.items():
                text = text.replace(said, heard)
        pieces, current = [], ""
        for part in re.split(r"(?<=[，。；！？：])", text):
            current += part
            if current.endswith(("。", "！", "？", "；")) or len(current) >= cut:
                pieces.append(current)
                current = ""
        pieces += [current] if current else []
        for piece in pieces:
            piece = re.sub(r"[，。；！？：、]$", "", piece.strip())
            out.append(Segment(t, t + 0.25 * len(piece), piece, label))
            t += 0.25 * len(piece) + 0.3
        t += 0.7  # a breath between turns
    return out


def _summary(minutes):
    att = minutes.attendance
    return {
        "resolutions": [(r.owner, r.deadline) for r in minutes.resolutions],
        "agenda": minutes.agenda,
        "first_topic": minutes.first_topic is not None,
        "attendance": (att.expected, att.present, sorted(a.name for a in att.absent)),
    }


@pytest.mark.parametrize("name", ["ASSEMBLY", "PARTY_LECTURE", "ANONYMOUS", "COMMITTEE", "LIFE_MEETING"])
@pytest.mark.parametrize("cut", [6, 10, 16])
@pytest.mark.parametrize("names", [False, True])
def test_recognised_meeting_gives_the_same_minutes(name, cut, names):
    meeting, lines = getattr(meetings, name)
    clean = _summary(extract_minutes(meetings.segments(lines), meeting))
    heard = _summary(extract_minutes(recognised(lines, cut, names), meeting))
    assert heard == clean
