"""asr.live: a live transcript that follows the WAV the recorder is writing, on real speech in real time."""

from __future__ import annotations

import functools
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from asr.lexicon import meeting_hotwords
from asr.live import LiveTranscriber, WavTail, corrected, follow_recording, whisper_decoder
from asr.models import ModelRegistry
from asr.recorder import FileStream, Recorder, wav_header
from asr.text import has_traditional
from tests.conftest import require_shared

CLIPS = ["BAC009S0724W0121.wav", "BAC009S0724W0124.wav"]  # 广州市房地产中介协会分析 / 广州二手住宅市场…


def read_pcm(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_wav_tail_reads_only_new_whole_frames_and_resamples_to_16k(tmp_path):
    path = tmp_path / "growing.wav"
    rate = 48000
    t = np.arange(rate * 2) / rate
    stereo = np.repeat((np.sin(2 * np.pi * 200 * t) * 16000).astype("<i2")[:, None], 2, axis=1)
    raw = stereo.tobytes()
    tail = WavTail(path)
    assert len(tail.read()) == 0  # the file does not exist yet
    path.write_bytes(wav_header(rate, 2))
    got = []
    with open(path, "ab") as f:
        for start in range(0, len(raw), 4801):  # odd sizes: frames arrive half written
            f.write(raw[start:start + 4801])
            f.flush()
            got.append(tail.read())
    out = np.concatenate(got)
    assert tail.samplerate == rate and tail.channels == 2
    assert abs(len(out) - 2 * 16000) <= 2
    expected = np.sin(2 * np.pi * 200 * np.arange(len(out)) / 16000) * 16000 / 32768
    assert np.max(np.abs(out - expected)) < 0.01  # continuous across reads: no clicks at the joins


def test_silence_is_never_decoded_and_never_piles_up():
    def decode(audio):
        raise AssertionError("silence must not reach the decoder")

    live = LiveTranscriber(decode)
    for _ in range(60):  # 30 s of room noise in half-second reads
        assert live.feed(np.random.default_rng(0).normal(0, 1e-4, 8000).astype(np.float32)) == []
    assert len(live.audio) <= 1.5 * 16000 and live.offset > 28.0


def test_live_text_restores_terms_and_roster_names():
    def decode(audio):
        return "研究第四季度党飞收脚工作，请臣志抢同志领学"

    decode_corrected = corrected(decode, ["陈志强", "刘芳"], meeting_hotwords(["陈志强", "刘芳"]))
    assert decode_corrected(np.zeros(16000, dtype=np.float32)) == "研究第四季度党费收缴工作，请陈志强同志领学"


def test_live_text_follows_real_speech_within_seconds(tmp_path, corpus_dir, record_property):
    clips = [read_pcm(corpus_dir / "real" / "aishell1" / name) for name in CLIPS]
    pause = np.zeros(16000, dtype=np.int16)
    pcm = np.concatenate([pause, clips[0], pause, clips[1], pause])
    decoder = whisper_decoder(ModelRegistry().find("base"), threads=1)  # as the app runs it; loaded first: steady-state latency is measured

    path = tmp_path / "meeting.wav"
    recorder = Recorder(path, samplerate=16000, stream_factory=functools.partial(FileStream, pcm, realtime=True))
    cpu0, t0 = time.process_time(), time.monotonic()
    recorder.start()
    stream = recorder._stream
    stopper = threading.Thread(target=lambda: (stream.wait(), recorder.stop()))
    stopper.start()
    arrivals: list[tuple[float, object]] = []
    for item in follow_recording(path, decoder=decoder):
        if item is not None:
            arrivals.append((time.monotonic() - t0, item))
    stopper.join()
    cpu = time.process_time() - cpu0

    finals = [(t, item) for t, item in arrivals if item.final]
    assert [item.text for _t, item in finals] and all("广州" in item.text for _t, item in finals)
    assert len(finals) == 2 and finals[0][1].end < finals[1][1].start
    assert not any(has_traditional(item.text) for _t, item in arrivals)
    # The audio is replayed in real time, so its second `end` reached the file at about t0 + end.
    latencies = [t - item.end for t, item in finals]
    first_text = min(t for t, item in arrivals if item.text) - finals[0][1].start
    record_property("live_final_latency_s", [round(x, 2) for x in latencies])
    record_property("live_first_text_after_speech_start_s", round(first_text, 2))
    record_property("live_cpu_s_per_audio_s", round(cpu / (len(pcm) / 16000), 2))
    print(f"final latency {latencies}, first text {first_text:.2f} s after speech start, "
          f"CPU {cpu:.1f} s for {len(pcm) / 16000:.1f} s of audio")
    assert any(not item.final for _t, item in arrivals)  # provisional text while a region was being spoken
    # Following the file took nothing from the recording.
    assert read_pcm(path).tobytes() == pcm.tobytes()


@pytest.fixture
def corpus_dir(corpus_dir):
    require_shared(corpus_dir / "real" / "aishell1", "the AISHELL clips")
    return corpus_dir
