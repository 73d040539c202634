"""Fixtures for the speaker tests: corpus clips decoded once per session, and a WAV writer."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import CORPUS, require_shared


@pytest.fixture(scope="session")
def enroll_clips() -> dict[str, np.ndarray]:
    """m01's four enrollment clips (about 13 s each), by speaker name."""
    folder = require_shared(CORPUS / "synthetic", "the shared corpus")
    from asr.decode import read_audio

    return {p.stem.split(".")[-1]: read_audio(p) for p in sorted(folder.glob("m01.enroll.*.wav"))}


@pytest.fixture(scope="session")
def aishell_turns() -> np.ndarray:
    path = require_shared(CORPUS / "real" / "aishell1_2spk_turns.wav", "the real two-speaker clip")
    from asr.decode import read_audio

    return read_audio(path)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path
