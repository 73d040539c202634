"""Benchmark the speaker stage (issues 4, 21) on every corpus meeting: DER, names, shares, time, memory.

    .venv/bin/python bench/speakers.py                  # all synthetic meetings + the real AISHELL file
    .venv/bin/python bench/speakers.py --only m01,m04   # some meetings
    .venv/bin/python bench/speakers.py --split          # also means over the odd / even meetings
    .venv/bin/python bench/speakers.py --roster-states  # enrolled voiceprints inside the segmentation
    .venv/bin/python bench/speakers.py --memory         # also peak memory on a 4x longer recording
    .venv/bin/python bench/speakers.py --no-pitch       # d-vectors alone (pitch options off whatever the defaults)
    .venv/bin/python bench/speakers.py --pitch-weight 0.3 --pitch-penalty 0.1 --collar 0.22   # other settings
    .venv/bin/python bench/speakers.py --asr-from /tmp/base_{meeting}/result.json   # ASR segments of an earlier run

Per meeting, with the reference segments' timings as input (what gets labelled; turns always come from the
audio):
  der0     DER with nothing enrolled and no speaker count given
  spk      speakers found / in the reference (no enrolment)
  share0   speaking-time share error, mean absolute in points over reference speakers (score.py's share_mae),
           and the worst speaker's, no enrolment
  der1     DER with every speaker of the meeting enrolled (roster = the meeting's roster plus enrolled guests,
           count capped by its size, as the app does)
  named    named-speaker accuracy with every speaker enrolled (score.py)
  share1   share error with every speaker enrolled
  unk      the meeting's most talkative speaker left unenrolled (the others enrolled, plus three voiceprints of
           another meeting's people on the roster): share of their speech that took a member's name (must be 0)
  time     the speaker stage (scan + turns) as a share of recognition time, taken as duration x --asr-rtf
           (base model, this machine: README, bench/asr.py)

The scan (VAD + window embeddings) of each recording and enrolment clip is cached under /tmp/spk-cache
(keyed by the file and the scan code's source), and each window's pitch next to it under its own key (the scan's
and asr/speakers/pitch.py's source), so changing clustering, naming or the pitch tracker re-runs in seconds; the
scan time reported is the one measured when the cache was filled. --no-cache measures it again.
DER and named accuracy come from ../shared/tools/score.py (its diarization() function, same frames and mapping).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import REAL, SHARED  # noqa: E402
from bench.corpus_paths import SYNTHETIC as SYNTH  # noqa: E402

CACHE = Path(os.environ.get("SPK_CACHE", "/tmp/spk-cache"))
AUDIO_EXTS = ("wav", "m4a", "mp3", "flac", "ogg")
ASR_RTF = 0.125  # base model on this machine, README's bench/asr.py row (0.12-0.13)
SCAN_SOURCES = ("asr/speakers/turns.py", "asr/speakers/encoder.py", "asr/speakers/features.py", "asr/regions.py",
                "asr/decode.py")
PITCH_SOURCES = ("asr/speakers/pitch.py", "asr/speakers/features.py", "asr/decode.py")

from asr.decode import read_audio  # noqa: E402
from asr.speakers import COLLAR, diarize, label_segments, turns_from_scan, voiceprint_from_scan  # noqa: E402
from asr.speakers.clustering import ClusterParams  # noqa: E402
from asr.speakers.features import HOP  # noqa: E402
from asr.speakers.pitch import window_pitch  # noqa: E402
from asr.speakers.turns import WINDOW_FRAMES, SpeechScan, scan_recording  # noqa: E402
from core.types import Segment  # noqa: E402


def load_scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scan_key(audio: Path, sources: tuple[str, ...]) -> str:
    st = audio.stat()
    h = hashlib.sha1()
    for rel in sources:
        h.update((REPO / rel).read_bytes())
    return hashlib.sha1(f"{audio.resolve()}|{st.st_size}|{st.st_mtime_ns}|{h.hexdigest()}".encode()).hexdigest()[:16]


def cached_scan(audio: Path, use_cache: bool = True) -> tuple[SpeechScan, float]:
    """The recording's scan with window pitch, and the seconds the scan took (measured when the cache entry
    was made; the pitch's own seconds are added)."""
    key = _scan_key(audio, SCAN_SOURCES)
    path = CACHE / f"{audio.stem}.{key}.npz"
    if use_cache and path.is_file():
        d = np.load(path)
        lengths = d["lengths"].tolist()
        cuts = np.cumsum([0, *lengths])
        scan = SpeechScan(regions=[tuple(r) for r in d["regions"].tolist()],
                          vectors=[d["vectors"][cuts[i]:cuts[i + 1]] for i in range(len(lengths))],
                          owner=d["owner"].tolist(), offset=d["offset"].tolist(), duration=float(d["duration"]))
        seconds = float(d["seconds"])
    else:
        t0 = time.perf_counter()
        # Pitch is cached on its own (cached_pitch), so tuning the tracker does not redo the embeddings.
        scan = scan_recording(audio, pitch=False)
        seconds = time.perf_counter() - t0
        CACHE.mkdir(parents=True, exist_ok=True)
        vectors = np.concatenate(scan.vectors) if scan.vectors else np.zeros((0, 256), np.float32)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, regions=np.array(scan.regions, dtype=np.float64).reshape(-1, 2), vectors=vectors,
                 lengths=np.array([len(v) for v in scan.vectors], dtype=np.int64),
                 owner=np.array(scan.owner, np.int64), offset=np.array(scan.offset, np.float64),
                 duration=scan.duration, seconds=seconds)
        tmp.rename(path)
    pitch, pitch_seconds = cached_pitch(audio, scan, key, use_cache)
    scan.pitch = pitch
    return scan, seconds + pitch_seconds


def cached_pitch(audio: Path, scan: SpeechScan, scan_key: str, use_cache: bool = True
                 ) -> tuple[list[np.ndarray], float]:
    """Per-region window pitch of a scan, as scan_recording computes it (same region samples, same windows),
    from the decoded recording; cached under its own key (the scan's and asr/speakers/pitch.py's)."""
    key = hashlib.sha1(f"{scan_key}|{_scan_key(audio, PITCH_SOURCES)}".encode()).hexdigest()[:16]
    path = CACHE / f"{audio.stem}.pitch.{key}.npz"
    lengths = [len(v) for v in scan.vectors]
    cuts = np.cumsum([0, *lengths])
    if use_cache and path.is_file():
        d = np.load(path)
        return [d["pitch"][cuts[i]:cuts[i + 1]] for i in range(len(lengths))], float(d["seconds"])
    t0 = time.perf_counter()
    samples = read_audio(audio)
    out = []
    for i, (a, b) in enumerate(scan.regions):
        lo, hi = int(round(a * 16000)), int(round(b * 16000))
        starts = [int(round((o - a) * 16000 / HOP)) for o in scan.offset[cuts[i]:cuts[i + 1]]]
        out.append(window_pitch(samples[lo:hi], starts, WINDOW_FRAMES))
    seconds = time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, pitch=np.concatenate(out) if out else np.zeros((0, 2)), seconds=seconds)
    tmp.rename(path)
    return out, seconds


def meeting_audio(meeting: str) -> Path:
    for ext in AUDIO_EXTS:
        if (SYNTH / f"{meeting}.{ext}").is_file():
            return SYNTH / f"{meeting}.{ext}"
    raise FileNotFoundError(meeting)


def voiceprints_for(meeting: str, use_cache: bool = True) -> dict[str, np.ndarray]:
    prints = {}
    for path in sorted(p for p in SYNTH.glob(f"{meeting}.enroll.*") if p.suffix[1:] in AUDIO_EXTS):
        prints[path.stem.split(".")[-1]] = voiceprint_from_scan(cached_scan(path, use_cache)[0])
    return prints


def as_result(segments: list[Segment]) -> dict:
    return {"segments": [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker} for s in segments]}


def truth_inputs(truth: dict) -> list[Segment]:
    return [Segment(s["start"], s["end"], s.get("text", "")) for s in truth["segments"]]


def load_segments(path: Path) -> list[Segment]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Segment(s["start"], s["end"], s.get("text", "")) for s in data["segments"]]


def share_errors(truth: dict, out: list[Segment], mapping: dict) -> tuple[float, float]:
    """Mean and worst absolute error (points) of each reference speaker's share of speaking time."""
    ref: dict[str, float] = {}
    for s in truth["segments"]:
        ref[s["name"]] = ref.get(s["name"], 0.0) + s["end"] - s["start"]
    hyp: dict[str, float] = {}
    for s in out:
        name = mapping.get(s.speaker, s.speaker)
        hyp[name] = hyp.get(name, 0.0) + s.end - s.start
    rt, ht = sum(ref.values()), sum(hyp.values()) or 1.0
    errs = [abs(ref[n] / rt - hyp.get(n, 0.0) / ht) * 100 for n in ref]
    return sum(errs) / len(errs), max(errs)


def evaluate(truth: dict, scan: SpeechScan, inputs: list[Segment], scorer, collar: float = COLLAR, **kw) -> dict:
    t0 = time.perf_counter()
    found = turns_from_scan(scan, **kw)
    out = label_segments(inputs, found, collar=collar)
    seconds = time.perf_counter() - t0
    der, named, mapping = scorer.diarization(truth, as_result(out))
    mean_err, worst_err = share_errors(truth, out, mapping)
    return {"der": der, "named": named, "share": mean_err, "share_max": worst_err, "seconds": seconds,
            "speakers": sorted({s.speaker for s in out}), "out": out}


def false_names(truth: dict, out: list[Segment], who: str, members: set[str]) -> float:
    """Share of `who`'s reference speech labelled with a member's name (10 ms frames)."""
    frame = 0.01
    n = int(truth["duration"] / frame) + 2
    ref = np.zeros(n, dtype=bool)
    for s in truth["segments"]:
        if s["name"] == who:
            ref[int(round(s["start"] / frame)) : int(round(s["end"] / frame))] = True
    named = np.zeros(n, dtype=bool)
    for s in out:
        if s.speaker in members:
            named[int(round(s.start / frame)) : int(round(s.end / frame))] = True
    return float((ref & named).sum() / max(ref.sum(), 1))


def bench_meeting(meeting: str, scorer, args, inputs: list[Segment] | None = None, tag: str = "truth") -> dict:
    truth = json.loads((SYNTH / f"{meeting}.truth.json").read_text(encoding="utf-8"))
    meta = json.loads((SYNTH / f"{meeting}.meta.json").read_text(encoding="utf-8"))
    audio = meeting_audio(meeting)
    scan, scan_seconds = cached_scan(audio, not args.no_cache)
    inputs = inputs if inputs is not None else truth_inputs(truth)
    prints = voiceprints_for(meeting, not args.no_cache)
    roster = list(meta["roster"]) + [n for n in prints if n not in meta["roster"]]
    rs = stage_options(args)
    plain = evaluate(truth, scan, inputs, scorer, **rs)
    if args.roster_states:
        rs["roster_states"] = True
    named = evaluate(truth, scan, inputs, scorer, voiceprints=prints, roster=roster, max_speakers=len(roster), **rs)
    # An unenrolled voice among enrolled ones and strangers' voiceprints: it must stay anonymous.
    talk: dict[str, float] = {}
    for s in truth["segments"]:
        talk[s["name"]] = talk.get(s["name"], 0.0) + s["end"] - s["start"]
    left_out = max(talk, key=talk.get)
    others = [m for m in sorted(p.name.split(".")[0] for p in SYNTH.glob("m*.truth.json")) if m != meeting]
    strangers = voiceprints_for(others[(int(meeting[1:]) * 7) % len(others)], not args.no_cache)
    strangers = dict(list(strangers.items())[:3])
    partial = {n: v for n, v in prints.items() if n != left_out} | strangers
    part_roster = [n for n in roster if n != left_out] + list(strangers)
    unk = evaluate(truth, scan, inputs, scorer, voiceprints=partial, roster=part_roster,
                   max_speakers=len(part_roster) + 1, **rs)
    wrong = false_names(truth, unk["out"], left_out, set(partial))
    seconds = scan_seconds + plain["seconds"]
    share_of_asr = seconds / (truth["duration"] * args.asr_rtf)
    n_ref = len(talk)
    row = {"meeting": meeting, "profile": truth.get("profile", "room"), "tag": tag, "der0": plain["der"],
           "spk": len(plain["speakers"]), "ref_spk": n_ref, "share0": plain["share"], "share0_max": plain["share_max"],
           "der1": named["der"], "named": named["named"], "share1": named["share"], "unk": wrong,
           "unk_named": unk["named"], "time": share_of_asr, "scan_s": scan_seconds, "turns_s": plain["seconds"]}
    return row


def stage_options(args) -> dict:
    """Options of the speaker stage the command line sets (the module defaults unless given)."""
    out: dict = {}
    if args.no_pitch:
        out["pitch_weight"] = 0.0
    elif args.pitch_weight is not None:
        out["pitch_weight"] = args.pitch_weight
    if args.pitch_scale is not None:
        out["pitch_scale"] = args.pitch_scale
    if args.collar is not None:
        out["collar"] = args.collar
    if args.pitch_penalty is not None:
        out["params"] = ClusterParams(pitch_penalty=args.pitch_penalty)
    return out


def print_header() -> None:
    print(f"{'meeting':8} {'room':4}  {'der0':>5} {'spk':>5} {'share0':>11}  {'der1':>5} {'named':>5} {'share1':>6}"
          f"  {'unk':>5}  {'time':>5} (scan+turns s)")


def print_row(r: dict) -> None:
    flag = lambda ok: " " if ok else "*"  # noqa: E731
    print(f"{r['meeting']:8} {r['profile'][:4]:4}  {r['der0']:.3f}{flag(r['der0'] <= 0.10)}"
          f"{r['spk']:>2}/{r['ref_spk']:<2} {r['share0']:4.1f}/{r['share0_max']:4.1f}{flag(r['share0'] <= 3)} "
          f"{r['der1']:.3f}{flag(r['der1'] <= 0.08 and (r['der1'] < r['der0'] or r['der0'] <= 0.05))}"
          f"{r['named']:.3f}{flag(r['named'] >= 0.95)}{r['share1']:5.1f}{flag(r['share1'] <= 3)}"
          f" {r['unk']:.3f}{flag(r['unk'] == 0)} {r['time']:5.0%}{flag(r['time'] <= 0.25)}"
          f" ({r['scan_s']:.1f}+{r['turns_s']:.2f})", flush=True)


def summary(rows: list[dict], label: str) -> None:
    if not rows:
        return
    m = lambda k: float(np.mean([r[k] for r in rows]))  # noqa: E731
    w = lambda k, f=max: f(r[k] for r in rows)  # noqa: E731
    print(f"{label:14} mean der0 {m('der0'):.3f} (max {w('der0'):.3f}, >0.10: {sum(r['der0'] > 0.10 for r in rows)}) | "
          f"der1 {m('der1'):.3f} (max {w('der1'):.3f}) | named {m('named'):.3f} (min {w('named', min):.3f}) | "
          f"share0 {m('share0'):.1f} (max {w('share0'):.1f}) share1 {m('share1'):.1f} | unk max {w('unk'):.3f} | "
          f"time mean {m('time'):.0%} max {w('time'):.0%}")


def real_two_speakers(scorer, args) -> None:
    real = json.loads((REAL / "aishell1_2spk_turns.json").read_text(encoding="utf-8"))
    truth = {"duration": max(s["end"] for s in real["segments"]),
             "segments": [{**s, "name": s["speaker"]} for s in real["segments"]]}
    scan, scan_seconds = cached_scan(REAL / "aishell1_2spk_turns.wav", not args.no_cache)
    res = evaluate(truth, scan, truth_inputs(truth), scorer, **stage_options(args))
    print(f"aishell1_2spk_turns (real) no enrolment: DER {res['der']:.3f}, speakers {len(res['speakers'])} (truth 2), "
          f"share {res['share']:.1f}/{res['share_max']:.1f}, time {scan_seconds + res['seconds']:.1f} s")


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
    parser.add_argument("--only", help="comma-separated meetings, e.g. m01,m04")
    parser.add_argument("--split", action="store_true", help="also means over odd and even meetings")
    parser.add_argument("--no-cache", action="store_true", help="scan every recording again (times it too)")
    parser.add_argument("--asr-rtf", type=float, default=ASR_RTF, help="recognition real-time factor for 'time'")
    parser.add_argument("--roster-states", action="store_true",
                        help="enrolled members as speaker states in the segmentation (asr/speakers/roster.py)")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory vs length")
    parser.add_argument("--no-pitch", action="store_true", help="d-vectors alone, without window pitch (the old path)")
    parser.add_argument("--pitch-weight", type=float, help="length of the pitch part of each window's feature")
    parser.add_argument("--pitch-scale", type=float, help="semitones of pitch difference per radian")
    parser.add_argument("--pitch-penalty", type=float,
                        help="cosine per semitone of pitch difference between speakers (ClusterParams.pitch_penalty)")
    parser.add_argument("--collar", type=float, help="seconds labelled segments are widened into silence")
    parser.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    parser.add_argument("--asr-from", metavar="PATTERN",
                        help="also diarize ASR segments read from result.json files, e.g. /tmp/base_{meeting}/result.json")
    args = parser.parse_args()
    if not SYNTH.is_dir():
        print("corpus not found at", SYNTH)
        return 1
    scorer = load_scorer()
    meetings = sorted(p.name.split(".")[0] for p in SYNTH.glob("m*.truth.json"))
    if args.only:
        meetings = [m for m in meetings if m in args.only.split(",")]
    print("* = misses its target (der0 <= 0.10; der1 <= 0.08 and < der0 unless der0 <= 0.05; named >= 0.95; "
          "share <= 3 points; unk = 0; time <= 25 % of ASR)")
    print_header()
    rows = []
    for meeting in meetings:
        rows.append(bench_meeting(meeting, scorer, args))
        print_row(rows[-1])
        if args.asr_from:
            path = Path(args.asr_from.format(meeting=meeting))
            if path.is_file():
                rows_asr = bench_meeting(meeting, scorer, args, load_segments(path), "asr")
                print("  asr:", end=" ")
                print_row(rows_asr)
    summary(rows, "all")
    summary([r for r in rows if r["profile"] == "room"], "room")
    summary([r for r in rows if r["profile"] == "far"], "far")
    if args.split:
        summary([r for r in rows if int(r["meeting"][1:]) % 2], "odd meetings")
        summary([r for r in rows if not int(r["meeting"][1:]) % 2], "even meetings")
    if not args.only:
        real_two_speakers(scorer, args)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.memory:
        truth = json.loads((SYNTH / "m01.truth.json").read_text(encoding="utf-8"))
        for repeat in (1, 4):
            seconds, peak = peak_memory(SYNTH / "m01.wav", truth_inputs(truth), repeat)
            print(f"memory: {seconds:.0f} s recording -> tracemalloc peak {peak:.1f} MB during diarize")
        print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
