"""Score the minutes extraction on every corpus meeting: from the reference transcript, and end to
end from recognised speech when processed results are given.

    .venv/bin/python bench/minutes.py [--corpus DIR] [--asr-dir DIR] [--only m01,m05] [--show]

Reference: each truth file's segments (speaker = the real name) go through summarizer.extract_minutes.
--asr-dir DIR: DIR/mNN/result.json (from `sanhui process`, or bench/process_corpus.py) are re-extracted
with today's summarizer (the recognised text and speaker labels, as the app has them).
bench/scripts/h01-h04.json are four more meetings (a grain depot, a shipyard, a coal mine, an aircraft maintenance
base) written by a helper session in the corpus's script format, to check phrasing the corpus lacks: render them with
`../shared/tools/synth.py SCRIPT OUTDIR room|far`, process each with `sanhui process`, then --rendered.
Prints per meeting: resolution P/R/F1, 第一议题/attendance/votes (1 = right), the share of resolutions
flagged for review, extraction seconds; then the totals. --show prints gold and found resolutions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus_paths import SHARED  # noqa: E402
from core.result import load_meta, minutes_to_dict  # noqa: E402
from core.types import NEEDS_FILLING, Segment  # noqa: E402
from summarizer import extract_minutes  # noqa: E402

KEYS = ("res_p", "res_r", "res_f1", "first_topic_ok", "attendance_ok", "votes_ok")


def _scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def evaluate(corpus: Path, name: str, segments: list[Segment], score, show: bool = False) -> dict:
    truth = json.loads((corpus / f"{name}.truth.json").read_text(encoding="utf-8"))
    meeting = load_meta(corpus / f"{name}.meta.json")
    return _evaluate(truth, meeting, name, segments, score, show)


def _evaluate(truth: dict, meeting, name: str, segments: list[Segment], score, show: bool = False) -> dict:
    t0 = time.perf_counter()
    minutes = extract_minutes(segments, meeting)
    elapsed = time.perf_counter() - t0
    mdict = minutes_to_dict(minutes)
    result = {"minutes": mdict, "segments": []}
    p, r, f = score.resolutions(truth, result)
    found = minutes.resolutions
    # owners: of the items that match a reference item by content, how many name its owner (a flagged
    # empty owner is counted apart: better than a wrong one)
    owned = right = empty = 0
    for x in found:
        near = [g for g in truth["gold"]["resolutions"] if score.coverage(g["content"], x.content) >= 0.4]
        if not near:
            continue
        if not x.owner:
            empty += 1
            continue
        owned += 1
        right += any(score.clean_name(x.owner) in {score.clean_name(o) for o in (g["owner"] if isinstance(g["owner"], list)
                                                                                  else [g["owner"]])} for g in near)
    out = {
        "owner_right": right, "owner_given": owned, "owner_empty": empty,
        "res_p": round(p, 3), "res_r": round(r, 3), "res_f1": round(f, 3),
        "first_topic_ok": score.first_topic(truth, result),
        "attendance_ok": score.attendance(truth, result),
        "votes_ok": score.votes(truth, result),
        "flagged": round(sum(NEEDS_FILLING in x.flags for x in found) / len(found), 2) if found else 0.0,
        "n_gold": len(truth["gold"]["resolutions"]), "n_found": len(found),
        "seconds": round(elapsed, 3),
    }
    if show:
        print(f"--- {name} ({meeting.type}, {meeting.date})")
        for g in truth["gold"]["resolutions"]:
            print(f"  gold  {g['owner']!s:8} {g['deadline']!s:26} {g['content']}")
        for x in found:
            print(f"  found {x.owner!s:8} {x.deadline!s:26} {x.content}  {x.flags or ''}")
        ft = truth["gold"]["first_topic"]
        print("  gold 第一议题:", ft and ft["content"], "| found:", minutes.first_topic and minutes.first_topic.content)
        print("  gold attendance:", truth["gold"]["attendance"], "| found:", mdict["attendance"])
        print("  gold votes:", truth["gold"].get("votes"), "| found:", mdict["votes"])
    return out


def reference_segments(corpus: Path, name: str) -> list[Segment]:
    truth = json.loads((corpus / f"{name}.truth.json").read_text(encoding="utf-8"))
    return [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]


def asr_segments(path: Path) -> list[Segment]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Segment(s["start"], s["end"], s.get("text", ""), s.get("speaker", "")) for s in data.get("segments", [])]


def _print_table(label: str, rows: dict[str, dict]) -> None:
    cols = (*KEYS, "flagged", "n_gold", "n_found", "seconds")
    print(f"\n== {label}")
    print("meeting\t" + "\t".join(cols))
    for name, s in rows.items():
        print(name + "\t" + "\t".join(str(s[k]) for k in cols))
    if not rows:
        return
    n = len(rows)
    mean = {k: round(sum(s[k] for s in rows.values()) / n, 3) for k in (*KEYS, "flagged")}
    print("mean\t" + "\t".join(str(mean[k]) for k in (*KEYS, "flagged")))
    below = [m for m, s in rows.items() if s["res_f1"] < 0.5]
    given = sum(s["owner_given"] for s in rows.values())
    print(f"owner precision (items matching a reference item by content): "
          f"{sum(s['owner_right'] for s in rows.values())}/{given}"
          f" = {sum(s['owner_right'] for s in rows.values()) / max(1, given):.3f}; left empty: "
          f"{sum(s['owner_empty'] for s in rows.values())}")
    print(f"meetings: {n}; res_f1 < 0.5: {len(below)} {below}; res_f1 >= 0.9: "
          f"{sum(s['res_f1'] >= 0.9 for s in rows.values())}; "
          f"first_topic/attendance/votes right: {sum(s['first_topic_ok'] for s in rows.values())}/"
          f"{sum(s['attendance_ok'] for s in rows.values())}/{sum(s['votes_ok'] for s in rows.values())} of {n}")


def _time_long(corpus: Path, names: list[str], minutes: float) -> None:
    """Extraction time of one long meeting: the reference transcripts one after another."""
    segments: list[Segment] = []
    offset = 0.0
    if not names:
        return  # nothing to join ('--only' named no corpus meeting)
    while offset < minutes * 60:
        for name in names:
            for s in reference_segments(corpus, name):
                segments.append(Segment(s.start + offset, s.end + offset, s.text, s.speaker))
            offset = segments[-1].end + 2.0
            if offset >= minutes * 60:
                break
    meeting = load_meta(corpus / f"{names[0]}.meta.json")
    t0 = time.perf_counter()
    minutes_ = extract_minutes(segments, meeting)
    elapsed = time.perf_counter() - t0
    print(f"long meeting: {offset / 60:.0f} min, {len(segments)} segments, extraction {elapsed:.2f} s, "
          f"{len(minutes_.resolutions)} resolutions")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "synthetic")
    ap.add_argument("--asr-dir", type=Path)
    ap.add_argument("--rendered", type=Path, help="DIR/*/ with <id>.truth.json, <id>.meta.json and out/result.json "
                    "(scripts rendered again with ../shared/tools/synth.py, processed with sanhui process)")
    ap.add_argument("--long-minutes", type=float, default=0,
                    help="also time the extraction on the corpus transcripts joined to this many minutes")
    ap.add_argument("--only", default="")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
    score = _scorer()
    names = sorted(p.name.split(".")[0] for p in args.corpus.glob("m*.truth.json"))
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    if args.long_minutes:
        _time_long(args.corpus, names, args.long_minutes)
    ref = {n: evaluate(args.corpus, n, reference_segments(args.corpus, n), score, args.show) for n in names}
    _print_table("from the reference transcript", ref)
    if args.asr_dir:
        asr = {}
        for n in names:
            path = args.asr_dir / n / "result.json"
            if path.is_file():
                asr[n] = evaluate(args.corpus, n, asr_segments(path), score, args.show)
        _print_table(f"end to end from audio ({args.asr_dir})", asr)
    if args.rendered:
        rendered = {}
        for folder in sorted(p for p in args.rendered.iterdir() if (p / "out" / "result.json").is_file()):
            truth_path = next(folder.glob("*.truth.json"))
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            meeting = load_meta(truth_path.with_name(truth_path.name.replace(".truth.", ".meta.")))
            rendered[folder.name] = _evaluate(truth, meeting, folder.name, asr_segments(folder / "out" / "result.json"),
                                              score, args.show)
        _print_table(f"rendered again, end to end from audio ({args.rendered})", rendered)


if __name__ == "__main__":
    main(sys.argv[1:])
