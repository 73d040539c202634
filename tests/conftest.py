"""Shared fixtures: every test gets its own data folder; Qt runs offscreen; the corpus is optional."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub

REPO = Path(__file__).resolve().parents[1]
# The team's shared corpus and scorer: beside the checkout, or where SANHUI_SHARED / SANHUI_CORPUS say.
SHARED = Path(os.environ.get("SANHUI_SHARED") or REPO.parent / "shared")
CORPUS = Path(os.environ.get("SANHUI_CORPUS") or SHARED / "corpus")
SAMPLE_AUDIO = REPO / "resources" / "sample" / "sample_meeting.ogg"
SAMPLE_META = REPO / "resources" / "sample" / "sample_meeting.meta.json"


def write_wav(path: Path, samples, rate: int = 16000) -> Path:
    """Float samples in [-1, 1] as a 16-bit mono WAV."""
    import wave

    import numpy as np

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="session")
def shared_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One models folder for the whole run, so the bundled model is assembled once, not per test."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def sanhui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_models_dir: Path) -> Path:
    home = tmp_path / "sanhui_home"
    home.mkdir()
    (home / "models").symlink_to(shared_models_dir, target_is_directory=True)
    monkeypatch.setenv("SANHUI_HOME", str(home))
    return home


def require_shared(path: Path, what: str = "") -> Path:
    """The corpus tests run in CI, never skip there: a missing corpus fails them; on a laptop without
    it they skip, saying where it was looked for."""
    if not path.exists():
        message = f"{what or path.name} not found at {path} (set SANHUI_CORPUS / SANHUI_SHARED)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def corpus_dir() -> Path:
    return require_shared(CORPUS, "the shared corpus")
