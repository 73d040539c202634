"""End to end from the audio: the synthetic meetings as the recogniser wrote them at three stages of
its development (tests/summarizer/data/*.asr_*.json, segments only), scored with score.py.

These are regression checks on real recognition output; the rules themselves are written for kinds
of error and checked on invented sentences in test_asr_*.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.result import load_meta, minutes_to_dict, segments_from_list
from summarizer import extract_minutes
from tests.summarizer.test_corpus import _score_module

DATA = Path(__file__).parent / "data"
RUNS = sorted(DATA.glob("m0*.asr_*.json"))


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_recognised_meetings_score(corpus_dir, path):
    score = _score_module(corpus_dir)
    name = path.name.split(".")[0]
    synthetic = corpus_dir / "synthetic"
    truth = json.loads((synthetic / f"{name}.truth.json").read_text(encoding="utf-8"))
    segments = segments_from_list(json.loads(path.read_text(encoding="utf-8"))["segments"])
    result = {"minutes": minutes_to_dict(extract_minutes(segments, load_meta(synthetic / f"{name}.meta.json")))}
    _, _, f1 = score.resolutions(truth, result)
    assert f1 >= 0.85
    assert score.first_topic(truth, result) == 1
    assert score.attendance(truth, result) == 1
