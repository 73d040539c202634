"""Measure the analytics on the corpus.

    .venv/bin/python bench/analytics.py [CORPUS_DIR]

Prints
  * m01, m02 (synthetic party meetings, truth segments with speaker = real name, minutes from the
    truth file's gold block): score.py's risk_recall, risk_false and share_mae, plus the overall score;
  * AISHELL-4 (real meeting transcript): per-speaker speaking time from the TSV segments against
    the RTTM, worst relative error; risks raised on this non-party meeting;
  * sentiment accuracy of raw snownlp and of the calibrated scorer on the labelled sentences
    kept in tests/analytics (the tuning set and the held-out set).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# analytics package: drop it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus_paths import SHARED  # noqa: E402
from core.result import assessment_to_dict, load_meta  # noqa: E402
from core.types import Absence, Attendance, FirstTopic, Minutes, Resolution, Segment, Vote  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AISHELL = Path("text") / "aishell4_meeting"
LABELLED = ROOT / "tests" / "analytics" / "sentiment_labelled.tsv"
HELDOUT = ROOT / "tests" / "analytics" / "sentiment_heldout.tsv"


def minutes_from_gold(gold: dict) -> Minutes:
    """The truth file's gold block as Minutes (stands in for the summarizer's output)."""
    att = gold.get("attendance") or {}
    ft = gold.get("first_topic")

    def one(value):  # gold lists several acceptable values: take the first
        return (value[0] if value else None) if isinstance(value, list) else value

    return Minutes(
        attendance=Attendance(
            expected=att.get("expected", 0),
            present=att.get("present", 0),
            absent=[Absence(a["name"], a.get("reason", "")) for a in att.get("absent", [])],
        ),
        agenda=list(gold.get("agenda") or []),
        first_topic=FirstTopic(ft["content"], ft.get("leader", ""), list(ft.get("measures", []))) if ft else None,
        resolutions=[
            Resolution(r["content"], owner=one(r.get("owner")), deadline=one(r.get("deadline")))
            for r in gold.get("resolutions", [])
        ],
        votes=[Vote(v["matter"], v["for"], v["against"], v["abstain"]) for v in gold.get("votes", [])],
    )


def truth_segments(truth: dict) -> list[Segment]:
    return [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]


def aishell_segments(folder: Path) -> list[Segment]:
    path = next(folder.glob("*_sorted_transcript.tsv"))
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [Segment(float(r["start_s"]), float(r["end_s"]), r["text_raw_with_markup"], r["speaker"]) for r in rows]


def rttm_seconds(folder: Path) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in next(folder.glob("*.rttm")).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            totals[parts[7]] = totals.get(parts[7], 0.0) + float(parts[4])
    return totals


def labelled(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lbl, text = line.split("\t", 1)
            rows.append((lbl, text))
    return rows


def score_meeting(corpus: Path, name: str) -> dict:
    from analytics import assess

    truth = json.loads((corpus / "synthetic" / f"{name}.truth.json").read_text(encoding="utf-8"))
    meeting = load_meta(corpus / "synthetic" / f"{name}.meta.json")
    segments = truth_segments(truth)
    t0 = time.perf_counter()
    assessment = assess(segments, minutes_from_gold(truth["gold"]), meeting)
    elapsed = time.perf_counter() - t0
    result = {
        "segments": [{"start": s.start, "end": s.end, "speaker": s.speaker, "text": s.text} for s in segments],
        "analytics": assessment_to_dict(assessment),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        out = subprocess.run(
            [sys.executable, str(SHARED / "tools" / "score.py"), str(corpus / "synthetic" / f"{name}.truth.json"), str(path), "--json"],
            capture_output=True, text=True, check=True,
        )
    scores = json.loads(out.stdout)
    return {
        "risk_recall": scores["risk_recall"],
        "risk_false": scores["risk_false"],
        "share_mae": scores["share_mae"],
        "overall": assessment.score.overall,
        "risks": [f"{r.speaker}: {r.cue}" for r in assessment.risks],
        "seconds": round(elapsed, 2),
    }


def aishell(corpus: Path) -> dict:
    from analytics import assess
    from core.types import Meeting

    folder = corpus / AISHELL
    segments = aishell_segments(folder)
    reference = rttm_seconds(folder)
    t0 = time.perf_counter()
    assessment = assess(segments, Minutes(), Meeting(type="", title="AISHELL-4 20200706_L_R001S01C01"))
    elapsed = time.perf_counter() - t0
    ours = {p.speaker: p.seconds for p in assessment.participation}
    errors = {k: abs(ours.get(k, 0.0) - v) / v for k, v in reference.items() if v > 0}
    return {
        "speakers": len(reference),
        "max_rel_error_pct": round(100 * max(errors.values()), 4),
        "share_sum": round(sum(p.share for p in assessment.participation), 4),
        "risks": [f"{r.speaker}: {r.text}" for r in assessment.risks],
        "seconds": round(elapsed, 2),
    }


def main(argv: list[str]) -> int:
    from analytics import sentiment

    corpus = Path(argv[0]) if argv else SHARED / "corpus"
    for name in ("m01", "m02"):
        r = score_meeting(corpus, name)
        print(f"{name}\trisk_recall {r['risk_recall']}\trisk_false {r['risk_false']}\tshare_mae {r['share_mae']}"
              f"\toverall {r['overall']}\t{r['seconds']} s\trisks {r['risks']}")
    a = aishell(corpus)
    print(f"aishell4\tspeakers {a['speakers']}\tmax speaking-time error vs RTTM {a['max_rel_error_pct']} %"
          f"\tshare sum {a['share_sum']}\t{a['seconds']} s\trisks {len(a['risks'])}")
    for text in a["risks"]:
        print(f"  risk on AISHELL-4: {text}")
    for name, path in (("labelled (tuning)", LABELLED), ("held-out", HELDOUT)):
        acc = sentiment.accuracy(labelled(path))
        print(f"sentiment {name}\tn {acc['n']}\traw snownlp {acc['raw']:.3f}\tcalibrated {acc['calibrated']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
