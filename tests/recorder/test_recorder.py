"""The recorder writes every block it is given, survives pause/resume and stop, and reports devices."""

from __future__ import annotations

import functools
import wave
from types import SimpleNamespace

import numpy as np
import pytest

from asr.recorder import FileStream, Recorder, list_input_devices, sounddevice_stream, unfinished_recordings
from core.errors import AudioError

RATE = 16000


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16), w.getframerate()


def test_three_hour_session_writes_every_sample(tmp_path, sample_pcm):
    """A 3-hour meeting fed far faster than real time: the file holds exactly what was fed, in order."""
    total = 3 * 3600 * RATE
    path = tmp_path / "long.wav"
    factory = functools.partial(FileStream, sample_pcm, repeat_to=total)
    rec = Recorder(path, samplerate=RATE, stream_factory=factory, blocksize=1600)
    rec.start()
    stream = rec._stream
    assert stream.wait(timeout=300)
    info = rec.stop()
    assert stream.frames_fed == total
    assert info.frames == total
    assert path.stat().st_size == 44 + total * 2
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == total and w.getframerate() == RATE
    data = np.memmap(path, dtype=np.int16, mode="r", offset=44)
    n = len(sample_pcm)
    for start in range(0, total, n):  # compare loop by loop, never the whole 345 MB in memory
        chunk = np.asarray(data[start:start + n])
        assert np.array_equal(chunk, sample_pcm[: len(chunk)]), f"mismatch in the loop starting at {start / RATE:.0f} s"
    del data
    path.unlink()  # 345 MB: do not leave it for pytest's retained tmp folders


def test_stop_drains_every_queued_block(tmp_path, manual_device):
    rec = Recorder(tmp_path / "r.wav", samplerate=RATE, stream_factory=manual_device)
    rec.start()
    dev = manual_device.made[0]
    blocks = [np.full(1600, i, dtype=np.int16) for i in range(500)]
    for b in blocks:
        dev.push(b)
    info = rec.stop()  # immediately: the writer is still behind, stop must wait for it
    assert dev.closed
    data, rate = read_wav(rec.path)
    assert rate == RATE and info.frames == len(data) == 500 * 1600
    assert np.array_equal(data, np.concatenate(blocks))
    assert unfinished_recordings(tmp_path) == []
    assert rec.stop().frames == info.frames  # a second stop is harmless


def test_pause_resume_and_markers(tmp_path, manual_device):
    rec = Recorder(tmp_path / "p.wav", samplerate=RATE, stream_factory=manual_device)
    rec.start()
    dev = manual_device.made[0]
    dev.push(np.full(RATE, 1000, dtype=np.int16))
    rec.pause()
    dev.push(np.full(RATE, 2000, dtype=np.int16))  # spoken during the pause: not recorded
    assert rec.level == pytest.approx(2000 / 32768)  # the meter still moves while paused
    rec.resume()
    marker = rec.add_marker("表决")
    dev.push(np.full(RATE, 3000, dtype=np.int16))
    info = rec.stop()
    data, _ = read_wav(rec.path)
    assert len(data) == 2 * RATE and set(np.unique(data)) == {1000, 3000}
    assert marker.seconds == pytest.approx(1.0) and info.markers[0].label == "表决"
    assert info.seconds == pytest.approx(2.0)


def test_silence_and_level_are_reported(tmp_path, manual_device):
    rec = Recorder(tmp_path / "s.wav", samplerate=RATE, stream_factory=manual_device)
    rec.start()
    dev = manual_device.made[0]
    dev.push(np.zeros(1600, dtype=np.int16))
    assert rec.level == 0.0 and rec.level_db <= -99
    dev.push((np.ones(1600) * 16384).astype(np.int16))
    assert rec.level == pytest.approx(0.5) and abs(rec.level_db + 6.02) < 0.1
    assert rec.seconds_since_sound() < rec.seconds_since_block() + 1.0
    assert rec.free_seconds() is not None and rec.free_seconds() > 0
    rec.stop()


def test_stereo_device(tmp_path, sample_pcm):
    stereo = np.stack([sample_pcm[:RATE * 5], -sample_pcm[:RATE * 5]], axis=1)
    rec = Recorder(tmp_path / "st.wav", samplerate=RATE, channels=2,
                   stream_factory=functools.partial(FileStream, stereo))
    rec.start()
    rec._stream.wait(timeout=30)
    rec.stop()
    with wave.open(str(rec.path), "rb") as w:
        assert w.getnchannels() == 2 and w.getnframes() == RATE * 5
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, 2)
    assert np.array_equal(frames, stereo)


def test_device_list_marks_default_and_skips_outputs():
    fake_sd = SimpleNamespace(
        query_devices=lambda: [
            {"name": "扬声器", "max_input_channels": 0, "default_samplerate": 48000},
            {"name": "USB 会议麦克风", "max_input_channels": 1, "default_samplerate": 48000},
            {"name": "内置麦克风", "max_input_channels": 2, "default_samplerate": 44100},
        ],
        default=SimpleNamespace(device=(2, 0)),
    )
    devices = list_input_devices(fake_sd)
    assert [d.name for d in devices] == ["USB 会议麦克风", "内置麦克风"]
    assert [d.is_default for d in devices] == [False, True]


def test_no_microphone_is_a_chinese_error(tmp_path):
    if list_input_devices():
        pytest.skip("this machine has a microphone")
    rec = Recorder(tmp_path / "none.wav", stream_factory=sounddevice_stream)
    with pytest.raises(AudioError, match="麦克风"):
        rec.start()
    assert not (tmp_path / "none.wav").exists()


def test_device_failing_to_start_is_a_chinese_error(tmp_path):
    class Unplugged:
        samplerate = RATE

        def __init__(self, **_):
            pass

        def start(self):
            raise OSError("device unavailable")

        def stop(self):
            pass

        def close(self):
            pass

    rec = Recorder(tmp_path / "u.wav", samplerate=RATE, stream_factory=Unplugged)
    with pytest.raises(AudioError, match="麦克风无法开始录音"):
        rec.start()
