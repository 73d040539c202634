"""Structure said the way recognition writes it: invented sentences, not corpus lines."""

from core.types import Meeting, Segment
from summarizer import extract_minutes
from summarizer.heard import restore_task_words
from summarizer.votes import _vote_words_heard


def _minutes(meeting: Meeting, lines: list[tuple[str, str]]):
    return extract_minutes([Segment(i * 5.0, i * 5.0 + 4.5, t, who) for i, (who, t) in enumerate(lines)], meeting)


def test_structure_words_heard_by_sound_are_read_back_in_their_place():
    assert restore_task_words("今天的一层第一，学习总书记的讲话") == "今天的议程第一，学习总书记的讲话"
    assert restore_task_words("基督莫之前报上来") == "季度末之前报上来"
    assert restore_task_words("元旦钱挂牌运行") == "元旦前挂牌运行"
    assert restore_task_words("周五签字") == "周五签字"  # a word of its own stays
    assert _vote_words_heard("一票齐全") == "一票弃权"
    assert _vote_words_heard("材料齐全") == "材料齐全"  # no count, no vote


def test_a_study_named_with_a_garbled_tail_is_summarised_and_flagged():
    meeting = Meeting(type="党小组会", date="2027-05-11", host="龙海", roster=["龙海", "邵婷", "简伟"])
    ft = _minutes(meeting, [("发言人1", "人到齐了，开始。"), ("发言人1", "今天先学总书记关于粮食安全的中样论"),
                            ("发言人2", "好，总书记强调，要牢牢端稳中国人的饭碗。")]).first_topic
    assert ft.content == "学习习近平总书记关于粮食安全的重要论述" and ft.flags


def test_a_party_lecture_with_a_study_before_the_lecture_has_a_first_topic():
    meeting = Meeting(type="党课", date="2027-05-11", host="龙海", roster=["龙海", "邵婷", "简伟"])
    lines = [("龙海", "同志们，开始。今天的安排第一"), ("龙海", "学习习近平总书记关于粮食安全的重要论述，第二，由我讲专题党课。")]
    assert _minutes(meeting, lines).first_topic is not None
    lecture_only = [("龙海", "同志们，开始。今天由我给大家讲一堂专题党课，题目是学习习近平总书记关于粮食安全的重要论述。")]
    assert _minutes(meeting, lecture_only).first_topic is None
