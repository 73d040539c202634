"""core/zh: the one numeral reader and clock of every stage."""

import pytest

from core.zh import clock, cn_to_int


@pytest.mark.parametrize("word, value", [
    ("二十三", 23), ("十二", 12), ("十", 10), ("一百零五", 105), ("二零二六", 2026), ("两百", 200),
    ("三千零五十", 3050), ("百", 100), ("三百五", 350), ("一万二", 12000), ("一万零五百", 10500),
    ("十五万", 150000), ("2十", 20), ("15", 15), ("幺", 1), ("〇", 0),
])
def test_numerals_as_they_are_said(word, value):
    assert cn_to_int(word) == value


@pytest.mark.parametrize("word", ["", "同志", "十二人", "abc"])
def test_not_a_number(word):
    assert cn_to_int(word) is None


def test_clock():
    assert clock(307) == "05:07" and clock(3723) == "01:02:03" and clock(5, always_hours=True) == "00:00:05"
    assert clock(-3) == "00:00"


def test_readings_of_a_run_where_month_and_day_were_heard_as_yi():
    from core.zh import misheard_month_days, month_day, reading

    assert (2, False, 12, 20) in misheard_month_days("十二一二十一")  # 十二月二十日 with 月 and 日 heard as 一
    assert (1, True, 12, 21) in misheard_month_days("十二一二十一")  # or 十二月二十一 with no 日 said
    assert misheard_month_days("十一二十", day_said=True) == [(1, False, 10, 20)]  # 十月二十日, 月 heard as 一
    assert misheard_month_days("十一月三十") == [(0, True, 11, 30)]
    assert month_day("二", "三十") is None and month_day("二", "二十九") == (2, 29)  # a day some year has
    assert [reading(n) for n in (1, 10, 11, 20, 31)] == ["一", "十", "十一", "二十", "三十一"]
