"""Same-branch meeting pairs for the 决议落实台账: a corpus meeting (its reference transcript) and a
follow-up meeting written for it (data/mNN_next.json: some tasks reported done, some under way, some
not mentioned, and reports of unrelated work). A segment with "expect" reports on the first meeting's
task whose content has expect.task."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.pipeline import ProcessOptions, SpeakerOptions, run
from core.result import meeting_from_dict
from core.storage import Store
from core.types import Segment
from tests.conftest import CORPUS, require_shared

DATA = Path(__file__).parent / "data"
PAIRS = ("m01", "m02", "m03", "m06", "m09", "m12")


@dataclass
class Pair:
    first_id: str
    second_id: str
    expected: dict[float, dict]  # the follow-up's segment start -> expect


def corpus_meeting(store: Store, name: str, branch: str | None = None, date: str | None = None) -> str:
    """Process a corpus meeting from its reference transcript (no recognition); returns its id."""
    synthetic = require_shared(CORPUS / "synthetic", "corpus")
    truth = json.loads((synthetic / f"{name}.truth.json").read_text(encoding="utf-8"))
    meeting = meeting_from_dict(json.loads((synthetic / f"{name}.meta.json").read_text(encoding="utf-8")))
    meeting.branch = branch or meeting.branch
    meeting.date = date or meeting.date
    segments = [Segment(s["start"], s["end"], s["text"], s.get("name") or s.get("speaker", "")) for s in truth["segments"]]
    return run(None, meeting, ProcessOptions(speakers=SpeakerOptions(diarize=False)), store=store, segments=segments).id


def follow_up(store: Store, name: str) -> Pair:
    data = json.loads((DATA / f"{name}_next.json").read_text(encoding="utf-8"))
    first = corpus_meeting(store, data["first"])
    segments = [Segment(s["start"], s["end"], s["text"], s["speaker"]) for s in data["segments"]]
    second = run(None, meeting_from_dict(data["meeting"]), ProcessOptions(speakers=SpeakerOptions(diarize=False)), store=store,
                 segments=segments).id
    return Pair(first, second, {float(s["start"]): s["expect"] for s in data["segments"] if "expect" in s})
