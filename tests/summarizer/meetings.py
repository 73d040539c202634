"""Short invented meetings, phrased unlike the corpus, to keep the rules general.

Each is (meeting, [(speaker, text), ...]); segments get consecutive times of 10 s each.
"""

from __future__ import annotations

from core.types import Meeting, Segment


def segments(lines: list[tuple[str, str]], step: float = 10.0) -> list[Segment]:
    return [Segment(i * step, (i + 1) * step - 0.5, text, speaker) for i, (speaker, text) in enumerate(lines)]


# 党员大会: digits from ASR, 应出席/实际出席, 因病/因公, 以下三项议程 with 一、二、三、, an ASR-garbled owner
# (赵钢 for 赵刚), a vote said 赞成…票, a decision said twice, a suggestion and a deferral.
ASSEMBLY = (
    Meeting(type="支部党员大会", title="生产党支部党员大会", branch="生产党支部", date="2026-11-20",
            location="二楼会议室", host="周建华", recorder="赵刚",
            roster=["周建华", "赵刚", "钱丽", "孙悦", "李强", "王磊", "李娜", "郑伟", "吴芳", "冯军", "陈静", "杨光"]),
    [
        ("周建华", "各位党员，本次支部党员大会应出席党员12名，实际出席10名，王磊因病请假，李娜因公出差未能参加，符合规定人数。"),
        ("周建华", "今天会议主要有以下三项议程：一、传达学习习近平总书记关于安全生产的重要指示精神；二、讨论确定发展对象；三、研究年终考核工作。"),
        ("周建华", "先进行第一项，请组织委员赵钢同志带领大家学习。"),
        ("赵刚", "总书记指出，人民至上、生命至上，安全生产必须警钟长鸣、常抓不懈。"),
        ("钱丽", "我认为我们车间的隐患排查还不够细，建议每个班组建立隐患台账。"),
        ("周建华", "会议要求，各党小组年底前组织一次安全生产专题学习。"),
        ("周建华", "接下来进入第二项议程，讨论确定发展对象。"),
        ("李强", "孙悦同志工作踏实，我同意把她确定为发展对象。"),
        ("周建华", "现在表决，赞成9票，反对0票，弃权1票。"),
        ("周建华", "经讨论，会议同意确定孙悦同志为发展对象，由赵钢同志负责政治审查，下月十五号前完成。"),
        ("周建华", "第三项，年终考核。"),
        ("吴芳", "考核的时间可以考虑放到元旦以后，这个问题我觉得下次再议也行。"),
        ("周建华", "考核方案交给钱丽同志，本周五之前报支委会。"),
        ("周建华", "再强调一下，政治审查由赵刚同志负责，下月十五号前完成。好，散会。"),
    ],
)

# 党课: a lecture on the Thought, no 第一议题 named: the minutes must not invent one.
PARTY_LECTURE = (
    Meeting(type="党课", title="十二月专题党课", branch="机关党支部", date="2026-12-03", host="黄海",
            recorder="林雪", roster=["黄海", "林雪", "马超", "刘洋"]),
    [
        ("黄海", "同志们，今天由我给大家讲一堂党课，题目是深入学习贯彻习近平新时代中国特色社会主义思想，做新时代合格党员。"),
        ("黄海", "总书记强调，江山就是人民，人民就是江山。我们每名党员都要把群众的冷暖放在心上。"),
        ("黄海", "我讲三个方面。第一，坚定理想信念。第二，践行初心使命。第三，严守纪律规矩。"),
        ("马超", "听了黄书记的党课很受启发，我建议以后多组织这样的学习。"),
        ("黄海", "课后大家每人写一篇心得体会，由林雪同志收齐，明年一月十号前交支部。"),
    ],
)

# 支委会 from ASR without punctuation and with anonymous speaker labels.
ANONYMOUS = (
    Meeting(type="支部委员会", date="2026-10-12", host="王建国", recorder="刘芳",
            roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"]),
    [
        ("发言人1", "好我们开会 今天应到5人 实到5人 人都到齐了"),
        ("发言人1", "第一议题是学习总书记在文化传承发展座谈会上的重要讲话精神 请刘方同志领学"),
        ("发言人2", "总书记强调要坚定文化自信 秉持开放包容 坚持守正创新"),
        ("发言人1", "经研究 由陈志强同志牵头 12月20日前完成支部文化阵地建设方案"),
        ("发言人3", "我看是不是可以请孙磊同志也参与一下"),
        ("发言人1", "每周五下午由赵敏同志负责组织一次政治理论学习"),
        ("发言人1", "好 就这么定了 散会"),
    ],
)
