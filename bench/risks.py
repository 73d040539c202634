"""Risk remarks (analytics/risks) on every corpus meeting: recall of the reference cues, false alarms,
and whether a remark that condemns formalism (不能走过场) was flagged.

    .venv/bin/python bench/risks.py [--asr-dir DIR] [--show]

Reference transcripts (speaker = the real name) unless --asr-dir gives processed results
(DIR/mNN/result.json, see bench/process_corpus.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from analytics import assess  # noqa: E402
from bench.minutes import SHARED, _scorer, asr_segments, reference_segments  # noqa: E402
from core.result import assessment_to_dict, load_meta  # noqa: E402
from summarizer import extract_minutes  # noqa: E402

CONDEMNS = re.compile(r"不能|不要|不得|别|杜绝|防止|反对|不是.{0,6}而是")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "synthetic")
    ap.add_argument("--asr-dir", type=Path)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args(argv)
    score = _scorer()
    rows = []
    for truth_path in sorted(args.corpus.glob("m*.truth.json")):
        name = truth_path.name.split(".")[0]
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if args.asr_dir:
            path = args.asr_dir / name / "result.json"
            if not path.is_file():
                continue
            segments = asr_segments(path)
        else:
            segments = reference_segments(args.corpus, name)
        meeting = load_meta(args.corpus / f"{name}.meta.json")
        assessment = assess(segments, extract_minutes(segments, meeting), meeting)
        result = {"analytics": assessment_to_dict(assessment)}
        recall, false = score.risks(truth, result)
        condemned = sum(bool(CONDEMNS.search(r["text"][:12])) for r in result["analytics"]["risks"])
        rows.append((name, round(recall, 2), false, condemned))
        if args.show:
            for g in truth["gold"]["risks"]:
                print(f"  {name} gold  {g['cue']}")
            for r in result["analytics"]["risks"]:
                print(f"  {name} found {r['text'][:60]}  ({r['reason'][:20]})")
    print("meeting\trisk_recall\tfalse_alarms\tcondemning_remarks_flagged")
    for row in rows:
        print("\t".join(map(str, row)))
    n = len(rows)
    print(f"mean recall {sum(r[1] for r in rows) / n:.2f}; false alarms {sum(r[2] for r in rows)} in all, "
          f"max {max(r[2] for r in rows)} per meeting; meetings with recall >= 0.8: {sum(r[1] >= 0.8 for r in rows)}/{n}")


if __name__ == "__main__":
    main(sys.argv[1:])
