"""Invented meetings phrased unlike the corpus (tests/summarizer/meetings.py)."""

from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes
from tests.summarizer.meetings import ANONYMOUS, ASSEMBLY, COMMITTEE, LIFE_MEETING, PARTY_LECTURE, segments


def _by_owner(minutes):
    return {r.owner: r for r in minutes.resolutions}


def test_assembly_with_digits_garbled_names_and_a_repeated_decision():
    meeting, lines = ASSEMBLY
    minutes = extract_minutes(segments(lines), meeting)
    att = minutes.attendance
    assert (att.expected, att.present) == (12, 10)
    assert {a.name: a.reason for a in att.absent} == {"王磊": "病假", "李娜": "因公出差"}
    assert att.quorum_met is True
    assert minutes.agenda == ["传达学习习近平总书记关于安全生产的重要指示精神", "讨论确定发展对象", "研究年终考核工作"]
    assert minutes.first_topic.content.startswith("传达学习习近平总书记")
    assert minutes.first_topic.leader == "赵刚"  # ASR said 赵钢
    owners = _by_owner(minutes)
    assert owners["赵刚"].deadline == "2026-12-15"  # 下月十五号前, said twice, kept once
    assert sum(r.owner == "赵刚" for r in minutes.resolutions) == 1
    assert owners["钱丽"].deadline == "2026-11-20"  # 本周五之前, the meeting is on a Friday
    assert owners["各党小组"].deadline == "2026-12-31"
    assert not any("下次再议" in r.content or "建议" in r.content for r in minutes.resolutions)
    assert not any("带领大家学习" in r.content for r in minutes.resolutions)  # procedure, not a task
    assert len(minutes.resolutions) == 3
    [vote] = minutes.votes
    assert (vote.in_favor, vote.against, vote.abstain, vote.passed) == (9, 0, 1, True)
    assert "发展对象" in vote.matter


def test_vote_fails_without_half_of_those_due_at_a_members_assembly():
    meeting = Meeting(type="支部党员大会", date="2026-11-20", roster=[f"党员{i}" for i in range(18)])
    lines = [("书记", "本次大会应到党员十八名，实到十名。"), ("书记", "下面进行表决，同意的请举手。赞成九票，反对一票，弃权零票。")]
    [vote] = extract_minutes(segments(lines), meeting).votes
    assert (vote.in_favor, vote.against, vote.abstain) == (9, 1, 0)
    assert vote.passed is False  # 9 is not more than half of 18 due to attend


def test_party_lecture_has_no_first_topic():
    meeting, lines = PARTY_LECTURE
    minutes = extract_minutes(segments(lines), meeting)
    assert minutes.first_topic is None
    [res] = minutes.resolutions
    assert (res.owner, res.deadline) == ("林雪", "2027-01-10")
    assert minutes.agenda == []


def test_anonymous_unpunctuated_asr_text():
    meeting, lines = ANONYMOUS
    minutes = extract_minutes(segments(lines), meeting)
    assert (minutes.attendance.expected, minutes.attendance.present) == (5, 5)
    assert minutes.first_topic.leader == "刘芳"  # 请刘方同志领学
    owners = _by_owner(minutes)
    assert owners["陈志强"].deadline == "2026-12-20"
    weekly = owners["赵敏"]
    assert weekly.deadline is None and NEEDS_FILLING not in weekly.flags  # recurring: no deadline to fill
    assert "孙磊" not in owners  # a question is not a decision
    assert len(minutes.resolutions) == 2  # '就这么定了 散会' confirms, adds nothing


def test_missing_owner_is_flagged_not_guessed():
    meeting = Meeting(type="支部委员会", date="2026-03-02", roster=["甲乙丙", "丁戊己"])
    lines = [("甲乙丙", "会议决定，下个月开展一次主题党日志愿服务活动。"), ("甲乙丙", "会议强调要抓好安全生产。")]
    minutes = extract_minutes(segments(lines), meeting)
    first = minutes.resolutions[0]
    assert first.owner is None and first.deadline == "2026-04-30"
    assert NEEDS_FILLING in first.flags
    assert all(NEEDS_FILLING in r.flags for r in minutes.resolutions if not r.owner or not r.deadline)


def test_suggestion_confirmed_by_the_chair_becomes_a_resolution():
    meeting = Meeting(type="支部委员会", date="2026-10-12", roster=["王建国", "刘芳", "赵敏"], host="王建国")
    lines = [("赵敏", "我建议由刘芳同志负责收缴党费，月底前完成。"), ("王建国", "没有意见就这么定了。"),
             ("赵敏", "另外可以考虑请刘芳同志下月再组织一次培训。"), ("王建国", "这个下次再议。")]
    [res] = extract_minutes(segments(lines), meeting).resolutions
    assert (res.owner, res.deadline) == ("刘芳", "2026-10-31")
    assert res.end >= 10.0  # the evidence runs to the confirmation


def test_committee_phrased_differently():
    meeting, lines = COMMITTEE
    minutes = extract_minutes(segments(lines), meeting)
    att = minutes.attendance
    assert (att.expected, att.present, [a.name for a in att.absent]) == (7, 6, ["周杰"])
    assert "培训" in att.absent[0].reason
    assert minutes.agenda == ["第一议题学习", "研究社区共建活动", "其他事项"]
    ft = minutes.first_topic
    assert ft.content == "学习《习近平谈治国理政》第四卷有关章节" and ft.leader == "马超"
    owners = _by_owner(minutes)
    assert owners["马超"].deadline == "2026-11-13"  # 'X同志，你牵头…下周五前'
    assert owners["黄海"].deadline == "2026-11-20"  # 由我来负责, said by the chair
    assert owners["各党小组"].deadline == "2026-11-30"
    assert "刘洋" not in owners  # a report of last year's work
    assert not any("党员大会" in r.content for r in minutes.resolutions)  # referred, not decided
    assert len(minutes.resolutions) == 3
    [vote] = minutes.votes
    assert (vote.in_favor, vote.against, vote.abstain, vote.passed) == (6, 0, 0, True)
    assert vote.matter == "共建方案"


def test_life_meeting_measures_list_with_digits():
    meeting, lines = LIFE_MEETING
    minutes = extract_minutes(segments(lines), meeting)
    assert minutes.first_topic is None
    owners = _by_owner(minutes)
    assert owners["田甜"].deadline is None and "周期性任务" in owners["田甜"].flags
    assert owners["罗兰"].deadline == "2026-12-31"
    assert len(minutes.resolutions) == 2  # '建议大家多交流' is not one
    assert {p.speaker for p in minutes.points} == {"杜明", "高峰", "罗兰"}
    assert any("走形式" in p.text for p in minutes.points if p.speaker == "高峰")  # criticism recorded as said


def test_prepared_agenda_and_first_topic_fill_what_was_not_announced():
    meeting = Meeting(type="支部委员会", date="2026-06-01", host="甲乙", roster=["甲乙", "丙丁"],
                      agenda=["学习总书记重要讲话精神", "研究七一活动"],
                      planned_first_topic="学习习近平总书记在某座谈会上的重要讲话")
    lines = [("甲乙", "开会。先进行第一议题。"), ("甲乙", "总书记强调要敢于斗争、善于斗争。"),
             ("丙丁", "我体会最深的是斗争精神。"), ("甲乙", "下面进行第二项议程，研究七一活动。"),
             ("甲乙", "由丙丁同志负责组织，六月二十五日前报方案。")]
    minutes = extract_minutes(segments(lines), meeting)
    assert minutes.agenda == meeting.agenda
    assert minutes.first_topic.content == "学习总书记重要讲话精神"
    assert minutes.first_topic.leader == "甲乙"
    assert [p.agenda_index for p in minutes.points if p.speaker == "丙丁"] == [0]
    [res] = minutes.resolutions
    assert (res.owner, res.deadline) == ("丙丁", "2026-06-25")
    assert minutes.first_topic.measures == []  # the task belongs to the second item


def test_planned_first_topic_names_an_unannounced_study():
    meeting = Meeting(type="主题党日", date="2026-06-01", host="甲乙", roster=["甲乙", "丙丁"],
                      planned_first_topic="学习习近平总书记在某座谈会上的重要讲话")
    lines = [("甲乙", "开会。先进行第一议题。"), ("丙丁", "总书记强调要敢于斗争、善于斗争。")]
    ft = extract_minutes(segments(lines), meeting).first_topic
    assert ft.content == meeting.planned_first_topic and ft.leader == "丙丁"


def test_two_votes_in_one_breath_and_counts_over_several_sentences():
    meeting = Meeting(type="支部党员大会", date="2026-11-20", roster=[f"党员{i}" for i in range(12)])
    lines = [("书记", "应到12人，实到11人。"),
             ("书记", "第一项表决，对接收甲为预备党员进行表决，赞成11票，反对0票，弃权0票；"
                      "第二项表决，对乙按期转正进行表决，赞成10票，反对1票，弃权0票。"),
             ("书记", "下面表决丙的转正申请。赞成9票。反对2票。弃权0票。"),
             ("书记", "同意的请举手。好，全票通过。")]
    votes = extract_minutes(segments(lines), meeting).votes
    assert [(v.in_favor, v.against, v.abstain) for v in votes] == [(11, 0, 0), (10, 1, 0), (9, 2, 0), (11, 0, 0)]
    assert "接收甲为预备党员" in votes[0].matter and "乙按期转正" in votes[1].matter
    assert all(v.passed for v in votes)  # more than half of the 12 due
