"""Resolutions from text as speech recognition writes it: no punctuation between segments, one decision
over several segments, homophones for verbs, names and dates (kinds of error, not corpus strings)."""

import pytest

from core.flags import Flag
from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes
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
    assert Flag.DEADLINE_INFERRED in res.flags and NEEDS_FILLING not in res.flags


def test_an_impossible_deadline_is_left_for_the_secretary():
    [res] = _resolutions(["会议决定由钱丽同志负责年度党员档案整理，2月30日前全部完成"])
    assert res.owner == "钱丽" and res.deadline is None and NEEDS_FILLING in res.flags


def test_a_decision_cut_into_segments_is_one_item():
    res = _resolutions([
        "好，经研究由孙悦同志负责年度民主评议的组织工作",
        "下月十五号前完成个人自评，并把测评表发给每位党员",
    ])
    assert len(res) == 1
    assert (res[0].owner, res[0].deadline) == ("孙悦", "2026-11-15")
    assert "测评表" in res[0].content and "自评" in res[0].content


def test_the_matter_decided_and_the_task_that_follows_are_one_item():
    res = _resolutions([
        "会议同意推荐张小红",
        "李大伟为优秀共产党员",
        "由吴芳同志负责整理事迹材料",
        "本周五之前报党委组织部",
    ])
    assert len(res) == 1
    assert (res[0].owner, res[0].deadline) == ("吴芳", "2026-10-16")
    assert "李大伟" in res[0].content and "事迹材料" in res[0].content


def test_a_pause_or_another_speaker_ends_the_item():
    res = _resolutions([
        "会议决定由李强同志负责党员活动室改造",  # t = 0 .. 2.5 s
        ("发言人2", "下周我们还要开安全会"),
        ("发言人1", "年底前完成全部验收"),
    ])
    assert [(r.owner, r.deadline) for r in res] == [("李强", None)]


def test_a_new_matter_is_not_glued_to_the_last_one():
    res = _resolutions([
        "由冯军同志牵头修订支部工作制度",
        "另外，请钱丽同志负责下季度的党课安排",
        "本月底前报支委会",
    ])
    assert [(r.owner, r.deadline) for r in res] == [("冯军", None), ("钱丽", "2026-10-31")]


def test_measures_listed_over_segments_without_numbers():
    res = _resolutions([
        "经过讨论，落实措施是一",
        "各党小组下月十号前完成一次专题学习",
        "由冯军同志年底前建立学习台账",
        "十一月份组织一次现场观摩",
        "下面进行第二个议题",
    ])
    assert [(r.owner, r.deadline) for r in res] == [
        ("各党小组", "2026-11-10"), ("冯军", "2026-12-31"), (None, "2026-11-30")]


def test_closing_words_never_end_up_in_the_content():
    [res] = _resolutions(["请李强同志牵头，在本周内清理过期宣传资料今天咱们会就开到这里，散会"])
    assert res.owner == "李强" and res.content.endswith("宣传资料")


@pytest.mark.parametrize(
    ("said", "owner", "deadline"),
    [
        ("会议绝定由孙悦同志负责党员活动日签到，本月底前完成", "孙悦", "2026-10-31"),  # 决定 as 绝定
        ("请李强同志佛则组织社区志愿服务，本周五之前报名单", "李强", "2026-10-16"),  # 负责 as 佛则
        ("冯军同志前头把支部台账补齐，下月十号前交", "冯军", "2026-11-10"),  # 牵头 as 前头
    ],
)
def test_frames_heard_as_homophones(said, owner, deadline):
    [res] = _resolutions([said])
    assert (res.owner, res.deadline) == (owner, deadline)


def test_everyday_words_that_sound_like_frames_stay_as_said():
    # 经验就 sounds like 经研究, 走在前头 like 牵头: neither is a decision
    assert _resolutions(["我们班组的经验就是每周五之前把问题清零", "大家都要走在前头，月底前多学一点"]) == []


def test_a_frame_said_at_the_end_of_a_sentence_opens_the_next_one():
    res = _resolutions(["大家的意见很中肯，班子要认真研究，经研究。", "决定成立青年突击队，由孙悦同志牵头组建，下月十号前完成"])
    assert [(r.owner, r.deadline) for r in res] == [("孙悦", "2026-11-10")]
    assert "青年突击队" in res[0].content and "意见" not in res[0].content


def test_a_month_heard_as_one_before_a_day_said_with_ri():
    [res] = _resolutions(["下季度的主题党日请冯军同志负责策划十一二十五日前报方案，好，散会"])
    assert (res.owner, res.deadline) == ("冯军", "2026-10-25") and Flag.DEADLINE_INFERRED in res.flags
    assert not res.content.endswith("好")


def test_an_unnumbered_list_ends_where_the_chair_stops_listing_tasks():
    res = _resolutions([
        "落实措施是一",
        "各党小组本月低前完成一次专题学习",  # 底 heard as 低
        "大家还有没有补充",
        "由冯军同志年底前建立学习台账",
    ])
    assert [(r.owner, r.deadline) for r in res] == [("各党小组", "2026-10-31"), ("冯军", "2026-12-31")]


def test_words_that_sound_like_di_stay_outside_a_deadline():
    assert _resolutions(["这个月低价采购的物资要登记"]) == []


def test_a_roster_name_inside_a_misheard_frame_is_the_owner():
    # 由 heard as 拥 / 有: the owner is the member, not '拥钱丽'
    res = _resolutions(["好，会议决定拥钱丽同志负责年度党费收缴工作，12月20日前全部收齐。",
                        "并向驻外同志发送线上缴纳说明",
                        "会议同意有李强同志负责联系共建单位，本月底前完成"])
    assert [(r.owner, r.deadline) for r in res] == [("钱丽", "2026-12-20"), ("李强", "2026-10-31")]
    assert "驻外同志" in res[0].content  # '并…' goes on after the full stop ASR put in
    assert not res[1].content.startswith("有")


def test_a_list_item_does_not_keep_the_next_items_number():
    res = _resolutions(["落实措施是1,11月份开展一次安全生产专题研讨二，各党小组在本月底前完成一次集中学习。"])
    assert [r.content for r in res] == ["开展一次安全生产专题研讨", "完成一次集中学习"]


@pytest.mark.parametrize(
    ("said", "owner", "deadline"),
    [
        ("会议决定由孙悦同志负责党员信息采集，二十好前报组织部", "孙悦", "2026-10-20"),  # 号 as 好
        ("会议决定由孙悦同志负责党员信息采集，本月底签报组织部", "孙悦", "2026-10-31"),  # 前 as 签
        ("会议决定由冯俊同志负责党员信息采集，下月十号前报组织部", "冯军", "2026-11-10"),  # jun/jun: homophone
        ("会议决定由吴方同志负责党员信息采集，下月十号前报组织部", "吴芳", "2026-11-10"),
        ("会议决定由李墙同志负责党员信息采集，下月十号前报组织部", "李强", "2026-11-10"),
        ("会议决定由李琼同志负责党员信息采集，下月十号前报组织部", "李强", "2026-11-10"),  # qiong: half heard
        ("会议决定由钱丽同志负责，请外单位的张华同志配合，下月十号前报组织部", "钱丽", "2026-11-10"),
    ],
)
def test_deadline_and_owner_words_heard_nearly(said, owner, deadline):
    [res] = _resolutions([said])
    assert (res.owner, res.deadline) == (owner, deadline)


def test_a_guest_with_a_members_surname_but_another_name_stays_as_heard():
    [res] = _resolutions(["会议决定请孙明同志负责联系共建单位，本月底前完成"])  # 孙悦 is sun yue; 孙明 is not near
    assert res.owner == "孙明"
    [res] = _resolutions(["会议决定请李华同志负责联系共建单位，本月底前完成"])  # nor is 李华 near 李强
    assert res.owner == "李华"


def test_the_next_agenda_item_said_without_a_pause_is_not_content():
    [res] = _resolutions(["会议决定由吴芳同志负责整理党员档案本月底前完成下面进行第三个议题讨论发展对象"])
    assert (res.owner, res.deadline) == ("吴芳", "2026-10-31")
    assert "整理党员档案" in res.content and "议题" not in res.content and "发展对象" not in res.content
