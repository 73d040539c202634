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
