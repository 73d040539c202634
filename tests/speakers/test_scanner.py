"""asr.speakers.turns.SpeechScanner: the speaker scan made while recording equals scan_recording's over the
file, however the audio is fed, and a saved scan is taken up where it stopped (a crash, 停止)."""

from __future__ import annotations

import numpy as np
import pytest

from asr.decode import SAMPLE_RATE, read_audio
from asr.speakers.turns import SpeechScanner, checkpoint_path, scan_recording
from tests.conftest import SAMPLE_AUDIO, write_wav


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    audio = read_audio(SAMPLE_AUDIO)[: 140 * SAMPLE_RATE]  # past two of the scan's 60 s VAD blocks
    path = write_wav(tmp_path_factory.mktemp("scan") / "meeting.wav", audio)
    return path, read_audio(path), scan_recording(path, pitch=False)


def same(a, b) -> bool:
    return (a.regions == b.regions and a.owner == b.owner and np.allclose(a.offset, b.offset)
            and len(a.vectors) == len(b.vectors)
            and all(np.allclose(x, y, atol=1e-5) for x, y in zip(a.vectors, b.vectors, strict=True)))


def test_fed_in_any_blocks_it_scans_as_the_file_pass(recording):
    _path, samples, whole = recording
    scanner = SpeechScanner(pitch=False)
    for i in range(0, len(samples), 7001):
        scanner.feed(samples[i: i + 7001])
    assert len(whole.regions) > 5 and same(scanner.finish(), whole)


def test_a_saved_scan_is_taken_up_where_it_stopped(recording, tmp_path, monkeypatch):
    path, samples, whole = recording
    scanner = SpeechScanner(pitch=False)
    scanner.feed(samples[: 100 * SAMPLE_RATE])  # the app dies 100 s in, after a save
    checkpoint = checkpoint_path(tmp_path / "meeting.wav")
    scanner.save(checkpoint)
    assert SpeechScanner.resume(checkpoint, pitch=True) is None  # made otherwise: not used
    resumed = SpeechScanner.resume(checkpoint, pitch=False)
    assert resumed is not None and 0 < resumed.buffer_start <= resumed.resume_at <= 100 * SAMPLE_RATE
    assert len(resumed.scan.regions) > 0
    from asr.speakers import turns as speaker_turns

    embedded: list[int] = []
    real = speaker_turns.embed_stretch
    monkeypatch.setattr(speaker_turns, "embed_stretch", lambda audio: embedded.append(1) or real(audio))
    assert same(scan_recording(path, pitch=False, checkpoint=checkpoint), whole)
    assert 0 < len(embedded) < len(whole.regions) - len(resumed.scan.regions) + 1  # only the rest was embedded
