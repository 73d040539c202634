"""asr.text: Simplified output and numerals normalised for display without mangling idioms."""

from __future__ import annotations

import pytest

from asr.text import clean_text, cn_to_int, has_traditional


@pytest.mark.parametrize(("raw", "shown"), [
    ("應到五人 實到四人", "应到5人，实到4人"),
    ("十二月二十日前收齊", "12月20日前收齐"),
    ("12月二十号", "12月20号"),
    ("１２月２０日", "12月20日"),
    ("二零二六年十月十二日", "2026年10月12日"),
    ("截至九月底,应缴党费的党员二十三人", "截至9月底，应缴党费的党员23人"),
    ("百分之八十", "80%"),
    ("赞成九票 反对零票", "赞成9票，反对0票"),
    # words that only contain numerals stay as they are
    ("一致同意", "一致同意"),
    ("第一议题", "第一议题"),
    ("三会一课 两学一做", "三会一课，两学一做"),
    ("第四季度", "第四季度"),
    ("两名同志", "两名同志"),
    ("一个月", "一个月"),
    ("一人一岗", "一人一岗"),
])
def test_clean_text(raw, shown):
    assert clean_text(raw) == shown


def test_no_traditional_survives():
    raw = "黨費收繳工作由劉芳同志負責，會議決定，學習總書記講話"
    out = clean_text(raw)
    assert not has_traditional(out) and has_traditional(raw)
    assert out == "党费收缴工作由刘芳同志负责，会议决定，学习总书记讲话"


def test_cn_to_int():
    assert [cn_to_int(w) for w in ("二十三", "十二", "一百零五", "二零二六", "十", "12", "党")] == [
        23, 12, 105, 2026, 10, 12, None]


def test_repetition_loops_and_subtitle_hallucinations():
    from asr.text import collapse_repeats, is_hallucination

    assert collapse_repeats("格文文文文文哟") == "格文哟"
    assert collapse_repeats("好的好的好的好的好的") == "好的"
    assert collapse_repeats("哈哈哈，大家好") == "哈哈哈，大家好"  # three is speech, not a loop
    assert is_hallucination("请不吝点赞 订阅 转发 打赏支持明镜与点点栏目")
    assert not is_hallucination("会议决定由刘芳同志负责")


@pytest.mark.parametrize(("raw", "shown"), [
    ("十二一二十一前完成", "12月20日前完成"),  # 月 and 日 both heard as 一
    ("十一二十日前把活动方案报支部", "10月20日前把活动方案报支部"),  # 十月 -> 十一
    # a date that cannot exist stays as heard: the summarizer judges it against the meeting's date
    ("请在十一月三十一日前上报", "请在11月31日前上报"),
    ("11月31日之前", "11月31日之前"),
    ("十二一二十号之前", "12月20号之前"),
    # not a date, or not only one way to read it: left alone
    ("二十一日前", "二十一日前"),
    ("统一二十日前", "统一二十日前"),
    ("第十一二十日前", "第十一二十日前"),
    ("三一五前", "三一五前"),
    ("十二一二十一人", "十二一二十一人"),
    ("11月30日前", "11月30日前"),
    ("2月30日前", "2月30日前"),
])
def test_misheard_dates_repaired_only_where_they_must_be_dates(raw, shown):
    assert clean_text(raw) == shown
