"""One sentence from the chair, many ways of saying (or not saying) a decision (domain.md)."""

import pytest

from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", date="2026-10-12", host="王建国", recorder="刘芳",
                  roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])


def _resolutions(text: str, speaker: str = "王建国"):
    return extract_minutes(segments([(speaker, text)]), MEETING).resolutions


@pytest.mark.parametrize(
    ("said", "owner", "deadline"),
    [
        ("原则同意党建品牌创建方案，请赵敏同志按照大家的意见修改完善后，于11月30日前报党委。", "赵敏", "2026-11-30"),
        ("这项工作就交给陈志强同志了，月底前拿出方案。", "陈志强", "2026-10-31"),
        ("具体由办公室负责，下周一前把通知发下去。", "办公室", "2026-10-19"),
        ("责成孙磊同志限期整改，三天内提交书面说明。", "孙磊", "2026-10-15"),
        ("陈志强负责、赵敏配合，本周内完成党员信息核对。", "陈志强", "2026-10-18"),
        ("刘芳同志，你牵头把这个事落实一下，下周五前给我回复。", "刘芳", "2026-10-23"),
        ("会议指出，部分党员学习不够深入，由陈志强同志牵头制定学习计划，年底前完成。", "陈志强", "2026-12-31"),
        ("由王书记负责联系上级党委，下周三之前汇报。", "王建国", "2026-10-21"),
        ("会议研究决定，给予某同志党内警告处分，由纪检委员赵敏同志负责宣布处分决定。", "赵敏", None),
        ("关于困难党员慰问，就按刘芳同志说的办，春节前走访到位。", None, "2027-02-06"),
        ("经支委会研究，由刘方同志负责，元旦前完成党员档案整理。", "刘芳", "2027-01-01"),
        ("这件事由我来牵头，二十号前拿出初稿。", "王建国", "2026-10-20"),
    ],
)
def test_decisions(said, owner, deadline):
    [res] = _resolutions(said)
    assert (res.owner, res.deadline) == (owner, deadline)
    assert (NEEDS_FILLING in res.flags) == (owner is None or deadline is None)
    assert "同志" not in res.content[:2] and res.content


@pytest.mark.parametrize(
    "said",
    [
        "我看这个事情可以考虑放到明年再做。",
        "大家看看有没有意见？",
        "会议认为，今年的党建工作总体较好。",
        "请大家踊跃发言。",
        "请赵敏同志介绍一下情况。",
        "这个问题比较复杂，下次再议。",
        "建议由刘芳同志负责，月底前完成。",
        "去年由陈志强同志负责的项目已经顺利完成。",
        "会议同意将该事项提交党员大会讨论。",
        "能不能请孙磊同志牵头？",
    ],
)
def test_not_decisions(said):
    assert _resolutions(said) == []


def test_a_members_suggestion_is_not_the_meetings_decision():
    assert _resolutions("我建议由陈志强同志牵头，月底前把方案报上来。", speaker="赵敏") == []
