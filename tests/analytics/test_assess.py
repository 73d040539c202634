"""assess(): never crashes, deterministic, compliance and score behave as the rules say."""

from __future__ import annotations

import json
import math

import pytest

from analytics import assess
from analytics.agenda import assign
from core.result import assessment_to_dict
from core.types import Assessment, Attendance, FirstTopic, Meeting, Minutes, Resolution, Segment, Vote


class Junk:
    start = "x"
    end = None
    text = 5


@pytest.mark.parametrize(
    "segments",
    [
        [],
        [Segment(0, 3, "好。", "")],
        [Segment(0, 0, "", "")],
        [Segment(5, 2, "结束早于开始", "A"), Segment(math.nan, 3, "NaN", "A"), Segment(0, math.inf, "inf", "B")],
        [None, Junk(), "text", Segment(1, 2, None, None)],  # type: ignore[list-item]
        "not a list",
    ],
)
def test_never_crashes_on_bad_input(segments):
    a = assess(segments, Minutes(), Meeting())
    assert isinstance(a, Assessment)
    assert a.score.errors == []
    json.dumps(assessment_to_dict(a), allow_nan=False)  # JSON-ready, no NaN


def test_garbage_minutes_and_meeting_do_not_crash():
    a = assess([Segment(0, 5, "开会。", "A")], None, None)  # type: ignore[arg-type]
    assert a.participation[0].share == 1.0


def test_unlabelled_transcript_gets_one_participant_and_no_speaker_measures():
    segs = [Segment(0, 10, "同志们，现在开会。", ""), Segment(11, 20, "我同意。", "")]
    a = assess(segs, Minutes(), Meeting(roster=["王建国", "刘芳"], host="王建国"))
    assert [(p.speaker, p.share) for p in a.participation] == [("", 1.0)]
    parts = {p.key: p for p in a.score.parts}
    assert parts["participation"].value is None  # cannot tell who spoke: not scored as poor
    assert a.score.overall is not None


def test_score_is_stable_and_in_range(synthetic):
    _, meeting, segs, minutes = synthetic("m01")
    first = assess(segs, minutes, meeting).score
    second = assess(list(reversed(segs)), minutes, meeting).score  # order of input does not matter
    assert first.overall == second.overall
    assert 0 <= first.overall <= 100
    weights = sum(p.weight for p in first.parts)
    assert weights == pytest.approx(1.0)
    used = [p for p in first.parts if p.value is not None]
    expected = sum(p.value * p.weight for p in used) / sum(p.weight for p in used)
    assert first.overall == round(expected)


def test_m02_measures(synthetic):
    _, meeting, segs, minutes = synthetic("m02")
    a = assess(segs, minutes, meeting)
    m = a.score.measures
    assert m["chair"] == "李红梅" and m["chair_share"] > 0.5
    assert m["spoke_share"] == pytest.approx(5 / 15, abs=1e-3)
    assert "郑浩" not in m["silent"] and "何军" not in m["silent"]
    assert m["agenda_method"] == "announcements"
    assert [round(i["start"]) for i in m["agenda_items"]] == [29, 95]
    assert any("主持人发言" in s for s in a.score.suggestions)
    items = {c.item: c.ok for c in a.compliance}
    assert items["到会人数过半"] is True and items["表决情况已记录"] is True and items["表决有效"] is True
    replies = {(r["from"], r["to"]) for r in a.interaction["mentions"]}
    assert ("张伟", "林静") in replies  # 我同意林静的意见


def _meeting(mtype: str) -> Meeting:
    return Meeting(type=mtype, title="t", date="2026-10-12", location="l", host="甲", recorder="乙", roster=["甲", "乙", "丙"])


def test_compliance_flags_missing_quorum_vote_and_first_topic():
    minutes = Minutes(attendance=Attendance(expected=10, present=5), agenda=["讨论接收张三同志为预备党员"])
    segs = [Segment(0, 10, "下面讨论接收张三同志为预备党员。", "甲"), Segment(11, 20, "我同意。", "乙")]
    items = {c.item: c for c in assess(segs, minutes, _meeting("支部党员大会")).compliance}
    assert items["到会人数过半"].ok is False
    assert items["表决情况已记录"].ok is False
    assert items["第一议题"].ok is False


def test_vote_below_half_of_expected_is_invalid():
    minutes = Minutes(
        attendance=Attendance(expected=18, present=15),
        agenda=["学习总书记重要讲话", "讨论接收许强同志为预备党员"],
        first_topic=FirstTopic("学习总书记重要讲话", measures=["一"]),
        votes=[Vote("接收许强同志为预备党员", in_favor=9)],
    )
    items = {c.item: c.ok for c in assess([Segment(0, 5, "开会。", "甲")], minutes, _meeting("支部党员大会")).compliance}
    assert items["表决有效"] is False  # 9 is not above half of the 18 due to attend


def test_lecture_has_no_first_topic_requirement():
    items = {c.item: c.ok for c in assess([Segment(0, 5, "今天讲党课。", "甲")], Minutes(), _meeting("党课")).compliance}
    assert items["第一议题"] is None


def test_resolution_without_owner_or_deadline_is_flagged():
    minutes = Minutes(resolutions=[Resolution("更新宣传栏", owner="丙", deadline="2026-10-31"), Resolution("开展研讨")])
    a = assess([Segment(0, 5, "会议决定。", "甲")], minutes, _meeting("支部委员会"))
    items = {c.item: c for c in a.compliance}
    assert items["决议有责任人和时限"].ok is False
    assert {p.key: p.value for p in a.score.parts}["resolutions"] == 50.0


def test_criticism_is_not_scored_as_poor_at_organisational_life_meeting():
    segs = [
        Segment(0, 10, "我批评自己，理论学习不够系统，工作中有畏难情绪。", "甲"),
        Segment(11, 20, "我给乙同志提个意见，工作作风比较松懈，整改不到位。", "丙"),
        Segment(21, 30, "我的不足是调研走马观花，没有解决实际困难。", "乙"),
    ]
    life = assess(segs, Minutes(), _meeting("组织生活会"))
    committee = assess(segs, Minutes(), _meeting("支部委员会"))
    atmosphere = {p.key: p.value for p in life.score.parts}["atmosphere"]
    assert atmosphere == 100.0
    assert {p.key: p.value for p in committee.score.parts}["atmosphere"] < 100.0
    assert life.sentiment["overall"]["negative"] >= 2  # the criticism is still measured
    assert life.sentiment["criticism_expected"] is True


def test_questions_and_answers_are_counted():
    segs = [
        Segment(0, 5, "这个方案大家有没有不同意见？", "甲"),
        Segment(6, 10, "我没有意见。", "乙"),
        Segment(11, 15, "党费什么时候交齐？", "丙"),
    ]
    inter = assess(segs, Minutes(), _meeting("支部委员会")).interaction
    assert inter["questions_asked"] == 2
    assert inter["questions_answered"] == 1
    assert inter["questions"][0]["answered_by"] == "乙"


def test_agenda_falls_back_to_similarity_without_announcements():
    agenda = ["研究第四季度党费收缴工作", "讨论确定入党积极分子人选"]
    segs = [
        Segment(0, 10, "党费收缴方面，还有两名驻外同志没有缴纳党费。", "甲"),
        Segment(11, 20, "入党积极分子人选，党小组推荐了周晓明。", "乙"),
    ]
    result = assign(segs, agenda)
    assert result["method"] == "similarity"
    assert result["sections"] == [0, 1]


def test_first_topic_found_in_speech_when_minutes_are_empty():
    segs = [
        Segment(0, 10, "今天会议有两项议程。", "甲"),
        Segment(11, 20, "首先传达学习习近平总书记关于安全生产的重要指示精神。", "甲"),
        Segment(21, 30, "其次研究年终考核工作。", "甲"),
    ]
    items = {c.item: c.ok for c in assess(segs, Minutes(), _meeting("支部委员会")).compliance}
    assert items["第一议题"] is True


def test_criticism_at_organisational_life_meeting_points_to_rectification_not_warning():
    # a member's criticism (the chair's own words are warnings, not risks: analytics.risks)
    segs = [Segment(0, 5, "同志们，我们开会。", "甲"),
            Segment(6, 16, "我批评一下罗兰同志，工作中有时候应付了事，学习笔记也是走形式。", "乙")]
    (life,) = assess(segs, Minutes(), _meeting("组织生活会")).risks
    (committee,) = assess(segs, Minutes(), _meeting("支部委员会")).risks
    assert "整改清单" in life.reason and life.reason != committee.reason
    assert committee.reason.startswith("形式主义")
