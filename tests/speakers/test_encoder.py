"""The ONNX speaker encoder and its numpy mel front end."""

from __future__ import annotations

import numpy as np
import pytest

from asr.speakers import encoder as speaker_encoder
from asr.speakers import features as speaker_features


def test_mel_filterbank_is_slaney_shaped():
    fb = speaker_features.mel_filterbank()
    assert fb.shape == (40, 201)
    assert (fb >= 0).all()
    # Every filter has a single peak and filters are ordered by centre frequency.
    peaks = fb.argmax(axis=1)
    assert (np.diff(peaks) >= 0).all() and peaks[-1] > 150


def test_mel_frames_count_and_energy():
    t = np.arange(16000) / 16000
    tone = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    mel = speaker_features.mel_frames(tone)
    assert mel.shape == (101, 40)
    # A 1 kHz tone puts its energy into the filter centred near 1 kHz, not at the ends.
    assert 10 < int(mel[50].argmax()) < 30


def test_embedding_is_deterministic_normalised_256d():
    rng = np.random.default_rng(0)
    wav = (0.05 * rng.standard_normal(16000 * 3)).astype(np.float32)
    a = speaker_encoder.embed_utterance(wav)
    b = speaker_encoder.embed_utterance(wav.copy())
    assert a.shape == (256,) and a.dtype == np.float32
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-5)
    assert np.array_equal(a, b)
    batch = speaker_encoder.embed_mels(np.stack([speaker_features.mel_frames(wav)[:160]] * 3))
    assert batch.shape == (3, 256)
    assert np.allclose(batch[0], batch[2], atol=1e-6)


def test_onnx_matches_torch_resemblyzer(enroll_clips):
    """Only where the dev-time export tools are installed: same embeddings as torch Resemblyzer."""
    pytest.importorskip("torch")
    resemblyzer = pytest.importorskip("resemblyzer")
    encoder = resemblyzer.VoiceEncoder(device="cpu", verbose=False)
    for wav in list(enroll_clips.values())[:2]:
        pre = resemblyzer.preprocess_wav(wav, source_sr=16000)
        assert float(encoder.embed_utterance(pre) @ speaker_encoder.embed_utterance(pre)) > 0.999
