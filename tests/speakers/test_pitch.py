"""asr.speakers.pitch: the F0 tracker on tones and corpus voices, window statistics aligned with the scan."""

from __future__ import annotations

import json

import numpy as np
import pytest

from asr.speakers.clustering import pitch_gap
from asr.speakers.pitch import f0_track, pitch_vectors, semitones, window_pitch
from tests.conftest import CORPUS

from .conftest import write_wav

SR = 16000


def _tone(hz: float, seconds: float = 1.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.1 * sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, 8))).astype(np.float32)


@pytest.mark.parametrize("hz", [75.0, 140.0, 230.0, 380.0])
def test_harmonic_tone_pitch_within_one_percent(hz):
    f0, voiced = f0_track(_tone(hz))
    assert len(f0) == 1 + len(_tone(hz)) // 160  # one frame per mel frame
    assert voiced.mean() > 0.9
    assert abs(np.median(f0[voiced]) / hz - 1) < 0.01


def test_noise_and_silence_are_unvoiced():
    rng = np.random.default_rng(0)
    assert f0_track(rng.normal(0, 0.05, SR).astype(np.float32))[1].mean() < 0.1
    assert not f0_track(np.zeros(SR, np.float32))[1].any()


def test_corpus_voices_ordered_by_their_pitch_setting(enroll_clips):
    """m01's four voices: the median pitch of each enrolment clip follows the synthesiser's pitch shift."""
    truth = json.loads((CORPUS / "synthetic" / "m01.truth.json").read_text(encoding="utf-8"))
    setting = {s["name"]: s["voice"].get("pitch", 0) for s in truth["speakers"].values()}
    measured = {}
    for name, clip in enroll_clips.items():
        f0, voiced = f0_track(clip)
        assert voiced.mean() > 0.5
        measured[name] = float(np.median(semitones(f0[voiced])))
    assert sorted(measured, key=measured.get) == sorted(setting, key=setting.get)
    assert max(measured.values()) - min(measured.values()) > 4  # -450 to +250 cents


def test_scan_pitch_is_aligned_with_the_windows(tmp_path, enroll_clips):
    """scan_recording's per-window pitch: one row per window, the same as window_pitch on the region's samples
    (what bench/speakers.py recomputes from the decoded file)."""
    from asr.decode import read_audio
    from asr.speakers.turns import WINDOW_FRAMES, scan_recording

    a, b = enroll_clips["王建国"], enroll_clips["赵敏"]
    audio = np.concatenate([a, np.zeros(SR, np.float32), b])
    scan = scan_recording(write_wav(tmp_path / "two.wav", audio))
    assert [len(p) for p in scan.pitch] == [len(v) for v in scan.vectors]
    offsets = np.array(scan.offset)
    samples = read_audio(tmp_path / "two.wav")  # 16-bit PCM: what the scan read, not `audio`
    cut = 0
    for i, (start, end) in enumerate(scan.regions):
        n = len(scan.vectors[i])
        starts = [int(round((o - start) * 100)) for o in offsets[cut : cut + n]]
        again = window_pitch(samples[int(round(start * SR)) : int(round(end * SR))], starts, WINDOW_FRAMES)
        np.testing.assert_allclose(again, scan.pitch[i], equal_nan=True)
        cut += n
    values = np.concatenate(scan.pitch)[:, 0]
    low = values[offsets + 0.8 < len(a) / SR]
    high = values[offsets > len(a) / SR + 1.0]
    assert np.nanmedian(high) - np.nanmedian(low) > 4  # 王建国 -450 cents, 赵敏 +250


def test_pitch_vectors_dot_product_falls_with_the_pitch_difference():
    v = pitch_vectors(np.array([10.0, 10.0, 11.5, np.nan]), weight=0.5, scale=3.0)
    assert v[0] @ v[1] == pytest.approx(0.25)
    assert v[0] @ v[2] == pytest.approx(0.25 * np.cos(0.5))
    assert not v[3].any()


def test_pitch_gap_needs_many_windows_to_count():
    """Two medians 2 semitones apart: a penalty for speakers heard long, none for a few windows each (a real
    speaker's sentences can differ that much)."""
    pitch, spread = np.array([12.0, 14.0]), np.array([1.5, 1.5])
    assert pitch_gap(pitch, 0.3, 0.1, spread, np.array([400.0, 400.0]))[0, 1] > 0.1
    assert pitch_gap(pitch, 0.3, 0.1, spread, np.array([5.0, 5.0]))[0, 1] == 0
