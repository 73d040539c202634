"""Two short meetings written the way a recogniser delivers them: spaces for pauses, no full stops,
anonymous speakers, names and verbs as homophones, decisions cut across segments."""

from core.types import Meeting, Segment
from summarizer import extract_minutes


def _segments(lines):
    out, t = [], 0.0
    for speaker, text in lines:
        out.append(Segment(t, t + 0.22 * len(text), text, speaker))
        t += 0.22 * len(text) + 0.4
    return out


def test_party_group_meeting_on_flood_duty():
    meeting = Meeting(type="党小组会", date="2026-07-08", host="周建华",
                      roster=["周建华", "钱丽", "孙悦", "李强", "吴芳", "冯军", "陈静", "杨光"])
    minutes = extract_minutes(_segments([
        ("发言人1", "好 同志们 我们开始开会 这次党小组会应到八人 实到七人 吴芳同志带班值守"),
        ("发言人1", "今天的议题有两个 第一个是学习总书记关于防汛救灾工作的重要指示精神 第二个是研究汛期值守安排"),
        ("发言人1", "下面进行第一个议题 请钱莉同志领学"),
        ("发言人2", "总书记强调 要始终把保障人民生命财产安全放在第一位"),
        ("发言人3", "我建议汛期每天安排两名党员值守"),
        ("发言人1", "好 那就这么定了 汛期每天安排两名党员值守 由李强同志负责排班"),
        ("发言人1", "另外 防汛物资的清点 请孙越同志牵头 本周五之前"),
        ("发言人1", "把清单报给我"),
        ("发言人1", "第二个议题 研究汛期值守安排 前面已经说了 就不再讨论了"),
        ("发言人1", "会议决定 年底前对防汛预案进行一次修订 具体由冯军同志负责"),
        ("发言人1", "今天的会就开到这里"),
    ]), meeting)
    att = minutes.attendance
    assert (att.expected, att.present, [a.name for a in att.absent]) == (8, 7, ["吴芳"])
    assert minutes.agenda == ["学习总书记关于防汛救灾工作的重要指示精神", "研究汛期值守安排"]
    assert minutes.first_topic.leader == "钱丽"
    assert [(r.owner, r.deadline) for r in minutes.resolutions] == [
        ("李强", None), ("孙悦", "2026-07-10"), ("冯军", "2026-12-31")]
    assert "周期性任务" in minutes.resolutions[0].flags
    assert "清单" in minutes.resolutions[1].content
    assert minutes.resolutions[2].content == "对防汛预案进行一次修订"


def test_committee_with_an_absent_member_and_a_matter_referred_on():
    meeting = Meeting(type="支部委员会", date="2026-04-14", host="高峰", roster=["高峰", "田甜", "罗兰", "马超", "宋佳"])
    minutes = extract_minutes(_segments([
        ("发言人1", "现在开会 支委应到五名 实到四名 宋佳同志因公外出"),
        ("发言人1", "今天主要三件事 一是传达学习习近平总书记在全国两会期间的重要讲话精神 二是研究五四青年节活动"),
        ("发言人1", "三是讨论党员发展计划"),
        ("发言人1", "首先请田恬同志传达"),  # 先请 is not 探亲, whatever the characters' rare readings
        ("发言人2", "总书记指出 要因地制宜发展新质生产力"),
        ("发言人1", "第二件事 五四活动 我的想法是搞一次青年党员座谈会"),
        ("发言人3", "我同意 可以请团委一起参加"),
        ("发言人1", "原则同意 座谈会由马超同志付责筹备 四月三十日前"),
        ("发言人1", "组织完成"),
        ("发言人4", "经费的事我看可以考虑下次再议"),
        ("发言人1", "第三件事 发展计划 会议研究决定"),
        ("发言人1", "今年发展党员两名 责成罗兰同志五月底前把考察材料准备好"),
        ("发言人1", "这个发展名额的事还要提交党员大会讨论"),
        ("发言人1", "好 今天就到这里 散会"),
    ]), meeting)
    att = minutes.attendance
    assert (att.expected, att.present, [a.name for a in att.absent]) == (5, 4, ["宋佳"])
    assert len(minutes.agenda) == 3 and minutes.agenda[1] == "研究五四青年节活动"
    assert minutes.first_topic.leader == "田甜"
    assert [(r.owner, r.deadline) for r in minutes.resolutions] == [("马超", "2026-04-30"), ("罗兰", "2026-05-31")]
    assert "发展党员两名" in minutes.resolutions[1].content
