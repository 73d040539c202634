"""Child-process jobs: results, Chinese errors and cancellation cross the process boundary intact."""

from __future__ import annotations

import dataclasses

import pytest

from app.jobs import in_child, reextract_job
from app.pipeline import ProcessOptions
from core.errors import AudioError
from tests.ui.conftest import make_result, wait_done, wait_saved


def _drive(gen):
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as stop:
            return items, stop.value


def test_child_returns_the_jobs_value(tmp_path):
    result = make_result()
    items, minutes = _drive(in_child(reextract_job, result.segments, result.meeting))
    from summarizer import extract_minutes

    assert dataclasses.asdict(minutes) == dataclasses.asdict(extract_minutes(result.segments, result.meeting))
    assert all(i is None for i in items)  # only heartbeats from a job that yields nothing


def test_child_errors_keep_their_chinese_message_and_class(tmp_path):
    from app.jobs import process_job

    missing = tmp_path / "没有这个文件.wav"
    gen = in_child(process_job, missing, make_result().meeting, ProcessOptions(save=False), tmp_path / "db.sqlite")
    with pytest.raises(AudioError, match="没有这个文件.wav"):
        _drive(gen)


def test_closing_the_generator_stops_the_child(tmp_path):
    from app.jobs import process_job
    from tests.conftest import SAMPLE_AUDIO

    gen = in_child(process_job, SAMPLE_AUDIO, make_result().meeting, ProcessOptions(save=False), tmp_path / "db.sqlite")
    seen = None
    for item in gen:
        if item is not None and item.stage == "asr":
            seen = item
            break
    assert seen is not None
    import time

    from app.jobs import CANCEL_GRACE_SECONDS

    proc = gen.gi_frame.f_locals["proc"]
    t0 = time.monotonic()
    gen.close()
    # Stopped between two items (exit 0) or, stuck inside one, killed after the grace period.
    assert not proc.is_alive() and proc.exitcode in (0, -9)
    assert time.monotonic() - t0 < CANCEL_GRACE_SECONDS + 2


def test_reextract_keeps_manual_sections(qtbot, window, store):
    from summarizer import extract_minutes

    result = make_result()
    meeting_id = store.save_result(result)
    window.open_meeting(meeting_id)
    mv = window.minutes
    mv.res_model.setData(mv.res_model.index(1, 1), "陈志强")  # a manual fix in the resolutions
    mv.flush()
    worker = window.reextract()
    wait_done(qtbot, window, worker, timeout=60000)
    assert window.last_error == ""
    fresh = extract_minutes(result.segments, result.meeting)
    m = window.result.minutes
    assert m.resolutions[1].owner == "陈志强" and len(m.resolutions) == 2  # kept as edited
    assert m.agenda == fresh.agenda and dataclasses.asdict(m.attendance) == dataclasses.asdict(fresh.attendance)
    wait_saved(qtbot, window)
    assert store.load_result(meeting_id).minutes.resolutions[1].owner == "陈志强"
