"""Score the rule engine on the synthetic meetings: from the reference transcripts, and end to end
from speech-recognition output.

    .venv/bin/python bench/minutes.py [CORPUS_DIR] [--asr NAME=RESULT.json ...]

Reference: builds a result-like JSON from each truth file's segments (speaker = the real name), runs
summarizer.extract_minutes, and prints score.py's minutes figures for m01 and m02.
--asr m01=/tmp/base_m01/result.json re-runs the summarizer on the segments of a processed meeting
(the recognised text and speaker labels, as the app has them) and scores that too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.result import load_meta, minutes_to_dict
from core.types import Segment
from summarizer import extract_minutes

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KEYS = ("res_p", "res_r", "res_f1", "first_topic_ok", "attendance_ok", "votes_ok")


def _score(corpus: Path, name: str, segments: list[Segment]) -> dict:
    truth_path = corpus / f"{name}.truth.json"
    meeting = load_meta(corpus / f"{name}.meta.json")
    t0 = time.perf_counter()
    minutes = extract_minutes(segments, meeting)
    elapsed = time.perf_counter() - t0
    result = {
        "segments": [{"start": s.start, "end": s.end, "speaker": s.speaker, "text": s.text} for s in segments],
        "minutes": minutes_to_dict(minutes),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    out = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), str(truth_path), f.name, "--json"],
        capture_output=True, text=True, check=True,
    )
    Path(f.name).unlink()
    scores = json.loads(out.stdout)
    scores["seconds"] = round(elapsed, 3)
    return scores


def run(corpus: Path, name: str) -> dict:
    truth = json.loads((corpus / f"{name}.truth.json").read_text(encoding="utf-8"))
    segments = [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]
    return _score(corpus, name, segments)


def run_asr(corpus: Path, name: str, result_path: Path) -> dict:
    data = json.loads(result_path.read_text(encoding="utf-8"))
    segments = [Segment(s["start"], s["end"], s.get("text", ""), s.get("speaker", "")) for s in data.get("segments", [])]
    return _score(corpus, name, segments)


def _row(label: str, s: dict) -> str:
    return label + "\t" + "\t".join(str(s[k]) for k in KEYS) + f"\t{s['seconds']}"


def main(argv: list[str]) -> None:
    asr = [a.split("=", 1) for a in argv if "=" in a]
    rest = [a for a in argv if "=" not in a and a != "--asr"]
    corpus = Path(rest[0]) if rest else SHARED / "corpus" / "synthetic"
    print("meeting\t" + "\t".join(KEYS) + "\tseconds")
    for name in ("m01", "m02"):
        print(_row(name, run(corpus, name)))
    for name, path in asr:
        print(_row(f"{name} (asr)", run_asr(corpus, name, Path(path))))


if __name__ == "__main__":
    main(sys.argv[1:])
