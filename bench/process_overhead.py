"""The whole `sanhui process` against plain faster-whisper on the same file, in the same run.

    .venv/bin/python bench/process_overhead.py [--runs 3] [--files m01.wav m02.m4a] [--profile DIR]

Each run is a fresh process (imports and model load included), the two alternating; for each file it
prints the median over the runs of wall seconds, CPU seconds (user + system) and peak RSS of each, and
the ratios. Plain faster-whisper: the same model, beam 5, its Silero VAD filter, int8, 2 threads,
language zh, every segment consumed. `sanhui process` runs with its defaults into a temporary data
folder (the models folder linked in), writing result.json and the documents. --profile DIR also
writes a cProfile of one `sanhui process` per file (python -m cProfile) for pstats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import SYNTHETIC as CORPUS  # noqa: E402

PYTHON = REPO / ".venv" / "bin" / "python"

PLAIN = """
import sys
from faster_whisper import WhisperModel
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8", cpu_threads=2)
segments, _info = model.transcribe(sys.argv[2], language="zh", beam_size=5, vad_filter=True)
print(sum(len(s.text) for s in segments))
"""


def measured(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process, from its own rusage (os.wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd} failed: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--files", nargs="*", default=["m01.wav", "m02.m4a"])
    ap.add_argument("--profile", type=Path, default=None)
    args = ap.parse_args()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(REPO))
    from asr.models import ModelRegistry

    model = ModelRegistry().find("base")
    home = Path(tempfile.mkdtemp(prefix="sanhui-overhead-"))
    (home / "models").symlink_to(model.parent, target_is_directory=True)
    env = {**os.environ, "SANHUI_HOME": str(home), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "")}
    env = {k: v for k, v in env.items() if v}
    for name in args.files:
        audio = CORPUS / name
        meta = audio.with_suffix(".meta.json")
        out = home / f"out-{audio.stem}"
        ours_cmd = [str(REPO / ".venv" / "bin" / "sanhui"), "process", str(audio), "--meta", str(meta),
                    "--out", str(out), "--new"]
        plain_cmd = [str(PYTHON), "-c", PLAIN, str(model), str(audio)]
        figures: dict[str, list[tuple[float, float, float]]] = {"plain": [], "ours": []}
        for run in range(args.runs):
            for kind, cmd in (("plain", plain_cmd), ("ours", ours_cmd)) if run % 2 == 0 else \
                    (("ours", ours_cmd), ("plain", plain_cmd)):
                figures[kind].append(measured(cmd, env))
                w, c, r = figures[kind][-1]
                print(f"  {name} run {run + 1} {kind:5s} wall {w:6.1f} s  CPU {c:6.1f} s  peak {r:5.0f} MB", flush=True)
        med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in figures.items()}
        timings = json.loads((out / "result.json").read_text(encoding="utf-8")).get("timings", {})
        print(f"{name}: plain wall {med['plain'][0]:.1f} s, CPU {med['plain'][1]:.1f} s, peak {med['plain'][2]:.0f} MB; "
              f"sanhui process wall {med['ours'][0]:.1f} s, CPU {med['ours'][1]:.1f} s, peak {med['ours'][2]:.0f} MB; "
              f"ratio wall {med['ours'][0] / med['plain'][0]:.2f}x, CPU {med['ours'][1] / med['plain'][1]:.2f}x "
              f"(median of {args.runs}; last result.json timings: "
              f"{', '.join(f'{k} {v:.1f}' for k, v in timings.items())})", flush=True)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            prof = args.profile / f"{audio.stem}.prof"
            subprocess.run([str(PYTHON), "-m", "cProfile", "-o", str(prof), "-m", "app", *ours_cmd[1:]],
                           env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            print(f"  profile: {prof}")


if __name__ == "__main__":
    main()
