"""The new-meeting form carries what the minutes print: 列席人员 and the start and end clock times."""

from __future__ import annotations

from pathlib import Path

from app.pipeline import recording_start
from app.ui.meeting_form import MeetingForm
from core.types import Meeting


def test_form_takes_nonvoting_attendees_and_clock_times(qtbot, store):
    form = MeetingForm(Meeting(type="支部委员会", title="十月支委会", date="2026-10-12", roster=["王建国", "刘芳"]),
                       store=store)
    qtbot.addWidget(form)
    form.nonvoting_edit.setText("张三、李四")
    form.start_edit.setText("9：05")
    form.end_edit.setText("10:30")
    m = form.meeting()
    assert (m.attendees_nonvoting, m.start_time, m.end_time) == (["张三", "李四"], "09:05", "10:30")
    form.end_edit.setText("25:00")
    form.accept()
    assert form.result() == 0 and "结束时间" in form.error_label.text()


def test_a_recording_made_here_gives_the_start_time():
    assert recording_start(Path("20261012-143005.wav")) == "14:30"
    assert recording_start(Path("20261012-143005-2.wav")) == "14:30"  # a second recording in that second
    assert recording_start(Path("m01.wav")) == "" and recording_start(Path("会议录音.m4a")) == ""
