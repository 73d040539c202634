"""One sentence from the chair, many ways of saying (or not saying) a decision (domain.md)."""

import pytest

from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", date="2026-10-12", host="王建国", recorder="刘芳",
                  roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])


def _resolutions(text: str, speaker: str = "王建国"):
    return extract_minutes(segments([(speaker, text)]), MEETING).resolutions


@pytest.mark.parametrize(
    ("said", "owner", "deadline"),
    [
        ("原则同意党建品牌创建方案，请赵敏同志按照大家的意见修改完善后，于11月30日前报党委。", "赵敏", "2026-11-30"),
        ("这项工作就交给陈志强同志了，月底前拿出方案。", "陈志强", "2026-10-31"),
        ("具体由办公室负责，下周一前把通知发下去。", "办公室", "2026-10-19"),
        ("责成孙磊同志限期整改，三天内提交书面说明。", "孙磊", "2026-10-15"),
        ("陈志强负责、赵敏配合，本周内完成党员信息核对。", "陈志强", "2026-10-18"),
        ("刘芳同志，你牵头把这个事落实一下，下周五前给我回复。", "刘芳", "2026-10-23"),
        ("会议指出，部分党员学习不够深入，由陈志强同志牵头制定学习计划，年底前完成。", "陈志强", "2026-12-31"),
        ("由王书记负责联系上级党委，下周三之前汇报。", "王建国", "2026-10-21"),
        ("会议研究决定，给予某同志党内警告处分，由纪检委员赵敏同志负责宣布处分决定。", "赵敏", None),
        ("关于困难党员慰问，就按刘芳同志说的办，春节前走访到位。", None, "2027-02-05"),
        ("经支委会研究，由刘方同志负责，元旦前完成党员档案整理。", "刘芳", "2026-12-31"),
        ("这件事由我来牵头，二十号前拿出初稿。", "王建国", "2026-10-20"),
    ],
)
def test_decisions(said, owner, deadline):
    [res] = _resolutions(said)
    assert (res.owner, res.deadline) == (owner, deadline)
    assert (NEEDS_FILLING in res.flags) == (owner is None or deadline is None)
    assert "同志" not in res.content[:2] and res.content


@pytest.mark.parametrize(
    "said",
    [
        "我看这个事情可以考虑放到明年再做。",
        "大家看看有没有意见？",
        "会议认为，今年的党建工作总体较好。",
        "请大家踊跃发言。",
        "请赵敏同志介绍一下情况。",
        "这个问题比较复杂，下次再议。",
        "建议由刘芳同志负责，月底前完成。",
        "去年由陈志强同志负责的项目已经顺利完成。",
        "会议同意将该事项提交党员大会讨论。",
        "能不能请孙磊同志牵头？",
    ],
)
def test_not_decisions(said):
    assert _resolutions(said) == []


def test_a_members_suggestion_is_not_the_meetings_decision():
    assert _resolutions("我建议由陈志强同志牵头，月底前把方案报上来。", speaker="赵敏") == []


@pytest.mark.parametrize(
    ("said", "agenda"),
    [
        (["今天的会议主要有三项内容：第一，传达学习总书记重要讲话精神；第二，研究党费收缴；第三，讨论发展党员。"],
         ["传达学习总书记重要讲话精神", "研究党费收缴", "讨论发展党员"]),
        (["会议议程：一、学习二十届四中全会精神；二、研究主题党日安排。"], ["学习二十届四中全会精神", "研究主题党日安排"]),
        (["今天研究两个事：一是年度考核，二是评优评先。"], ["年度考核", "评优评先"]),
        (["本次会议共有4项议程。", "1.学习总书记重要指示；2.审议预算；3.讨论发展对象；4.其他。"],
         ["学习总书记重要指示", "审议预算", "讨论发展对象", "其他"]),
        (["今天就一个议题，就是研究换届选举工作。"], ["研究换届选举工作"]),
        (["大家好，我们开始吧，先说说上周的情况。"], []),
    ],
)
def test_agenda_announcements(said, agenda):
    assert extract_minutes(segments([("王建国", s) for s in said]), MEETING).agenda == agenda


@pytest.mark.parametrize(
    ("said", "expected", "present", "absent"),
    [
        ("今天支委会应到会委员5名，实际到会4名，组织委员孙磊同志因公出差请假，符合规定。", 5, 4, {"孙磊": "因公出差"}),
        ("今天到会党员20人，请假2人。", 22, 20, {}),
        ("全体党员15人，到会13人，缺席2人。", 15, 13, {}),
        ("应到5人，实到3人，请假的有：孙磊（病假）、赵敏（出差）。", 5, 3, {"孙磊": "病假", "赵敏": "出差"}),
        ("人都到齐了，我们开会。", 5, 5, {}),
        ("开会。孙磊同志今天因病请假。", 5, 4, {"孙磊": "病假"}),
    ],
)
def test_attendance_announcements(said, expected, present, absent):
    att = extract_minutes(segments([("王建国", said)]), MEETING).attendance
    assert (att.expected, att.present) == (expected, present)
    assert {a.name: a.reason for a in att.absent} == absent


def test_two_similar_tasks_for_one_owner_stay_two():
    lines = [("王建国", "由刘芳同志负责组织学习，本月底前完成。"), ("王建国", "由刘芳同志负责组织培训，本月底前完成。"),
             ("王建国", "再强调一下，组织学习由刘芳同志负责，本月底前完成。")]
    resolutions = extract_minutes(segments(lines), MEETING).resolutions
    assert sorted(r.content for r in resolutions) == ["负责组织培训", "负责组织学习"]


def test_a_softened_decision_is_still_a_decision():
    [res] = _resolutions("那就由刘芳同志牵头吧，月底前报上来。")
    assert (res.owner, res.deadline) == ("刘芳", "2026-10-31")
    assert _resolutions("要不由刘芳同志牵头吧？") == []


def test_a_recap_opened_after_a_segment_without_a_stop_adds_nothing():
    """Recognition leaves segments without a final stop and the breath-joined sentence then begins
    '这个到时候再说，好，我最后归纳一下，…': still the closing recap, which repeats and adds no item."""
    lines = [
        ("王建国", "陈志强同志，你负责把预备党员的材料整理好，下周五前报公司党委。"),
        ("陈志强", "好的。"),
        ("赵敏", "如果党委批得快，元旦前能不能安排入党宣誓"),
        ("王建国", "这个到时候看审批情况再说"),
        ("王建国", "好，我最后归纳一下"),
        ("王建国", "接收的材料下周五前报到位"),
        ("王建国", "今天就到这儿，散会"),
    ]
    found = extract_minutes(segments(lines, step=2.0), MEETING).resolutions
    assert [(r.owner, r.deadline) for r in found] == [("陈志强", "2026-10-23")], [r.content for r in found]


def test_the_chair_is_found_when_the_recorder_reports_the_attendance_first():
    """Anonymous labels (nobody enrolled): the recorder's 应到/实到 comes before the chair says 议程,
    yet the chair is the one who gives the floor, the tasks and closes the meeting."""
    meeting = Meeting(type="主题党日", date="2026-10-12", roster=["王建国", "刘芳", "陈志强", "赵敏"])
    lines = [
        ("发言人1", "同志们，今天的主题党日放在社区来搞，刘芳先说一下人数"),
        ("发言人2", "好，应到四人，实到四人"),
        ("发言人1", "下面先请陈志强领学"),
        ("发言人3", "总书记指出，要把雷锋精神广播在祖国大地上"),
        ("发言人1", "好，还有几件事"),
        ("发言人1", "赵敏，宣传手册你牵头改一版，两周内弄好"),
        ("发言人1", "活动简报，刘芳你来写，下周二前报机关党委"),
        ("发言人2", "好的"),
        ("发言人1", "今天就到这儿，散会"),
    ]
    found = extract_minutes(segments(lines, step=3.0), meeting).resolutions
    assert sorted((r.owner, r.deadline) for r in found) == [("刘芳", "2026-10-20"), ("赵敏", "2026-10-26")], \
        [(r.owner, r.deadline, r.content) for r in found]
