"""asr.decode on real encoder output of every container we accept, and on the inputs that must fail."""

from __future__ import annotations

import random
import wave
from pathlib import Path

import numpy as np
import pytest

from asr.decode import SAMPLE_RATE, iter_chunks, probe_duration, read_audio
from core.errors import AudioError
from tests.asr.conftest import TONE_HZ

FORMATS = [
    ("tone.wav", "pcm_s16le", {}),
    ("tone.flac", "flac", {}),
    ("tone.mp3", "mp3", {}),
    ("tone.m4a", "aac", {}),
    ("tone.ogg", "libopus", {"rate": 48000}),
    ("tone.opus", "libopus", {"rate": 48000}),
    ("tone.mp4", "aac", {"video": True}),  # the audio track of a video recording
    ("mono8k.wav", "pcm_s16le", {"rate": 8000, "channels": 1}),
]


def dominant_hz(audio: np.ndarray) -> float:
    window = audio[SAMPLE_RATE // 4: SAMPLE_RATE // 4 + SAMPLE_RATE]  # 1 s, so bins are 1 Hz apart
    return float(np.argmax(np.abs(np.fft.rfft(window))))


@pytest.mark.parametrize(("name", "codec", "kwargs"), FORMATS)
def test_decodes_every_format_to_16k_mono_float(make_audio, name, codec, kwargs):
    path = make_audio(name, codec, seconds=2.0, **kwargs)
    assert probe_duration(path) == pytest.approx(2.0, abs=0.05)
    audio = read_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / SAMPLE_RATE == pytest.approx(2.0, abs=0.05)
    assert dominant_hz(audio) == pytest.approx(TONE_HZ, abs=2)  # resampled, not just relabelled
    assert 0.15 < float(np.max(np.abs(audio))) < 0.5  # stereo averaged to mono, level kept


def test_chunks_are_contiguous_fixed_blocks(make_audio):
    path = make_audio("long.flac", "flac", seconds=7.3)
    chunks = list(iter_chunks(path, seconds=2.0))
    assert [len(c) for c in chunks[:-1]] == [2 * SAMPLE_RATE] * 3
    assert sum(len(c) for c in chunks) == pytest.approx(7.3 * SAMPLE_RATE, abs=5)
    assert np.array_equal(np.concatenate(chunks), read_audio(path))


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _fails_in_chinese(path: Path, *calls) -> None:
    for call in calls:
        with pytest.raises(AudioError) as info:
            result = call(path)
            if not isinstance(result, float):
                list(result)
        assert _has_chinese(str(info.value)), str(info.value)


def test_missing_file(tmp_path):
    _fails_in_chinese(tmp_path / "nope.wav", probe_duration, iter_chunks, read_audio)


def test_text_named_wav(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("这不是录音，只是会议记录草稿。\n" * 40, encoding="utf-8")
    _fails_in_chinese(path, probe_duration, iter_chunks)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.m4a"
    path.write_bytes(b"")
    _fails_in_chinese(path, probe_duration, iter_chunks)


def test_wav_with_no_samples(tmp_path):
    path = tmp_path / "silent.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
    _fails_in_chinese(path, probe_duration, iter_chunks)


def test_container_without_audio_stream(tmp_path):
    # a container that opens but holds no audio at all
    import av

    path = tmp_path / "video_only.mp4"
    with av.open(str(path), "w") as out:
        vstream = out.add_stream("mpeg4", rate=10)
        vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24").reformat(
                format="yuv420p")
            frame.pts = i
            for packet in vstream.encode(frame):
                out.mux(packet)
        for packet in vstream.encode(None):
            out.mux(packet)
    with pytest.raises(AudioError, match="没有音轨"):
        probe_duration(path)


def test_corrupt_data_inside_a_valid_container(make_audio, tmp_path):
    good = make_audio("meeting.m4a", "aac", seconds=5.0, rate=48000)
    data = bytearray(good.read_bytes())
    third = len(data) // 3
    rng = random.Random(1)
    data[third: 2 * third] = bytes(rng.getrandbits(8) for _ in range(third))
    bad = tmp_path / "corrupt.m4a"
    bad.write_bytes(bytes(data))
    with pytest.raises(AudioError, match="损坏"):
        list(iter_chunks(bad))


def test_truncated_m4a_is_refused(make_audio, tmp_path):
    good = make_audio("meeting.m4a", "aac", seconds=3.0)
    bad = tmp_path / "cut.m4a"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])  # moov atom lost
    _fails_in_chinese(bad, probe_duration, iter_chunks)


@pytest.mark.parametrize(("name", "codec", "kwargs"),
                         [("rec.wav", "pcm_s16le", {"rate": SAMPLE_RATE, "channels": 1}), FORMATS[0], FORMATS[3]])
def test_reading_from_a_sample_gives_the_same_samples_as_decoding_from_the_start(make_audio, name, codec, kwargs):
    # rec.wav (16 kHz mono, as the recorder writes) is read straight from its bytes, the others decoded and skipped
    path = make_audio(name, codec, seconds=3.0, **kwargs)
    full = np.concatenate(list(iter_chunks(path, seconds=1.0)))
    block = SAMPLE_RATE // 2
    for start in (1, SAMPLE_RATE, SAMPLE_RATE + 7, len(full) - 3, len(full) + 10):
        blocks = list(iter_chunks(path, seconds=0.5, start_sample=start))
        assert all(len(b) == block for b in blocks[:-1])  # blocks counted from the start sample
        got = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        assert np.array_equal(got, full[start:])


def test_a_recording_cut_off_is_read_from_a_sample_to_its_last_byte(tmp_path):
    # the header of a recording that never reached stop() still says 0 bytes of data
    path = tmp_path / "cut.wav"
    samples = (np.arange(4000) % 200 - 100).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.tobytes())
    raw = bytearray(path.read_bytes())
    raw[40:44] = (0).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    got = np.concatenate(list(iter_chunks(path, start_sample=1000)))
    assert np.array_equal(got, samples[1000:].astype(np.float32) / 32768.0)
