"""Attendance announcements as speech recognition writes them: homophones for reasons, a garbled 应到."""

from core.pinyin import sound_alike
from core.types import Meeting
from summarizer import extract_minutes
from summarizer.attendance import normalise_cues
from summarizer.names import Roster
from tests.summarizer.meetings import segments

ROSTER = ["周建华", "赵刚", "钱丽", "孙悦", "李强", "王磊", "李娜", "郑伟", "吴芳", "冯军"]
MEETING = Meeting(type="支部党员大会", date="2026-11-20", host="周建华", roster=ROSTER)


def _attendance(text: str, meeting: Meeting = MEETING):
    return extract_minutes(segments([("发言人1", text)]), meeting).attendance


def test_sound_alike_uses_every_reading():
    assert sound_alike("出拆", "出差")  # 差 is also read chai
    assert sound_alike("执班", "值班") and sound_alike("并嫁", "病假")
    assert not sound_alike("出发", "出差") and not sound_alike("值班", "值班员")


def test_reason_homophones_are_put_back_but_names_are_not():
    roster = Roster(["石班", "王磊"])
    assert normalise_cues("王磊同志并嫁，石班同志执班", roster) == "王磊同志病假，石班同志值班"


def test_reasons_heard_as_homophones():
    att = _attendance("应到10名，实到8名，王磊同志并嫁，李娜同志出拆，会议有效。")
    assert (att.expected, att.present) == (10, 8)
    assert {(a.name, a.reason) for a in att.absent} == {("王磊", "病假"), ("李娜", "出差")}


def test_absentee_name_and_reason_both_garbled():
    # 吴芳 heard as 无方, 休假 as 修价, and 应到 lost: the count before 实到 is the number due
    att = _attendance("同志们，本次大会一到有表决权的党员10名，实到9名，无方同志修价，到会人数超过半数。")
    assert (att.expected, att.present) == (10, 9)
    assert [(a.name, a.reason) for a in att.absent] == [("吴芳", "休假")]


def test_counts_name_the_absentees_without_any_reason_word():
    # neither reason is recognisable; the roster and 应到 - 实到 = 2 still say who was away
    att = _attendance("应到十人，实到八人，郑伟同志嗯阿，冯军同志特殊情况。")
    assert {a.name for a in att.absent} == {"郑伟", "冯军"}


def test_roles_in_the_meeting_are_not_absences():
    att = _attendance("应到10人，实到9人，李强同志值班。请钱丽同志领学，孙悦同志记录。")
    assert [a.name for a in att.absent] == ["李强"]


def test_no_invented_absentee_when_everyone_is_there():
    att = _attendance("人都到齐了，应到10人，实到10人，郑伟同志今天主持。")
    assert (att.expected, att.present, att.absent) == (10, 10, [])


def test_a_count_larger_than_present_before_it_is_not_taken_as_due():
    att = _attendance("上季度发展了3名，实到9名，王磊同志请假。")
    assert att.present == 9 and att.expected == 10  # the roster, not the 3 of an unrelated sentence part


def test_an_absentee_heard_with_a_wrong_vowel_is_the_nearest_member():
    # 郑伟 heard as 郑委 is a homophone; 李强 as 李琼 (qiong for qiang) is only near, yet no other member is
    att = _attendance("应到10名，实到8名，郑委同志执班，李琼同志出差，会议有效。")
    assert {a.name for a in att.absent} == {"郑伟", "李强"}


def test_a_stranger_with_no_near_member_is_kept_as_heard():
    att = _attendance("应到10名，实到9名，欧阳同志出差。")
    assert [a.name for a in att.absent] == ["欧阳"]


def test_count_words_and_digits_heard_as_homophones():
    att = _attendance("同志们，应到时人，十道久人，郑伟同志出拆请假。")  # 应到十人，实到九人
    assert (att.expected, att.present, [a.name for a in att.absent]) == (10, 9, ["郑伟"])
    assert att.absent[0].reason == "出差"


def test_a_count_heard_as_a_homophone_after_dao_hui_is_read_as_the_count():
    from summarizer.attendance import normalise_counts

    assert normalise_counts("支部党员6名，到会务名") == "支部党员6名，到会五名"  # 五 heard as 务
    assert normalise_counts("到会议名单") == "到会议名单"  # 名单 is no count: 会议 stays
    assert normalise_counts("请参加到会务人员") == "请参加到会务人员"


def test_a_member_named_as_the_exception_to_the_count_is_absent_whatever_the_reason_was_heard_as():
    from summarizer.attendance import _absences
    from summarizer.names import Roster

    roster = Roster(["冉东升", "桑晓峰", "宓佳琪"], host="冉东升")
    found = _absences("人数我说一下，应到9个人，除了桑晓峰在导弹", roster, "冉东升")  # 倒班 heard as 导弹
    assert [a.name for a in found] == ["桑晓峰"]
    assert _absences("除了桑晓峰同志领学以外", roster, "冉东升") == []  # a role in the meeting: present
    no_reason = _absences("应到9个人，除了桑晓峰，其他同志都到了", roster, "冉东升")
    assert [(a.name, a.reason) for a in no_reason] == [("桑晓峰", "")]  # absent; the reason is the secretary's to fill
