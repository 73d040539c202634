"""After 停止 the pipeline takes up what the pass run while recording decoded (asr.decoded) and decodes only
the rest; its lines are those of a pass over the whole file."""

from __future__ import annotations

import pytest

from app import pipeline
from asr.decode import SAMPLE_RATE, read_audio
from asr.decoded import DecodedLog
from asr.incremental import IncrementalDecoder
from core.types import Meeting
from tests.asr.test_incremental import FakeWhisper, feed_all, rows, transcriber
from tests.conftest import SAMPLE_AUDIO, write_wav


@pytest.fixture
def wav(tmp_path):
    return write_wav(tmp_path / "20261012-143005.wav", read_audio(SAMPLE_AUDIO)[: 70 * SAMPLE_RATE])


def run(wav, monkeypatch, fake: FakeWhisper):
    monkeypatch.setattr(pipeline, "_transcriber", lambda options: transcriber(fake))
    options = pipeline.ProcessOptions(speakers=pipeline.SpeakerOptions(diarize=False), save=False)
    return pipeline.run(wav, Meeting(title="支委会", date="2026-10-12"), options)


@pytest.mark.parametrize("until", [None, 45.0])  # 停止 after the live pass finished / a crash 45 s in
def test_the_stop_path_decodes_only_what_the_live_pass_did_not(wav, monkeypatch, until):
    offline_fake = FakeWhisper()
    offline = rows(transcriber(offline_fake).transcribe(wav))
    live = IncrementalDecoder(transcriber(FakeWhisper()), log_file=DecodedLog.beside(wav))
    feed_all(live, read_audio(wav), upto=until)
    if until is None:
        live.finish()
    stop = FakeWhisper()
    result = run(wav, monkeypatch, stop)
    assert rows(result.segments) == offline
    if until is None:
        assert stop.calls == 0
    else:
        assert 0 < stop.calls < offline_fake.calls
