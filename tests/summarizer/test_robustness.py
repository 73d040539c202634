"""Extraction never crashes and invents nothing on odd input."""

import pytest

from core.types import Meeting, Minutes, Segment
from summarizer import extract_minutes

ODD_INPUTS = [
    [],
    [Segment(0, 1, "")],
    [Segment(0, 2, "好。")],
    [Segment(0, 5, "Let's start the meeting. We decide nothing today.", "SPEAKER_00")],
    [Segment(0, 3, "<sil>嗯<$>呃"), Segment(3, 2, "？？？!!!", "发言人1")],  # end before start
    [Segment(0, 3, "第第第一议题议题议题应到应到实到由由由负责负责前前前", "")],
    [Segment(0, 3, "一是二是三是第一个议题第二个议题", "x")],
    [Segment(0, 3, "赞成票反对票弃权票全票通过", "x")],
    [Segment(0, 3, "\x00\ufffd🙂" * 50, "x")],
    [Segment(i, i + 1, "会议决定" * 3, "发言人1") for i in range(3)],
]


@pytest.mark.parametrize("segments", ODD_INPUTS)
@pytest.mark.parametrize("meeting", [Meeting(), Meeting(type="党课", date="2026-01-31", roster=["张三"]),
                                     Meeting(type="支部党员大会", date="not a date", host="李四")])
def test_odd_input_gives_minutes(segments, meeting):
    minutes = extract_minutes(segments, meeting)
    assert isinstance(minutes, Minutes)
    assert minutes.first_topic is None or minutes.first_topic.content
    for r in minutes.resolutions:
        assert r.content


def test_empty_transcript_has_nothing_to_report():
    minutes = extract_minutes([], Meeting(roster=["张三", "李四"]))
    assert minutes.resolutions == [] and minutes.votes == [] and minutes.first_topic is None
    assert minutes.attendance.expected == 2


def test_english_meeting_has_no_party_items():
    segs = [Segment(0, 4, "OK everyone, first item: the budget. Bob will send it by Friday.", "A"),
            Segment(4, 8, "Agreed. Meeting adjourned.", "B")]
    minutes = extract_minutes(segs, Meeting(date="2026-10-12"))
    assert minutes.first_topic is None and minutes.votes == []
