"""Fixtures for the analytics tests: the bench helpers (gold minutes, corpus loaders) and meetings."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from core.result import load_meta
from tests.conftest import SHARED, require_shared

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench():
    """bench/analytics.py as a module: its loaders are what the figures in the report use."""
    return _load("bench_analytics", REPO / "bench" / "analytics.py")


@pytest.fixture(scope="session")
def scorer():
    """The shared scorer (../shared/tools/score.py), skipped when shared/ is absent."""
    path = require_shared(SHARED / "tools" / "score.py", "the shared scorer")
    pytest.importorskip("cn2an")
    return _load("shared_score", path)


def read_tsv(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


@pytest.fixture
def synthetic(corpus_dir, bench):
    """Load a synthetic meeting: (truth dict, Meeting, segments with real names, gold Minutes)."""

    def load(name: str):
        truth = json.loads((corpus_dir / "synthetic" / f"{name}.truth.json").read_text(encoding="utf-8"))
        meeting = load_meta(corpus_dir / "synthetic" / f"{name}.meta.json")
        return truth, meeting, bench.truth_segments(truth), bench.minutes_from_gold(truth["gold"])

    return load
