"""What the machine asks the secretary to check on a 决议事项 or on the 第一议题 block.

One name per flag, the Chinese text a user reads (stored as such in result.json, so older files keep
their meaning), and the field each flag is about: an edit clears the flags it answers without anyone
reading the text, and the missing-field flags are worked out in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.types import Resolution


class Flag(StrEnum):
    NEEDS_FILLING = "待人工补齐"  # a field the secretary must complete by hand
    NO_OWNER = "缺少责任人"
    NO_DEADLINE = "缺少完成时限"
    RECURRING = "周期性任务"  # '每周一次': no deadline to fill, filed as 长期
    DEADLINE_INFERRED = "完成时限据语音推断，请核对"  # read through a recognition error
    UNLISTED_OWNER = "责任人不在参会名单中，请核对"  # '由张伟同志牵头' with no roster, or a guest
    SUMMARISED = "第一议题内容据领学发言概括，请核对"


COLLECTIVE = "责任主体："  # + the unit heard, '责任主体：办公室': a body, not a person, was named

# The field of a Resolution (or FirstTopic) each flag is about; NEEDS_FILLING follows the others.
_FIELD = {
    Flag.NO_OWNER: "owner", Flag.UNLISTED_OWNER: "owner",
    Flag.NO_DEADLINE: "deadline", Flag.RECURRING: "deadline", Flag.DEADLINE_INFERRED: "deadline",
    Flag.SUMMARISED: "content",
}
_MISSING = (Flag.NEEDS_FILLING, Flag.NO_OWNER, Flag.NO_DEADLINE, Flag.RECURRING)


def collective_owner(unit: str) -> str:
    return f"{COLLECTIVE}{unit}"


def flag_field(flag: str) -> str | None:
    """'owner', 'deadline', 'content' or None (a flag about the item as a whole)."""
    if flag.startswith(COLLECTIVE):
        return "owner"
    try:
        return _FIELD.get(Flag(flag))
    except ValueError:  # a flag written by another tool or version: kept, about nothing in particular
        return None


def flag_missing(res: Resolution, recurring: bool = False) -> None:
    """Flag what the secretary must fill in (待人工补齐): a missing owner or deadline; a recurring task
    ('每周一次') has no deadline to fill."""
    res.flags = [f for f in res.flags if f not in _MISSING]
    missing = []
    if not res.owner:
        missing.append(Flag.NO_OWNER.value)
    if not res.deadline and not recurring:
        missing.append(Flag.NO_DEADLINE.value)
    if recurring and not res.deadline:
        res.flags.append(Flag.RECURRING.value)
    if missing:
        res.flags = [Flag.NEEDS_FILLING.value, *missing, *res.flags]


def clear_answered(flags: list[str], field: str) -> list[str]:
    """The flags left once the secretary has set `field` by hand."""
    return [f for f in flags if flag_field(f) != field]


def resolution_edited(res: Resolution, field: str) -> None:
    """The secretary set `field` of a 决议事项: drop the machine's flags about it, re-judge what is missing."""
    recurring = field != "deadline" and Flag.RECURRING in res.flags
    res.flags = clear_answered(res.flags, field)
    flag_missing(res, recurring=recurring)
