import datetime as dt

import pytest

from summarizer.dates import find_deadline

MEETING = dt.date(2026, 10, 12)  # a Monday


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("本月底前完成", "2026-10-31"),
        ("月底前报上来", "2026-10-31"),
        ("十二月二十日前全部收齐", "2026-12-20"),
        ("12月20日前完成", "2026-12-20"),
        ("下月十五号前", "2026-11-15"),
        ("下个月底之前", "2026-11-30"),
        ("本周五之前报送", "2026-10-16"),
        ("下周三前", "2026-10-21"),
        ("明年一月十号前", "2027-01-10"),
        ("年底前", "2026-12-31"),
        ("两周内完成", "2026-10-26"),
        ("2026年11月3日前", "2026-11-03"),
        ("十月三十一日前报上级党委备案", "2026-10-31"),
        ("本季度末", "2026-12-31"),
        ("二十号前交上来", "2026-10-20"),
        ("5号之前报支部", "2026-11-05"),
    ],
)
def test_deadlines_resolve_against_the_meeting_date(said, expected):
    assert find_deadline(said, MEETING).date == expected


def test_month_already_passed_means_next_year():
    assert find_deadline("九月底前完成", MEETING).date == "2027-09-30"
    assert find_deadline("九月底前完成", dt.date(2026, 8, 20)).date == "2026-09-30"
    assert find_deadline("一月十号前", dt.date(2026, 12, 20)).date == "2027-01-10"


def test_recurring_tasks_have_no_deadline():
    d = find_deadline("每周五之前报送学习情况", MEETING)
    assert d is not None and d.recurring and d.date is None


def test_month_mention_is_weaker_than_an_explicit_deadline():
    d = find_deadline("下个月的主题党日活动，十月二十日前把活动方案报支部", MEETING)
    assert d.date == "2026-10-20"
    assert find_deadline("十一月份开展一次专题研讨", MEETING).explicit is False


@pytest.mark.parametrize("text", ["今天的会议", "周晓明同志表现突出", "二零二四年三月递交入党申请书", "第四季度党费", "预备期一年"])
def test_not_deadlines(text):
    d = find_deadline(text, MEETING)
    assert d is None or d.date is None
