"""The fields the documents added to Meeting (列席人员, start and end clock time): optional, so a
result.json or meta file written before them loads unchanged, and kept through a save and reload."""

from __future__ import annotations

import json

import pytest

from core.errors import MetaError
from core.result import dumps, meeting_from_dict, result_from_dict
from core.types import Assessment, Meeting, Minutes, Result, Segment

OLD_META = {"type": "支委会", "title": "第一党支部2026年10月支委会", "date": "2026-10-12", "host": "王建国",
            "roster": ["王建国", "刘芳"]}


def test_a_meta_file_without_the_new_fields_loads_as_before():
    meeting = meeting_from_dict(dict(OLD_META))
    assert meeting.type == "支部委员会"
    assert meeting.attendees_nonvoting == [] and meeting.start_time == "" and meeting.end_time == ""


def test_the_new_fields_survive_a_result_round_trip():
    meeting = meeting_from_dict({**OLD_META, "attendees_nonvoting": [" 李华 ", ""], "start_time": "9:05",
                                 "end_time": "10:40:00"})
    assert meeting.attendees_nonvoting == ["李华"]
    assert (meeting.start_time, meeting.end_time) == ("09:05", "10:40")  # normalised to HH:MM
    result = Result(meeting=meeting, segments=[Segment(0, 5, "开会", "王建国")], minutes=Minutes(), assessment=Assessment())
    data = json.loads(dumps(result))
    assert data["meeting"]["attendees_nonvoting"] == ["李华"] and data["meeting"]["start_time"] == "09:05"
    again = result_from_dict(data)
    assert again.meeting == meeting


def test_a_result_json_from_before_loads():
    old = {"schema": "sanhui.result/1", "id": "x", "meeting": dict(OLD_META), "segments": [],
           "minutes": {}, "analytics": {}}
    assert result_from_dict(old).meeting.attendees_nonvoting == []


@pytest.mark.parametrize("field, value", [("start_time", "25:00"), ("start_time", "下午两点"), ("end_time", 1430),
                                          ("attendees_nonvoting", "李华")])
def test_bad_values_are_refused_in_chinese(field: str, value):
    with pytest.raises(MetaError, match="[\u4e00-\u9fff]"):
        meeting_from_dict({**OLD_META, field: value})


def test_meeting_defaults_keep_old_callers_working():
    assert Meeting().attendees_nonvoting == [] and Meeting().start_time == ""
