"""Fixtures for the speaker tests: corpus clips decoded once per session, and a WAV writer."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import CORPUS, require_shared, write_wav  # noqa: F401  (the speaker tests import it here)


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


