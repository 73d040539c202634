"""speaker_turns: streamed speech regions, change points, and turns that do not follow Whisper's timings."""

from __future__ import annotations

import numpy as np

from asr.speakers import diarize
from asr.speakers.turns import SAMPLE_RATE, change_points, scan_recording, speech_sample_ranges
from core.types import Segment

from .conftest import write_wav


def test_streamed_regions_match_the_whole_file(tmp_path, enroll_clips):
    """Over 60 s (more than one VAD block), streaming finds the same speech as one pass over all samples."""
    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    clips = list(enroll_clips.values())
    audio = np.concatenate([p for clip in clips + clips[:1] for p in (clip, silence)])
    assert len(audio) > 65 * SAMPLE_RATE
    whole = [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in speech_sample_ranges(audio)]
    scan = scan_recording(write_wav(tmp_path / "long.wav", audio))
    assert len(scan.regions) == len(whole)
    assert max(abs(a - c) + abs(b - d) for (a, b), (c, d) in zip(scan.regions, whole, strict=True)) < 0.2
    # one window per 0.4 s of speech, each tagged with its region and in time order
    assert len(scan.owner) == sum(len(v) for v in scan.vectors) == len(scan.offset)
    assert scan.offset == sorted(scan.offset)


def test_change_point_without_a_pause():
    rng = np.random.default_rng(0)
    voice_a, voice_b = rng.normal(size=64), rng.normal(size=64)
    x = np.array([v + 0.3 * rng.normal(size=64) for v in [voice_a] * 20 + [voice_b] * 20])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    offsets = np.arange(40) * 0.4
    cuts = change_points(x, offsets, below=0.66)
    assert len(cuts) == 1 and abs(cuts[0] - 20) <= 2
    assert change_points(x[:20], offsets[:20], below=0.66) == []  # one voice: no change


def test_whisper_segment_across_a_pause_and_a_speaker_change(tmp_path, enroll_clips):
    """The recogniser's first segment runs 2 s into the second speaker's turn: split at the change and
    trimmed to speech, every character kept."""
    a, b = enroll_clips["王建国"], enroll_clips["赵敏"]
    gap = np.zeros(int(0.8 * SAMPLE_RATE), dtype=np.float32)
    path = write_wav(tmp_path / "two.wav", np.concatenate([a, gap, b]))
    start_b = (len(a) + len(gap)) / SAMPLE_RATE
    end = start_b + len(b) / SAMPLE_RATE
    segs = [Segment(0.0, start_b + 2.0, "第一位同志讲完了。第二位同志开始讲"), Segment(start_b + 2.0, end, "后面的话")]
    out = diarize(path, segs, collar=0.0)
    assert [s.speaker for s in out] == ["发言人1", "发言人2", "发言人2"]
    assert "".join(s.text for s in out) == "".join(s.text for s in segs)
    assert out[0].end <= len(a) / SAMPLE_RATE + 0.2  # the pause is not speech
    assert abs(out[1].start - start_b) < 0.3
