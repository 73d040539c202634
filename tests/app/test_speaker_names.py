"""The secretary's speaker names survive a re-run that labels the voices afresh."""

from __future__ import annotations

import json

from app.pipeline import ProcessOptions, run
from app.speaker_names import carried_names, keep_speaker_names
from core.storage import Store
from core.types import Meeting, Segment

OLD = [
    Segment(0.0, 6.0, "同志们，现在开会。", "王建国"),
    Segment(6.5, 14.0, "我汇报一下党费收缴情况。", "刘芳"),
    Segment(14.5, 20.0, "我补充一点。", "发言人3"),  # never named: nothing to carry
    Segment(20.5, 24.0, "散会。", "王建国"),
]


def test_new_labels_take_the_names_whose_speech_they_cover():
    new = [
        Segment(0.2, 5.8, "同志们现在开会", "发言人2"),
        Segment(6.4, 13.9, "我汇报一下党费收缴情况", "发言人1"),
        Segment(14.6, 19.8, "我补充一点", "发言人4"),
        Segment(20.6, 23.9, "散会", "发言人2"),
    ]
    assert carried_names(OLD, new) == {"发言人2": "王建国", "发言人1": "刘芳"}
    assert [s.speaker for s in keep_speaker_names(OLD, new)] == ["王建国", "刘芳", "发言人4", "王建国"]


def test_a_label_mostly_elsewhere_keeps_its_number_and_names_are_not_doubled():
    new = [
        Segment(0.0, 24.0, "一整段", "发言人1"),  # spans everyone: 王建国 covers < half of it
        Segment(6.5, 14.0, "我汇报一下", "刘芳"),  # already named by a voiceprint
        Segment(7.0, 13.0, "重叠", "发言人2"),
    ]
    mapping = carried_names(OLD, new)
    assert "发言人1" not in mapping
    assert "刘芳" not in mapping.values()


def test_pipeline_carries_names_from_the_earlier_result(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    meeting = Meeting(type="支部委员会", title="测试", date="2026-10-12", host="王建国", roster=["王建国", "刘芳"])
    first = tmp_path / "first.json"
    first.write_text(json.dumps({"segments": [s.__dict__ for s in OLD]}, ensure_ascii=False), encoding="utf-8")
    earlier = run(None, meeting, ProcessOptions(transcript=first), store=store)
    rerun = tmp_path / "rerun.json"
    rerun.write_text(json.dumps({"segments": [
        {"start": 0.1, "end": 6.0, "speaker": "发言人1", "text": "同志们，现在开会。"},
        {"start": 6.5, "end": 14.0, "speaker": "发言人2", "text": "我汇报一下党费收缴情况。"},
    ]}, ensure_ascii=False), encoding="utf-8")
    again = run(None, meeting, ProcessOptions(transcript=rerun, keep_names_from=earlier.id), store=store)
    assert [s.speaker for s in again.segments] == ["王建国", "刘芳"]
    assert {p.speaker for p in again.assessment.participation} == {"王建国", "刘芳"}


def test_an_unknown_earlier_result_is_refused_before_any_work(tmp_path):
    import pytest

    from app.pipeline import process
    from core.errors import StoreError

    gen = process(tmp_path / "missing.wav", Meeting(), ProcessOptions(keep_names_from="20261012-nope"),
                  store=Store(tmp_path / "db.sqlite"))
    with pytest.raises(StoreError, match="找不到"):
        next(gen)
