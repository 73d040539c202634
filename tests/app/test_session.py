"""The meeting session (app/session.py), Qt-free: what each status allows, where results go, and the
working copy from which the minutes and the report are derived."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from app.session import (
    FRESH,
    MINUTES,
    REPORT,
    Action,
    MeetingSession,
    Phase,
    date_from_filename,
    derive,
    meeting_from_filename,
    rename_in_minutes,
)
from core.storage import MeetingStatus
from core.types import Meeting, SpeechPoint
from tests.ui.conftest import make_result

EDITING = (Action.EDIT, Action.REEXTRACT, Action.ADD_RESOLUTION, Action.REMOVE_RESOLUTION)


def allowed(session: MeetingSession) -> set[Action]:
    return {a for a in Action if session.can(a)}


def test_what_each_status_allows():
    s = MeetingSession()
    assert s.phase is Phase.NONE and allowed(s) == {Action.NEW, Action.RECORD, Action.IMPORT}
    s.begin(Meeting(title="十月支委会"))
    assert s.phase is Phase.IDLE
    assert not s.can(Action.EXPORT) and not s.can(Action.FINALIZE) and not s.can(Action.REPROCESS)
    assert "还没有处理结果" in s.why_not(Action.EXPORT)
    ticket = s.start_processing("/录音/m01.wav")
    assert s.phase is Phase.PROCESSING and allowed(s) == {Action.NEW}
    assert s.processing_ended(ticket, make_result(), "已处理")
    assert s.phase is Phase.PROCESSED
    assert {*EDITING, Action.EXPORT, Action.FINALIZE, Action.REPROCESS, Action.DELETE} <= allowed(s)
    assert not s.can(Action.REVISE)
    s.status = MeetingStatus.FINALIZED
    assert allowed(s) == {Action.NEW, Action.RECORD, Action.IMPORT, Action.EXPORT, Action.REVISE, Action.DELETE}
    assert all("修订" in s.why_not(a) for a in EDITING) and not s.edited(MINUTES)
    s.reopened()
    assert s.phase is Phase.REVISING and s.save_status == MeetingStatus.REVISING and set(EDITING) <= allowed(s)
    s.recording = True
    assert s.phase is Phase.RECORDING and allowed(s) == set() and "录音" in s.why_not(Action.NEW)


def test_a_result_goes_to_the_meeting_it_was_processed_for():
    """Processing m02 while the secretary opens m01: m02's result never lands in m01's window."""
    s = MeetingSession()
    s.begin(Meeting(title="机关第二党支部党员大会", type="支部党员大会"))
    ticket = s.start_processing("/录音/m02.m4a")
    s.open(make_result(title="第一党支部2026年10月支委会"), "已处理")
    assert s.phase is Phase.PROCESSED  # browsing another meeting meanwhile
    assert "另一段录音" in s.why_not(Action.IMPORT) and not s.can(Action.RECORD)
    m02 = make_result(title="机关第二党支部党员大会", meeting_type="支部党员大会")
    assert not s.processing_ended(ticket, m02)
    assert s.result.meeting.title == "第一党支部2026年10月支委会" and not s.processing
    assert s.can(Action.IMPORT)


def test_edits_make_the_derived_parts_pending_until_a_current_derivation_arrives():
    s = MeetingSession()
    s.open(make_result(), "已处理")
    assert s.derive_request() is None  # nothing edited
    assert s.edited(REPORT, "resolutions") and s.pending == REPORT and s.manual == {"resolutions"}
    first = s.derive_request()
    assert not first.reextract and first.manual == {"resolutions"}
    s.edited(MINUTES)  # the transcript changed while the first derivation ran
    assert s.apply_derived(first, first.result) and s.pending == MINUTES  # not current: still pending
    second = s.derive_request()
    assert second.reextract
    assert s.apply_derived(second, second.result) and s.pending == FRESH
    other = s.derive_request(reextract=True)
    s.open(make_result(title="另一次会议"), "已处理")
    assert not s.apply_derived(other, other.result)  # belongs to the meeting open before


def test_a_renamed_speaker_is_renamed_in_the_minutes_too():
    result = make_result()
    m = result.minutes
    m.points = [SpeechPoint("发言人1", "应到五人，实到四人。"), SpeechPoint("刘芳", "我谈一点体会。")]
    m.resolutions[1].owner = "发言人1"
    m.first_topic.leader = "发言人1"
    rename_in_minutes(m, "发言人1", "王建国")
    assert [p.speaker for p in m.points] == ["王建国", "刘芳"]
    assert m.resolutions[1].owner == "王建国" and m.first_topic.leader == "王建国"


def test_derive_follows_a_rename_and_a_filled_owner():
    """The report is derived from the working copy: new names in the participation, no ✗ for an
    owner the secretary filled in, and the hand-edited resolutions kept through re-extraction."""
    result = make_result()
    for seg in result.segments:
        if seg.speaker == "王建国":
            seg.speaker = "发言人1"
    before = derive(result)
    assert "发言人1" in {p.speaker for p in before.assessment.participation}
    element = next(c for c in before.assessment.compliance if "决议" in c.item and c.ok is False)
    for seg in result.segments:
        if seg.speaker == "发言人1":
            seg.speaker = "王建国"
    result.minutes.resolutions[1].owner, result.minutes.resolutions[1].deadline = "陈志强", "2026-11-30"
    after = derive(result, reextract=True, manual={"resolutions"})
    assert {p.speaker for p in after.assessment.participation} == {"王建国", "刘芳", "陈志强", "孙磊"}
    assert after.minutes.resolutions[1].owner == "陈志强"
    same = [c for c in after.assessment.compliance if c.item == element.item]
    assert same and all(c.ok is not False for c in same), same
    assert all(p.speaker != "发言人1" for p in after.minutes.points)


def test_the_form_for_an_imported_file_is_prefilled_from_its_name(tmp_path):
    last = Meeting(type="支部委员会", title="第一党支部2026年10月支委会", branch="第一党支部", date="2026-10-12",
                   location="三楼党员活动室", host="王建国", recorder="刘芳", roster=["王建国", "刘芳"])
    named = tmp_path / "20261105-093000.wav"
    named.write_bytes(b"")
    m = meeting_from_filename(named, last)
    assert (m.date, m.type, m.branch, m.roster, m.title) == ("2026-11-05", "支部委员会", "第一党支部", ["王建国", "刘芳"], "")
    other = tmp_path / "机关第二党支部党员大会.m4a"
    other.write_bytes(b"")
    stamp = dt.datetime(2026, 10, 20, 15, 0).timestamp()
    os.utime(other, (stamp, stamp))
    m = meeting_from_filename(other, last)
    assert (m.date, m.type, m.branch) == ("2026-10-20", "支部党员大会", "机关第二党支部")
    assert m.title == "机关第二党支部党员大会"


@pytest.mark.parametrize(("name", "day"), [
    ("20261012.m4a", "2026-10-12"), ("录音_2026-10-12_上午.wav", "2026-10-12"), ("2026年10月12日支委会.mp3", "2026-10-12"),
    ("20261399.wav", ""), ("m02.m4a", ""), ("120261012.wav", ""),
])
def test_dates_in_file_names(name, day):
    assert date_from_filename(name) == day


def test_a_meeting_opened_again_while_it_is_processed_stays_locked():
    """Its result is on the way: edits of the old copy would be overwritten, or overwrite it."""
    s = MeetingSession()
    s.open(make_result(), "已处理")
    s.result.id = "20261012-aaaaaa"
    ticket = s.start_processing("/录音/m01.wav", replace_id="20261012-aaaaaa")
    s.open(make_result(title="另一次会议"), "已处理")
    assert s.can(Action.EDIT)
    again = make_result()
    again.id = "20261012-aaaaaa"
    s.open(again, "已处理")
    assert s.phase is Phase.PROCESSING and not s.can(Action.EDIT)
    assert s.processing_ended(ticket, again) and s.phase is Phase.PROCESSED  # shown: it is this meeting
