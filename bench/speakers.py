"""Benchmark the speaker stage (issue 4) on the corpus: DER, named-speaker accuracy, time, memory.

    .venv/bin/python bench/speakers.py            # truth segment timings as input (diarization only)
    .venv/bin/python bench/speakers.py --asr      # also real ASR segments (runs Whisper: minutes of CPU)
    .venv/bin/python bench/speakers.py --memory   # also peak memory on a 4x longer recording
    .venv/bin/python bench/speakers.py --asr-from /tmp/base_{meeting}/result.json   # segments of an earlier run

Speaker turns always come from the audio; the input segments only decide what gets labelled (and, being
trimmed to speech and split at speaker changes, where). "truth" inputs are the reference segments' timings.

DER and named_speaker_acc come from ../shared/tools/score.py (its diarization() function, same frames and
mapping). Time is wall time of diarize(); with --asr it is also given relative to the recognition time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
SYNTH = SHARED / "corpus" / "synthetic"
REAL = SHARED / "corpus" / "real"

from asr.decode import read_audio  # noqa: E402
from asr.speakers import diarize, embed_voice  # noqa: E402
from core.types import Segment  # noqa: E402


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_result(segments: list[Segment]) -> dict:
    return {"segments": [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker} for s in segments]}


def truth_inputs(truth: dict) -> list[Segment]:
    return [Segment(s["start"], s["end"], s.get("text", "")) for s in truth["segments"]]


def voiceprints_for(meeting: str) -> dict[str, np.ndarray]:
    prints = {}
    for path in sorted(SYNTH.glob(f"{meeting}.enroll.*.wav")):
        prints[path.stem.split(".")[-1]] = embed_voice(read_audio(path))
    return prints


def timing_floor(truth: dict, inputs: list[Segment]) -> float:
    """DER that input segment timings alone cost (missed + false-alarm speech), whatever the labels."""
    n = int(truth["duration"] / 0.01) + 1
    ref = [False] * n
    for s in truth["segments"]:
        for i in range(int(round(s["start"] / 0.01)), min(int(round(s["end"] / 0.01)), n)):
            ref[i] = True
    hyp = [False] * n
    for s in inputs:
        for i in range(max(0, int(round(s.start / 0.01))), min(int(round(s.end / 0.01)), n)):
            hyp[i] = True
    return sum(r != h for r, h in zip(ref, hyp, strict=True)) / max(sum(ref), 1)


def run(audio: Path, inputs: list[Segment], truth: dict, scorer, **kw) -> dict:
    t0 = time.perf_counter()
    out = diarize(audio, inputs, **kw)
    seconds = time.perf_counter() - t0
    der, named, _ = scorer.diarization(truth, as_result(out))
    speakers = sorted({s.speaker for s in out})
    return {"der": der, "named": named, "seconds": seconds, "speakers": speakers}


def load_segments(path: Path) -> list[Segment]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Segment(s["start"], s["end"], s.get("text", "")) for s in data["segments"]]


def asr_segments(audio: Path) -> tuple[list[Segment], float]:
    from asr.models import ModelRegistry
    from asr.transcribe import Transcriber

    t0 = time.perf_counter()
    segments = list(Transcriber(ModelRegistry().find("base")).transcribe(audio))
    return segments, time.perf_counter() - t0


def peak_memory(audio: Path, inputs: list[Segment], repeat: int) -> tuple[float, float]:
    """tracemalloc peak (numpy + Python) of diarize on the recording repeated `repeat` times."""
    import wave

    samples = np.tile(read_audio(audio), repeat)
    length = len(samples) / 16000 / repeat
    segments = [Segment(s.start + r * length, s.end + r * length, s.text) for r in range(repeat) for s in inputs]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
        del samples
        tracemalloc.start()
        diarize(path, segments)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return length * repeat, peak / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--asr", action="store_true", help="also diarize real ASR segments")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory vs length")
    parser.add_argument("--asr-from", metavar="PATTERN",
                        help="also diarize ASR segments read from result.json files, e.g. /tmp/base_{meeting}/result.json")
    args = parser.parse_args()
    if not SYNTH.is_dir():
        print("corpus not found at", SYNTH)
        return 1
    scorer = load_scorer()
    rows = []
    for meeting, ext in (("m01", "wav"), ("m02", "m4a")):
        truth = json.loads((SYNTH / f"{meeting}.truth.json").read_text(encoding="utf-8"))
        meta = json.loads((SYNTH / f"{meeting}.meta.json").read_text(encoding="utf-8"))
        audio = SYNTH / f"{meeting}.{ext}"
        prints = voiceprints_for(meeting)
        sources = [("truth", truth_inputs(truth), None)]
        if args.asr:
            segs, asr_seconds = asr_segments(audio)
            sources.append(("asr", segs, asr_seconds))
        if args.asr_from:
            sources.append(("file", load_segments(Path(args.asr_from.format(meeting=meeting))), None))
        for source, inputs, asr_seconds in sources:
            plain = run(audio, inputs, truth, scorer)
            hinted = run(audio, inputs, truth, scorer, max_speakers=len(meta["roster"]))
            named = run(audio, inputs, truth, scorer, max_speakers=len(meta["roster"]), voiceprints=prints,
                        roster=meta["roster"])
            rel = f"{plain['seconds'] / asr_seconds:.1%} of ASR ({asr_seconds:.0f} s)" if asr_seconds else \
                f"{plain['seconds'] / truth['duration']:.3f}x real time"
            rows.append(f"{meeting} [{source:5}] no enrollment: DER {plain['der']:.3f} ({len(plain['speakers'])} spk) | "
                        f"roster hint: DER {hinted['der']:.3f} ({len(hinted['speakers'])} spk) | "
                        f"enrolled: DER {named['der']:.3f}, named_speaker_acc {named['named']:.3f} | "
                        f"time {plain['seconds']:.1f} s = {rel} | timing floor {timing_floor(truth, inputs):.3f}")
            print(rows[-1], flush=True)
            if named["named"] < 0.95:
                print("   enrolled labels:", named["speakers"])
    # Real two-speaker file: truth from its JSON (speaker ids as names).
    real = json.loads((REAL / "aishell1_2spk_turns.json").read_text(encoding="utf-8"))
    truth = {"duration": max(s["end"] for s in real["segments"]),
             "segments": [{**s, "name": s["speaker"]} for s in real["segments"]]}
    res = run(REAL / "aishell1_2spk_turns.wav", truth_inputs(truth), truth, scorer)
    print(f"aishell1_2spk_turns [truth] no enrollment: DER {res['der']:.3f}, speakers found {len(res['speakers'])} "
          f"(truth 2), time {res['seconds']:.1f} s")
    if args.asr:
        segs, asr_seconds = asr_segments(REAL / "aishell1_2spk_turns.wav")
        res = run(REAL / "aishell1_2spk_turns.wav", segs, truth, scorer)
        print(f"aishell1_2spk_turns [asr]   no enrollment: DER {res['der']:.3f}, speakers found {len(res['speakers'])}, "
              f"time {res['seconds']:.1f} s = {res['seconds'] / asr_seconds:.1%} of ASR "
              f"| timing floor {timing_floor(truth, segs):.3f}")
    if args.memory:
        truth = json.loads((SYNTH / "m01.truth.json").read_text(encoding="utf-8"))
        for repeat in (1, 4):
            seconds, peak = peak_memory(SYNTH / "m01.wav", truth_inputs(truth), repeat)
            print(f"memory: {seconds:.0f} s recording -> tracemalloc peak {peak:.1f} MB during diarize")
        print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
