"""asr.correct and asr.lexicon: restore misheard terms and names, never rewrite correct text."""

from __future__ import annotations

import pytest

from asr.correct import Corrector
from asr.lexicon import correction_terms, load_lexicon, meeting_hotwords

ROSTER = ["王建国", "刘芳", "陈志强", "赵敏", "孙磊", "周晓明", "吴婷"]


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector(correction_terms(ROSTER), names=ROSTER)


def test_lexicon_has_hundreds_of_distinct_real_terms():
    terms = load_lexicon()
    assert len(terms) >= 400 and len(set(terms)) == len(terms)
    for term in ("三会一课", "第一议题", "支委会", "党费收缴", "入党积极分子", "预备党员", "组织生活会",
                 "民主评议", "主题党日", "领学", "落实", "纪检", "两学一做"):
        assert term in terms


def test_meeting_hotwords_put_names_first():
    words = meeting_hotwords(["刘芳", "陈志强"], ["研究第四季度党费收缴工作"], "支委会")
    assert words[:3] == ["刘芳", "陈志强", "党费收缴"]
    assert "支委会" in words and len(words) == len(set(words))


@pytest.mark.parametrize(("heard", "meant"), [
    ("从季检的角度看", "从纪检的角度看"),
    ("研究第四季度党飞收脚工作", "研究第四季度党费收缴工作"),
    ("请臣志抢同志领学", "请陈志强同志领学"),
    ("由照名同志负责", "由赵敏同志负责"),
    ("建议将周晓明吴停两名同志确定为入党积极分子", "建议将周晓明吴婷两名同志确定为入党积极分子"),
    ("应到5人，十到4人", "应到5人，实到4人"),
    ("孙雷同志出差请假", "孙磊同志出差请假"),
    ("今天的纸委会", "今天的支委会"),
    ("讨论确定如党积极分子人选", "讨论确定入党积极分子人选"),
    ("周小明同志在抢修任务中表现突出", "周晓明同志在抢修任务中表现突出"),
    ("我们要把党风连政建设抓好", "我们要把党风廉政建设抓好"),
])
def test_misheard_terms_are_restored(corrector, heard, meant):
    assert corrector.correct(heard) == meant


@pytest.mark.parametrize("text", [
    "照明设备要更新",  # 照明 is a word, not 赵敏
    "事到如今也只能这样",  # 事到如今, not 实到
    "他是到了北京才知道的",  # 是到 is no 实到
    "就是到时候再说",
    "广州市房地产中介协会分析",
    "从来都不是停止练习的借口",
    "请刘芳同志通报党费收缴情况",  # already right
    "第一议题学习习近平总书记的重要讲话",
])
def test_correct_text_is_never_rewritten(corrector, text):
    assert corrector.correct(text) == text
    assert corrector.find(text) == []


def test_transliterations_are_not_pulled_towards_terms(corrector):
    text = "保罗斯普尔是位于美国亚利桑那州的一个非建制地区"
    assert corrector.correct(text) == text


@pytest.mark.parametrize(("heard", "meant"), [
    ("关键是诺时总书记的要求", "关键是落实总书记的要求"),
    ("有照明同志负责指定培养联系人", "有赵敏同志负责指定培养联系人"),
])
def test_light_confusions_and_addressed_names(corrector, heard, meant):
    assert corrector.correct(heard) == meant


def test_a_homophone_addressed_as_comrade_is_the_roster_name():
    from asr.correct import Corrector

    roster = ["郑浩", "林静", "张伟"]
    corrector = Corrector(roster, names=roster)
    assert corrector.correct("实到15名正好同志病假") == "实到15名郑浩同志病假"
    assert corrector.correct("今天正好同志们都来了") == "今天正好同志们都来了"
    assert corrector.correct("正好开会") == "正好开会"
