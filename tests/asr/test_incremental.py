"""asr.incremental and asr.decoded: the full pass run while recording gives the offline pass's lines,
keeps them beside the recording, and nothing decoded is decoded again (a crash, a restart, 停止).

Whisper is replaced by a fake whose text is a function of the audio it is handed, so any difference
in how the two passes cut the audio shows up as different text; Silero VAD and the planning are real.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from asr.decode import SAMPLE_RATE, read_audio
from asr.decoded import DecodedLog, log_path
from asr.incremental import IncrementalDecoder
from asr.transcribe import TranscribeOptions, Transcriber
from tests.conftest import SAMPLE_AUDIO, write_wav

CHARS = "会议学习党员同志工作支部研究讨论落实组织生活民主评议发展"
SECONDS = 75.0


class FakeWhisper:
    """Deterministic 'recognition': characters chosen by a hash of the samples, 3 a second."""

    def __init__(self):
        self.calls = 0

    def transcribe(self, audio: np.ndarray, **kwargs):
        self.calls += 1
        seconds = len(audio) / SAMPLE_RATE
        digest = hashlib.sha256(np.round(audio, 3).tobytes()).digest()
        n = max(2, int(seconds * 3))
        text = "".join(CHARS[hashlib.sha256(digest + bytes([i % 256, i // 256])).digest()[0] % len(CHARS)]
                       for i in range(n))
        step = seconds / n
        words = [SimpleNamespace(start=i * step, end=(i + 1) * step, word=c) for i, c in enumerate(text)]
        seg = SimpleNamespace(text=text, start=0.0, end=seconds, no_speech_prob=0.0, avg_logprob=-0.2, words=words)
        return iter([seg]), None


def transcriber(fake: FakeWhisper, window: float = 30.0) -> Transcriber:
    # Short windows, so a minute of audio spans several and the window cuts are exercised.
    t = Transcriber(Path("fake-model"), TranscribeOptions(window_seconds=window, correct=False))
    t._model = fake
    return t


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return read_audio(SAMPLE_AUDIO)[: int(SECONDS * SAMPLE_RATE)]


@pytest.fixture
def wav(tmp_path, audio) -> Path:
    # Through 16-bit PCM once, so the file and the fed samples are the same numbers.
    path = write_wav(tmp_path / "meeting.wav", audio)
    return path


def pcm_samples(path: Path) -> np.ndarray:
    return read_audio(path)


def rows(segments) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.text) for s in segments]


def feed_all(decoder: IncrementalDecoder, samples: np.ndarray, upto: float | None = None) -> tuple[list, int]:
    """Fed in uneven blocks as a file grows; returns the lines and how many came before the end."""
    out = []
    sizes = [3000, 7001, 16000, 4100]
    i = 0
    stop = len(samples) if upto is None else int(upto * SAMPLE_RATE)
    while i < stop:
        n = min(sizes[len(out) % len(sizes)], stop - i)
        out += decoder.feed(samples[i: i + n])
        i += n
    return out, len(out)


def test_lines_decoded_while_recording_equal_the_offline_pass(wav):
    offline = rows(transcriber(FakeWhisper()).transcribe(wav))
    decoder = IncrementalDecoder(transcriber(FakeWhisper()))
    lines, early = feed_all(decoder, pcm_samples(wav))
    lines += decoder.finish()
    assert len(offline) >= 5
    assert rows(lines) == offline
    assert early >= len(offline) - 2  # most lines were final before the recording ended


def test_the_decoded_log_survives_a_crash_and_nothing_is_decoded_twice(wav):
    samples = pcm_samples(wav)
    offline = rows(transcriber(FakeWhisper()).transcribe(wav))
    log = DecodedLog.beside(wav)

    first = FakeWhisper()
    crashed = IncrementalDecoder(transcriber(first), log_file=log)
    feed_all(crashed, samples, upto=50.0)  # the app dies 50 s in: no finish()
    assert log_path(wav).exists() and first.calls > 0
    with open(log_path(wav), "ab") as f:
        f.write(b'{"kind": "chunk", "key": "torn')  # the line being written when it died

    again = FakeWhisper()  # the live pass starts again, reading the recording from its start
    restarted = IncrementalDecoder(transcriber(again), log_file=log)
    lines, _early = feed_all(restarted, samples)
    lines += restarted.finish()
    resumed = restarted.done.resume_sample / SAMPLE_RATE
    assert resumed > 20.0  # the first window was closed before the crash
    assert rows(lines) == [r for r in offline if r[0] >= resumed]  # the closed windows' lines come from the log
    fresh = IncrementalDecoder(transcriber(FakeWhisper()))
    feed_all(fresh, samples)
    fresh.finish()
    assert crashed.decoded_chunks > 0 and restarted.decoded_chunks > 0
    assert crashed.decoded_chunks + restarted.decoded_chunks == fresh.decoded_chunks  # none decoded twice

    stop = FakeWhisper()  # 停止: the pipeline's pass over the whole file reads everything from the log
    assert rows(transcriber(stop).transcribe(wav, log=log)) == offline
    assert stop.calls == 0


def test_reprocessing_after_a_crash_decodes_only_the_rest(wav):
    samples = pcm_samples(wav)
    offline_fake = FakeWhisper()
    offline = rows(transcriber(offline_fake).transcribe(wav))
    log = DecodedLog.beside(wav)
    partial = FakeWhisper()
    feed_all(IncrementalDecoder(transcriber(partial), log_file=log), samples, upto=40.0)

    rest = FakeWhisper()
    assert rows(transcriber(rest).transcribe(wav, log=log)) == offline
    assert 0 < rest.calls < offline_fake.calls


def test_other_settings_do_not_reuse_the_log(wav):
    log = DecodedLog.beside(wav)
    assert transcriber(FakeWhisper()).transcribe(wav, log=log)
    other = Transcriber(Path("fake-model"), TranscribeOptions(window_seconds=30.0, correct=False, beam_size=1))
    other._model = fake = FakeWhisper()
    list(other.transcribe(wav, log=log))
    assert fake.calls > 0


def test_lines_decoded_from_samples_resampled_otherwise_are_not_decoded_again(wav):
    """A 48 kHz microphone: the live pass resamples the WAV its own way, so the VAD cuts the open window
    a little differently from the pass over the file; what the log covers is still not decoded again."""
    samples = pcm_samples(wav)
    rng = np.random.default_rng(1)
    heard = samples + rng.normal(0, 2e-3, len(samples)).astype(np.float32)  # another resampler's samples
    log = DecodedLog.beside(wav)
    live = IncrementalDecoder(transcriber(FakeWhisper(), window=300.0), log_file=log)
    lines, _early = feed_all(live, heard)  # 停止: the one window is still open
    assert lines and live.done.chunks.get(0)
    offline = rows(transcriber(FakeWhisper(), window=300.0).transcribe(wav))
    stop = FakeWhisper()
    after = rows(transcriber(stop, window=300.0).transcribe(wav, log=log))
    assert after[: len(lines)] == rows(lines)  # every live line kept, once, then the rest to the end
    assert after == sorted(after) and after[-1][1] == offline[-1][1]
    baseline = FakeWhisper()  # the pass over the file without the log
    list(transcriber(baseline, window=300.0).transcribe(wav))
    assert 0 < stop.calls < baseline.calls
