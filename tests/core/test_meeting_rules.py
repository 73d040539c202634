"""core/meeting_rules: one table of the meeting types' rules, the same answer for every stage."""

from core.meeting_rules import all_rules, quorum_met, rules, vote_passed
from core.types import MEETING_TYPES


def test_every_meeting_type_has_its_rules():
    assert sorted(r.name for r in all_rules()) == sorted(MEETING_TYPES)
    assert {r.name: r.period for r in all_rules()}["组织生活会"] == "year"


def test_quorum_more_than_half_or_a_share():
    assert quorum_met("支部党员大会", 10, 6) and not quorum_met("支部党员大会", 10, 5)  # 过半: strictly more
    assert quorum_met("主题党日", 10, 8) and not quorum_met("主题党日", 10, 7)
    assert quorum_met("党课", 10, 2) is None and quorum_met("支部委员会", 0, 0) is None


def test_a_vote_passes_on_the_types_base():
    assert not vote_passed("支部委员会", 3, expected=7, present=6, cast=6)  # half of 应到 7 is 3.5
    assert vote_passed("党小组会", 4, expected=9, present=7, cast=7)  # half of 实到 7 is 3.5
    assert rules("支部委员会").vote_base == "expected"


def test_minutes_and_compliance_agree():
    """The minutes' quorum and the compliance check read the same rule (they once disagreed)."""
    from analytics.compliance import check
    from core.types import Attendance, Meeting, Minutes, Vote

    meeting = Meeting(type="支部委员会", title="支委会", date="2026-10-12", roster=list("甲乙丙丁戊己庚"))
    minutes = Minutes(attendance=Attendance(expected=7, present=6), agenda=["表决确定发展对象"],
                      votes=[Vote(matter="确定发展对象", in_favor=3, against=2, abstain=1)])
    items = {i.item: i for i in check(meeting, minutes, [], minutes.agenda)}
    assert items["表决有效"].ok is False  # 3 yes of 应到 7: not more than half


def test_every_type_has_its_rules_and_an_unknown_type_the_defaults():
    from core.meeting_rules import expect, general_terms
    from core.types import MEETING_TYPES

    for name in MEETING_TYPES:
        rule = expect(name)
        assert rule.name == name and 0 < rule.speak_target <= 1 and rule.terms
    assert not expect("党课").first_topic and expect("党课").lecture
    assert expect("组织生活会").criticism and not expect("支部委员会").criticism
    unknown = expect("读书会")
    assert (unknown.quorum, unknown.first_topic, unknown.lecture, unknown.terms) == (None, True, False, ())
    assert "第一议题" in general_terms()


def test_the_recogniser_listens_for_the_terms_the_table_gives():
    from asr.lexicon import meeting_hotwords
    from core.meeting_rules import expect

    words = meeting_hotwords(["王建国"], [], "组织生活会")
    assert words[0] == "王建国" and set(expect("组织生活会").terms) <= set(words)
