"""embed_voice: voiceprints from enrollment audio, and the audio it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from asr.speakers import embed_voice
from core.errors import AudioError


def test_voiceprint_shape_and_determinism(enroll_clips):
    clip = enroll_clips["王建国"]
    a, b = embed_voice(clip), embed_voice(clip.copy())
    assert a.shape == (256,) and np.isclose(np.linalg.norm(a), 1.0, atol=1e-5)
    assert np.array_equal(a, b)


def test_same_speaker_closer_than_other_speakers(enroll_clips):
    """Each half of a speaker's clip is nearer to the other half than to any other speaker's voiceprint."""
    prints = {name: embed_voice(clip) for name, clip in enroll_clips.items()}
    for name, clip in enroll_clips.items():
        half = len(clip) // 2
        first = embed_voice(np.concatenate([clip[:half], clip[:half]]))  # 2 x 6.5 s: enough speech
        second = embed_voice(np.concatenate([clip[half:], clip[half:]]))
        same = float(first @ second)
        others = [float(first @ v) for other, v in prints.items() if other != name]
        assert same > max(others), name


def test_real_speakers_are_far_apart(aishell_turns):
    a = aishell_turns
    speaker_a = embed_voice(np.concatenate([a[: int(4.2 * 16000)], a[int(9.5 * 16000) : int(13.8 * 16000)]]))
    speaker_a2 = embed_voice(a[int(18.9 * 16000) : int(32.5 * 16000)])
    speaker_b = embed_voice(np.concatenate([a[int(4.8 * 16000) : int(9.0 * 16000)], a[int(14.3 * 16000) : int(18.4 * 16000)]]))
    assert float(speaker_a @ speaker_a2) > 0.85
    assert float(speaker_a @ speaker_b) < 0.75


def test_too_short_is_refused(enroll_clips):
    with pytest.raises(AudioError, match="太短"):
        embed_voice(enroll_clips["刘芳"][: 3 * 16000])


def test_silence_is_refused():
    with pytest.raises(AudioError, match="静音"):
        embed_voice(np.zeros(10 * 16000, dtype=np.float32))


def test_noise_without_speech_is_refused():
    rng = np.random.default_rng(1)
    hum = (0.01 * rng.standard_normal(10 * 16000)).astype(np.float32)
    with pytest.raises(AudioError, match="讲话太少"):
        embed_voice(hum)


def test_two_voices_are_refused(aishell_turns):
    a = aishell_turns
    two = np.concatenate([a[: int(4.2 * 16000)], a[int(9.5 * 16000) : int(13.8 * 16000)],
                          a[int(4.8 * 16000) : int(9.0 * 16000)], a[int(14.3 * 16000) : int(18.4 * 16000)]])
    with pytest.raises(AudioError, match="两个人"):
        embed_voice(two)
