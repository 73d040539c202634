"""summarizer.heard: cue words heard as homophones are read back only where they belong."""

import re

from summarizer.heard import restore, restore_task_words


def test_restore_replaces_sound_alike_windows_only():
    assert restore("会议绝定成立突击队", ["会议决定"]) == "会议决定成立突击队"
    assert restore("会议觉得可以", ["会议决定"]) == "会议觉得可以"  # jue de is not jue ding


def test_restore_honours_protected_spans_and_context():
    assert restore("石班同志执班", ["值班"], protect=[(0, 2)]) == "石班同志值班"
    after = re.compile(r"同志$")
    assert restore("李强同志佛则，大家都佛则", ["负责"], after=after) == "李强同志负责，大家都佛则"


def test_task_words_in_a_deadline_only():
    assert restore_task_words("本月低前完成") == "本月底前完成"
    assert restore_task_words("二十好前报送") == "二十号前报送"
    assert restore_task_words("本月底签完成") == "本月底前完成"
    assert restore_task_words("成本越低越好，这个月低价采购") == "成本越低越好，这个月低价采购"
