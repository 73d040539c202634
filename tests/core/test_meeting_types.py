"""Meeting types: known types and aliases are accepted, anything else is refused with a suggestion."""

from __future__ import annotations

import json

import pytest

from core.errors import MetaError
from core.result import load_meta, result_from_dict
from core.types import MEETING_TYPES, parse_meeting_type


@pytest.mark.parametrize(("typed", "meant"), [
    ("支委会", "支部委员会"), ("支部委员会会议", "支部委员会"), ("党员大会", "支部党员大会"),
    ("支部大会", "支部党员大会"), ("党小组会议", "党小组会"), ("小组会", "党小组会"), (" 党课 ", "党课"),
    *((t, t) for t in MEETING_TYPES),
])
def test_known_types_and_aliases(typed, meant):
    assert parse_meeting_type(typed) == meant


@pytest.mark.parametrize(("typed", "suggested"), [
    ("支委会议", "支部委员会"), ("zhiweihui", "支部委员会"), ("dangxiaozu hui", "党小组会"), ("主题党日会", "主题党日"),
])
def test_unknown_types_are_refused_with_a_suggestion(typed, suggested):
    with pytest.raises(ValueError, match=f"未知的会议类型.*是否指“{suggested}”"):
        parse_meeting_type(typed)


def test_nothing_close_lists_the_known_types():
    with pytest.raises(ValueError) as err:
        parse_meeting_type("年终总结")
    assert "是否指" not in str(err.value) and all(t in str(err.value) for t in MEETING_TYPES)


def test_meta_import_refuses_an_unknown_type(tmp_path):
    meta = tmp_path / "m02.meta.json"
    meta.write_text(json.dumps({"type": "支委会议", "title": "十月支委会", "date": "2026-10-12"}, ensure_ascii=False),
                    encoding="utf-8")
    with pytest.raises(MetaError, match="m02.meta.json.*支委会议.*是否指“支部委员会”"):
        load_meta(meta)
    meta.write_text(json.dumps({"type": "支部大会", "date": "2026-10-12"}, ensure_ascii=False), encoding="utf-8")
    assert load_meta(meta).type == "支部党员大会"


def test_stored_results_load_whatever_type_they_have():
    """Meetings an older version stored with an unchecked type still open (they are fixed in the form)."""
    assert result_from_dict({"meeting": {"type": "支委会议"}}).meeting.type == "支委会议"
