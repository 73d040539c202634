"""Agenda and 第一议题 when speech recognition cut the chair's announcement into segments."""

from core.types import Meeting
from summarizer import extract_minutes
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", date="2026-03-09", host="马建军", recorder="田甜",
                  roster=["马建军", "田甜", "高峰", "罗兰"])


def _minutes(lines):
    return extract_minutes(segments(lines, step=3.0), MEETING)


def test_agenda_items_in_segments_of_their_own_after_a_garbled_first_enumerator():
    minutes = _minutes([
        ("发言人1", "今天主要有三项议程，地一项"),  # 第一项 misheard
        ("发言人1", "传达学习习近平总书记关于安全生产的重要指示精神"),
        ("发言人1", "第二项，研究春季防火检查安排"),
        ("发言人1", "第三项，审议党员发展计划"),
        ("发言人1", "下面进行第一项，请高峰同志领学"),
        ("发言人2", "总书记指出，安全生产必须警钟长鸣"),
    ])
    assert minutes.agenda == ["传达学习习近平总书记关于安全生产的重要指示精神", "研究春季防火检查安排", "审议党员发展计划"]
    assert minutes.first_topic is not None and minutes.first_topic.leader == "高峰"


def test_first_topic_ends_where_the_chair_moves_on_without_an_announced_agenda():
    minutes = _minutes([
        ("发言人1", "首先学习第1议题，总书记强调，要坚定不移推进全面从严治党。请大家谈谈认识。"),
        ("发言人2", "我认为要把学习和班组建设结合起来。"),
        ("发言人1", "经研究，由罗兰同志牵头制定学习计划，三月底前报支委会。"),
        ("发言人1", "下面进行第二项议程，讨论困难党员帮扶。"),
        ("发言人1", "会议决定由田甜同志负责走访慰问，四月十日前完成。"),
    ])
    ft = minutes.first_topic
    assert ft is not None and len(ft.measures) == 1 and "学习计划" in ft.measures[0]
    assert len(minutes.resolutions) == 2


def test_first_topic_named_then_quoted_without_punctuation_takes_the_announced_study():
    minutes = _minutes([
        ("发言人1", "本次会议有两项一世学习关彻习近平总书记在中央城市工作会议上的重要讲话精神"),
        ("发言人1", "首先学习第一议题总书记强调要坚持人民城市人民建人民城市为人民请大家谈谈认识"),
        ("发言人2", "我谈一点体会城市工作要把群众满意作为标准"),
    ])
    assert minutes.first_topic is not None
    assert minutes.first_topic.content.startswith("学习") and "中央城市工作会议" in minutes.first_topic.content


def test_a_misheard_transition_still_opens_the_next_item():
    minutes = _minutes([
        ("发言人1", "今天有两个议题，第一个议题，学习习近平总书记关于安全生产的重要指示精神。第二个议题，研究春季防火检查。"),
        ("发言人1", "下面定型第一议题，请高峰同志领学"),  # 进行 heard as 定型
        ("发言人2", "总书记指出，安全生产必须警钟长鸣"),
        ("发言人3", "我谈点体会，隐患排查要细"),
        ("发言人1", "经过讨论，落实措施是：一，各班组本月底前完成隐患排查。"),
        ("发言人1", "下面进行第二个议题，研究春季防火检查"),
        ("发言人1", "会议决定由罗兰同志负责防火检查，四月十日前完成。"),
    ])
    assert minutes.first_topic.measures == ["完成隐患排查"]
    assert {p.speaker for p in minutes.points if p.agenda_index == 0} == {"发言人1", "发言人2", "发言人3"}


def test_agenda_from_the_steps_when_the_announcement_was_not_understood():
    minutes = _minutes([
        ("发言人1", "今天会义一成有两项一世传达学习习近平总书记关于安全生产的重要指示精神，很巧的切往后描农"),
        ("发言人1", "首先学习第一议题，总书记强调，安全生产必须警钟长鸣"),
        ("发言人2", "我们班组要把隐患排查做细"),
        ("发言人1", "下面进行第二项一成员，研究春季防火检查安排，请罗兰同志汇报"),
        ("发言人3", "我汇报一下今年的检查计划"),
    ])
    assert minutes.agenda == ["传达学习习近平总书记关于安全生产的重要指示精神", "研究春季防火检查安排"]
    assert [p.agenda_index for p in minutes.points if p.speaker == "发言人3"] == [1]


def test_a_single_step_is_no_agenda():
    minutes = _minutes([("发言人1", "下面进行第一项，大家谈谈近期的工作"), ("发言人2", "我先说两句")])
    assert minutes.agenda == []
