"""Score the rule engine on the reference transcripts of the synthetic meetings.

    .venv/bin/python bench/minutes.py [CORPUS_DIR]

Builds a result-like JSON from each truth file's segments (speaker = the real name), runs
summarizer.extract_minutes, and prints score.py's minutes figures for m01 and m02.
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


def run(corpus: Path, name: str) -> dict:
    truth_path = corpus / f"{name}.truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    meeting = load_meta(corpus / f"{name}.meta.json")
    segments = [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]
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


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "corpus" / "synthetic"
    print("meeting\t" + "\t".join(KEYS) + "\tseconds")
    for name in ("m01", "m02"):
        s = run(corpus, name)
        print(name + "\t" + "\t".join(str(s[k]) for k in KEYS) + f"\t{s['seconds']}")


if __name__ == "__main__":
    main()
