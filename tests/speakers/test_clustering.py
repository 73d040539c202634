"""Unit tests of the clustering helpers on synthetic embeddings (no audio)."""

from __future__ import annotations

import numpy as np

from asr.speakers.clustering import heldout_separation, normalize_rows, refit, split_two_voices


def _voices(means: list[np.ndarray], sizes: list[int], noise: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return normalize_rows(np.concatenate([m + noise * rng.standard_normal((n, len(m))) for m, n in zip(means, sizes, strict=True)]))


def test_heldout_separation_tells_two_close_voices_from_one_voice_cut_in_two():
    rng = np.random.default_rng(1)
    common = rng.standard_normal(64)
    # Two voices whose centroids are very alike (as the corpus's are), and windows much noisier than the gap.
    a = common + 0.15 * rng.standard_normal(64)
    b = common + 0.15 * rng.standard_normal(64)
    x = _voices([a, b], [80, 40], noise=0.25)
    two = np.r_[np.zeros(80, int), np.ones(40, int)]
    cents = normalize_rows(np.stack([x[:80].mean(axis=0), x[80:].mean(axis=0)]))
    assert float(cents[0] @ cents[1]) > 0.95
    assert heldout_separation(x, two, 2, 10)[0, 1] > 0.9
    one = _voices([a], [120], noise=0.25, seed=2)
    halves = (np.arange(120) // 20) % 2
    assert heldout_separation(one, halves, 2, 10)[0, 1] < 0.7


def test_refit_moves_windows_to_their_voice_and_keeps_the_count():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(32), rng.standard_normal(32)
    x = _voices([a, b], [30, 30], noise=0.3)
    start = np.r_[np.zeros(36, int), np.ones(24, int)]  # six of b's windows started in a
    labels = refit(x, [slice(0, 60)], start, penalty=0.1, iterations=10)
    assert labels.max() == 1
    assert (labels[:30] == labels[0]).all() and (labels[30:] == labels[59]).all() and labels[0] != labels[59]


def test_split_two_voices_cuts_a_merged_pair_and_leaves_one_voice_whole():
    rng = np.random.default_rng(4)
    common = rng.standard_normal(64)
    a, b = common + 0.2 * rng.standard_normal(64), common + 0.2 * rng.standard_normal(64)
    x = _voices([a, b, a, b], [40, 30, 40, 30], noise=0.25)
    split = split_two_voices(x, np.zeros(len(x), int), 12, 0.85, 0.1, 10)
    assert split.max() == 1
    assert len(set(split[:40]) & set(split[40:70])) == 0 and (split[:40] == split[70:110]).all()
    one = _voices([a], [140], noise=0.25, seed=5)
    assert split_two_voices(one, np.zeros(140, int), 12, 0.85, 0.1, 10).max() == 0
