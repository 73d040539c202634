"""The pipeline as the UI drives it: progress events, cancellation, the minutes engine choice."""

from __future__ import annotations

import json

from app.pipeline import MinutesOptions, ProcessOptions, process, run
from core.storage import Store
from core.types import Meeting

MEETING = Meeting(type="支部委员会", title="测试支委会", date="2026-10-12", host="王建国", roster=["王建国", "刘芳", "赵敏"])
SEGMENTS = [
    {"start": 0.0, "end": 6.0, "speaker": "王建国", "text": "同志们，现在开会。应到三人，实到三人。"},
    {"start": 6.5, "end": 14.0, "speaker": "刘芳", "text": "我汇报一下党费收缴情况，还有两名同志没有缴纳。"},
    {"start": 14.5, "end": 24.0, "speaker": "王建国", "text": "会议决定，由刘芳同志负责，本月底前收齐党费。散会。"},
]


def _transcript(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"segments": SEGMENTS}, ensure_ascii=False), encoding="utf-8")
    return path


def test_progress_covers_every_stage_and_result_is_saved(tmp_path):
    events = []
    store = Store(tmp_path / "db.sqlite")
    result = run(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path)), store=store, on_progress=events.append)
    stages = [e.stage for e in events]
    assert stages.index("minutes") < stages.index("analytics") < stages.index("save")
    assert all(0.0 <= e.fraction <= 1.0 for e in events)
    assert store.load_result(result.id).minutes.resolutions[0].deadline == "2026-10-31"


def test_stopping_iteration_cancels_without_saving(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    gen = process(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path)), store=store)
    for event in gen:
        if event.stage == "analytics":
            break
    gen.close()
    assert store.list_meetings() == []


def test_llm_engine_without_a_model_falls_back_to_the_rules(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    rules = run(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path), save=False), store=store)
    llm = run(
        None,
        MEETING,
        ProcessOptions(minutes=MinutesOptions(engine="llm", llm_model_dir=str(tmp_path / "none")), transcript=_transcript(tmp_path), save=False),
        store=store,
    )
    assert [r.content for r in llm.minutes.resolutions] == [r.content for r in rules.minutes.resolutions]
    assert rules.minutes.resolutions[0].owner == "刘芳"


def test_processing_again_replaces_the_meeting_and_keeps_the_secretarys_fields(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    first = run(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path)), store=store)
    first.minutes.resolutions[0].owner = "赵敏"  # corrected by hand in the window
    first.audio_path = "/录音/m01.wav"
    store.save_result(first, status="修订中", manual={"resolutions"}, audio_sha256="ab" * 32)
    again = run(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path), replace_id=first.id), store=store)
    assert again.id == first.id and [r["id"] for r in store.list_meetings()] == [first.id]
    stored = store.load_result(first.id)
    assert stored.minutes.resolutions[0].owner == "赵敏" and stored.audio_path == "/录音/m01.wav"
    state = store.working_state(first.id)
    assert (state.status, state.manual, state.audio_sha256, state.pending) == ("修订中", {"resolutions"}, "ab" * 32, "")


def test_a_frozen_or_deleted_meeting_is_refused_before_any_work(tmp_path):
    import pytest

    from core.errors import StoreError

    store = Store(tmp_path / "db.sqlite")
    meeting_id = run(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path)), store=store).id
    store.db.execute("UPDATE meetings SET status = '已定稿' WHERE id = ?", [meeting_id])
    store.db.conn.commit()
    gen = process(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path), replace_id=meeting_id), store=store)
    with pytest.raises(StoreError, match="已定稿.*修订"):
        next(gen)  # before the first progress event: no minutes of recognition wasted
    store.db.execute("UPDATE meetings SET status = '已处理' WHERE id = ?", [meeting_id])
    store.db.conn.commit()
    store.trash_meeting(meeting_id)
    gen = process(None, MEETING, ProcessOptions(transcript=_transcript(tmp_path), replace_id=meeting_id), store=store)
    with pytest.raises(StoreError, match="回收站"):
        next(gen)
