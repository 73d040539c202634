"""Consent decisions (无异议 / 一致同意, no hands counted) over the whole corpus: found where the chair
adopted a matter on finding no objection, nowhere else, and never beside a counted vote."""

from __future__ import annotations

import json

from core.result import load_meta
from core.types import Segment
from summarizer import extract_minutes
from summarizer.votes import consent_decisions

EXPECTED = {"m01": ["确定周晓明、吴婷为入党积极分子"], "m15": ["确定滕一鸣为发展对象"]}


def test_consent_decisions_across_the_corpus(corpus_dir):
    synthetic = corpus_dir / "synthetic"
    found = {}
    for path in sorted(synthetic.glob("m*.truth.json")):
        name = path.name.split(".")[0]
        truth = json.loads(path.read_text(encoding="utf-8"))
        meeting = load_meta(synthetic / f"{name}.meta.json")
        segments = [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]
        minutes = extract_minutes(segments, meeting)
        consents = consent_decisions(segments, meeting, minutes.votes)
        if consents:
            found[name] = [c.matter for c in consents]
            assert not truth["gold"].get("votes"), f"{name}: a consent beside a counted vote"
            assert all(c.speaker == meeting.host for c in consents)
    assert found == EXPECTED
