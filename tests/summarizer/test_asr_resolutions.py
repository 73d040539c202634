"""Resolutions from text as speech recognition writes it: no punctuation between segments, one decision
over several segments, homophones for verbs, names and dates (kinds of error, not corpus strings)."""

import pytest

from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes
from summarizer.resolutions import DEADLINE_INFERRED
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", date="2026-10-12", host="周建华", recorder="钱丽",
                  roster=["周建华", "钱丽", "孙悦", "李强", "吴芳", "冯军"])


def _resolutions(lines, step: float = 3.0):
    lines = [("发言人1", t) if isinstance(t, str) else t for t in lines]
    return extract_minutes(segments(lines, step=step), MEETING).resolutions


@pytest.mark.parametrize(
    "said",
    [
        "请钱丽同志空报上半年党员发展情况",  # 通报 heard as 空报
        "请孙悦同志会报个人情况",  # 汇报 as a homophone
        "下面请李强同志简报一下工作进展",
        "请冯军同志发严",  # 发言
        "请吴芳同志谈谈学习体会",
    ],
)
def test_giving_the_floor_is_not_a_task(said):
    assert _resolutions([said]) == []


@pytest.mark.parametrize(
    ("said", "owner"),
    [
        ("请钱丽同志报送党员发展情况，本月底前完成", "钱丽"),
        ("请孙悦同志牵头整理党费收缴情况", "孙悦"),
    ],
)
def test_tasks_about_a_situation_stay_tasks(said, owner):
    [res] = _resolutions([said])
    assert res.owner == owner


def test_a_repaired_deadline_is_kept_and_flagged_for_checking():
    [res] = _resolutions(["会议决定由钱丽同志负责年度党员档案整理，十二一二十一前全部完成"])
    assert (res.owner, res.deadline) == ("钱丽", "2026-12-20")
    assert DEADLINE_INFERRED in res.flags and NEEDS_FILLING not in res.flags


def test_an_impossible_deadline_is_left_for_the_secretary():
    [res] = _resolutions(["会议决定由钱丽同志负责年度党员档案整理，2月30日前全部完成"])
    assert res.owner == "钱丽" and res.deadline is None and NEEDS_FILLING in res.flags
