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


# --- deadlines heard through recognition errors: 月/日 as 一, an inserted or dropped 一 ---------------

ASR_BASE = dt.date(2026, 10, 12)


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("十二一二十一前全部收齐", "2026-12-20"),  # 十二月二十日前, both markers heard as 一
        ("在十一一三十前报送", "2026-11-30"),
        ("12一20一前完成", "2026-12-20"),
        ("11月31日前报上级党委", "2026-10-31"),  # 十月 with an inserted 一: the nearest date that exists
        ("9月31号之前交", "2027-09-30"),  # the only one-一 reading (9/30) has passed this year
    ],
)
def test_misheard_deadlines_are_read_and_marked(said, date):
    d = find_deadline(said, ASR_BASE)
    assert d is not None and d.date == date and d.explicit and d.corrected


@pytest.mark.parametrize("said", ["2月30日前完成", "11月31日提到过", "三十一前"])
def test_impossible_dates_are_never_produced(said):
    d = find_deadline(said, ASR_BASE)
    assert d is None or d.date is None


@pytest.mark.parametrize(("said", "date"), [("十月三十一日前", "2026-10-31"), ("十一月前完成", "2026-11-30"),
                                           ("下月十五号前", "2026-11-15")])
def test_well_heard_deadlines_are_not_marked(said, date):
    d = find_deadline(said, ASR_BASE)
    assert d.date == date and not d.corrected
