"""Owners as members address each other, on invented sentences and rosters (not corpus lines)."""

import datetime as dt

import pytest

from core.types import Meeting, Segment
from summarizer import extract_minutes
from summarizer.addressing import RosterForms, find_agents
from summarizer.dates import find_deadline

ROSTER = ["尚明哲", "欧阳晓岚", "蒋德厚", "司徒静", "范文涛", "郁红"]
MEETING = Meeting(type="支部委员会", date="2026-06-09", host="尚明哲", roster=ROSTER)


def _tasks(*lines: tuple[str, str]):
    segments = [Segment(i * 6.0, i * 6.0 + 5.0, text, who) for i, (who, text) in enumerate(lines)]
    return [(r.owner, r.deadline) for r in extract_minutes(segments, MEETING).resolutions]


@pytest.mark.parametrize("text, owner", [
    ("晓岚，台账你来整理，下周三之前交给我。", "欧阳晓岚"),  # given name of a compound surname, then 你
    ("老蒋，这件事你牵头，小范配合你，月底前拿出方案。", "蒋德厚"),  # 老X; the helper is not the owner
    ("文涛负责，七月十号之前把名单报上来。", "范文涛"),
    ("司徒主任，你去跟厂里争取一下，本周五前给个答复。", "司徒静"),  # surname + title
])
def test_the_chair_gives_a_task_the_way_people_talk(text, owner):
    assert _tasks(("尚明哲", "同志们，开会了，支委都到齐了。"), ("尚明哲", text)) == [(owner, find_deadline(text, MEETING.day).date)]


def test_you_is_the_member_who_just_spoke():
    tasks = _tasks(("尚明哲", "我们开会。"), ("郁红", "书记，宣传栏是不是该换一期了？"),
                   ("尚明哲", "可以，这个事交给你，六月二十号之前换好。"))
    assert tasks == [("郁红", "2026-06-20")]


def test_handing_in_and_the_floor_are_not_owners():
    forms = RosterForms(ROSTER)
    assert [a.name for a in find_agents("每人写一篇体会，下周一交给郁红", forms)] == []
    assert _tasks(("尚明哲", "开会。"), ("尚明哲", "德厚，你先说说情况。")) == []
    assert _tasks(("尚明哲", "开会。"), ("尚明哲", "文涛，你这个想法我不同意，先不定。")) == []


def test_a_name_in_a_clause_of_time_is_not_the_owner():
    tasks = _tasks(("尚明哲", "开会。"), ("尚明哲", "郁红同志出差回来以后，我去找她谈一次，月底前谈完。"))
    assert tasks == [("尚明哲", "2026-06-30")]


def test_a_measures_list_and_its_recap_give_each_task_once():
    tasks = _tasks(("尚明哲", "开会。"), ("尚明哲", "下面我把整改措施说一下。第一，范文涛牵头修订值班制度，七月十五日之前拿出来；"
                                           "第二，各班组每周开一次安全例会。"),
                   ("尚明哲", "好，我最后归纳一下：值班制度文涛牵头，七月十五号前；安全例会每周一次。散会。"))
    assert tasks == [("范文涛", "2026-07-15"), ("各班组", None)]


@pytest.mark.parametrize("text, date", [
    ("春节前拿出方案", "2027-02-05"),  # the day before the lunar new year, from the holidays library
    ("中秋节前发到位", "2026-09-24"),
    ("国庆前报上来", "2026-09-30"),
    ("三季度末之前完成", "2026-09-30"),
    ("下周二，哦不对，下周二要开会，下周三之前交", "2026-06-17"),
])
def test_deadlines_said_by_holiday_quarter_and_self_correction(text, date):
    assert find_deadline(text, dt.date(2026, 6, 9)).date == date


def test_without_a_roster_owners_are_taken_as_heard_and_flagged():
    meeting = Meeting(type="支部党员大会", date="2026-09-25", host="李红梅", roster=[])
    segments = [Segment(0, 4, "同志们，开会。", "发言人1"),
                Segment(5, 12, "经研究，由高振东同志牵头制定实施方案，10月15日前提交支委会审议。", "发言人1")]
    (res,) = extract_minutes(segments, meeting).resolutions
    assert (res.owner, res.deadline) == ("高振东", "2026-10-15")
    assert any("不在参会名单" in f for f in res.flags)


def test_the_task_belongs_to_the_last_one_addressed_before_you():
    tasks = _tasks(("尚明哲", "开会。"),
                   ("尚明哲", "文涛，这个想法要不得，问题要真改，设备的事，晓岚，你跟厂里对接，十月十五号之前拿出方案。"))
    assert tasks == [("欧阳晓岚", "2026-10-15")]
    garbled = _tasks(("尚明哲", "开会。"), ("尚明哲", "文涛，这个想法要不得，设备的事，老某某，你去跟厂里对接，十月十五号之前拿出方案。"))
    assert garbled == [(None, "2026-10-15")]  # the one addressed cannot be named: left empty, not the rebuked one


def test_two_tasks_in_one_breath_each_to_the_one_addressed():
    # recognition lost the stop between them; the second member is addressed in a clause of its own,
    # after the matter ('工作简报，德厚，你来写'), so the matter goes with the second task
    tasks = _tasks(("尚明哲", "开会。"),
                   ("尚明哲", "文涛，你牵头把安全手册改一版，两周内弄好，这次的工作简报，老蒋，你来写，下周一前报党委。"))
    assert tasks == [("范文涛", "2026-06-23"), ("蒋德厚", "2026-06-15")]
    minutes = extract_minutes([Segment(0, 5, "开会。", "尚明哲"), Segment(6, 16, "文涛，你牵头把安全手册改一版，两周内弄好，"
                                                                        "这次的工作简报，老蒋，你来写，下周一前报党委。", "尚明哲")], MEETING)
    assert "工作简报" in minutes.resolutions[1].content and "工作简报" not in minutes.resolutions[0].content


def test_of_two_members_who_sound_alike_the_one_present_is_meant():
    roster = ["尚明哲", "纪红", "冀鹏"]  # 纪 and 冀 are both ji: '小计' could be either
    said = [Segment(0, 5, "同志们开会，应到3人，实到2人，冀鹏同志出差。", "尚明哲"), Segment(6, 11, "小计，你来写简报，下周一前报党委。", "尚明哲")]
    meeting = Meeting(type="支部委员会", date="2026-06-09", host="尚明哲", roster=roster)
    assert [r.owner for r in extract_minutes(said, meeting).resolutions] == ["纪红"]
    present = [Segment(0, 5, "同志们开会，应到3人，实到3人。", "尚明哲"), said[1]]
    assert [r.owner for r in extract_minutes(present, meeting).resolutions] == [None]  # both there: left for the secretary


def test_a_name_that_is_a_common_word_is_no_owner_inside_a_clause():
    forms = RosterForms(["尚明哲", "齐全", "郁红"])  # 齐全 is also the word 'complete'
    assert [a.name for a in find_agents("要保证材料齐全，报公司党委", forms)] == []
    assert [a.name for a in find_agents("齐全，你来负责，报公司党委", forms)][0] == "齐全"
    assert [a.name for a in find_agents("材料这块，齐全负责", forms)][0] == "齐全"
