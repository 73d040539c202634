"""Process every corpus recording end to end with `sanhui process`, one after another (2 cores: one
heavy job at a time), into OUT/mNN/result.json, and print score.py's figures per meeting.

    .venv/bin/python bench/process_corpus.py OUT [--only m01,m05] [--corpus DIR]

Meetings whose OUT/mNN/result.json exists are skipped (delete it to redo). The data folder is a
temporary SANHUI_HOME, so the user's meeting library is untouched. Re-extract the minutes of these
results with today's summarizer: bench/minutes.py --asr-dir OUT.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.corpus_paths import SHARED  # noqa: E402

AUDIO = (".wav", ".m4a", ".mp3", ".flac", ".ogg")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "synthetic")
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    sanhui = Path(sys.executable).with_name("sanhui")
    home = tempfile.mkdtemp(prefix="sanhui-bench-")
    env = {**os.environ, "SANHUI_HOME": home}
    names = sorted(p.name.split(".")[0] for p in args.corpus.glob("m*.truth.json"))
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    for name in names:
        out = args.out / name
        audio = next((args.corpus / f"{name}{ext}" for ext in AUDIO if (args.corpus / f"{name}{ext}").is_file()), None)
        if audio is None or (out / "result.json").is_file():
            continue
        t0 = time.perf_counter()
        subprocess.run([str(sanhui), "process", str(audio), "--meta", str(args.corpus / f"{name}.meta.json"),
                        "--out", str(out)], env=env, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        score = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(args.corpus / f"{name}.truth.json"),
                                str(out / "result.json"), "--json"], capture_output=True, text=True, check=True)
        print(name, f"{wall:.1f}s", json.dumps(json.loads(score.stdout), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
