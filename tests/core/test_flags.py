import json

from core.flags import Flag, clear_answered, collective_owner, flag_field, flag_missing, resolution_edited
from core.types import Resolution


def test_missing_fields_are_flagged_and_cleared_as_the_secretary_fills_them():
    res = Resolution(content="完善支部工作台账")
    flag_missing(res)
    assert res.flags == ["待人工补齐", "缺少责任人", "缺少完成时限"]
    res.owner = "陈志强"
    resolution_edited(res, "owner")
    assert res.flags == ["待人工补齐", "缺少完成时限"]
    res.deadline = "2026-11-30"
    resolution_edited(res, "deadline")
    assert res.flags == []  # nothing left to fill: 待人工补齐 goes too


def test_an_edit_clears_only_the_flags_about_its_field():
    res = Resolution(content="组织集中学习", owner="张伟", deadline="2026-10-25",
                     flags=[Flag.DEADLINE_INFERRED.value, Flag.UNLISTED_OWNER.value, "另一工具写的提示"])
    resolution_edited(res, "deadline")
    assert res.flags == [Flag.UNLISTED_OWNER, "另一工具写的提示"]
    resolution_edited(res, "content")
    assert res.flags == [Flag.UNLISTED_OWNER, "另一工具写的提示"]
    resolution_edited(res, "owner")
    assert res.flags == ["另一工具写的提示"]


def test_a_recurring_task_has_no_deadline_to_fill_until_the_deadline_is_edited():
    res = Resolution(content="每周开展一次安全检查", owner="李明")
    flag_missing(res, recurring=True)
    assert res.flags == ["周期性任务"]
    resolution_edited(res, "owner")
    assert res.flags == ["周期性任务"]
    resolution_edited(res, "deadline")  # the secretary cleared or set the deadline: it is a dated task now
    assert res.flags == ["待人工补齐", "缺少完成时限"]


def test_flags_are_stored_as_their_chinese_text():
    assert json.dumps([Flag.NO_OWNER, collective_owner("办公室")], ensure_ascii=False) == '["缺少责任人", "责任主体：办公室"]'
    assert flag_field("责任主体：办公室") == "owner" and flag_field(Flag.SUMMARISED) == "content"
    assert clear_answered([Flag.SUMMARISED.value], "content") == []
