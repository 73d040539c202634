"""Benchmark recognition: CER, real-time factor and peak RSS, ours vs plain faster-whisper, same run.

    .venv/bin/python bench/asr.py                       # m01, m02, 2spk, AISHELL-1, Common Voice; both engines
    .venv/bin/python bench/asr.py --sets m01 --opt hotword_mode=prompt --engines ours
    .venv/bin/python bench/asr.py --long-minutes 120 --sets long --engines ours   # memory on a long meeting

Each engine runs in its own child process (so peak RSS is its own), on the same model folder, and
the two alternate per set so that a noisy shared machine slows both alike; the CPU-time ratio (all
threads' process time) is steadier than the wall-clock one when other programs compete for the cores. CER is computed exactly
as ../shared/tools/score.py does (its functions are imported from there). "floor" is the timing
floor: score.py's DER after giving every segment the true speaker it overlaps most, i.e. the error
diarization cannot remove because segments cover pauses or miss speech (m01, m02, 2spk).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import CORPUS, SCORE_PY  # noqa: E402


def load_scorer():
    spec = importlib.util.spec_from_file_location("sanhui_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the corpus ----------------------------------------------------------------------------------


def synthetic_item(name: str) -> dict:
    folder = CORPUS / "synthetic"
    audio = next(p for p in folder.glob(f"{name}.*") if p.suffix in (".wav", ".m4a"))
    truth = json.loads((folder / f"{name}.truth.json").read_text(encoding="utf-8"))
    meta = json.loads((folder / f"{name}.meta.json").read_text(encoding="utf-8"))
    return {"id": name, "audio": str(audio), "ref": "".join(s["text"] for s in truth["segments"]),
            "meeting_type": meta.get("type", ""), "roster": meta.get("roster", []),
            "agenda": meta.get("agenda", []), "truth": truth}


def turns_item() -> dict:
    """Real speech (AISHELL-1), two speakers taking turns, with exact turn times."""
    folder = CORPUS / "real"
    truth = json.loads((folder / "aishell1_2spk_turns.json").read_text(encoding="utf-8"))
    segments = [{**s, "name": s["speaker"]} for s in truth["segments"]]
    truth = {"segments": segments, "duration": max(s["end"] for s in segments)}
    return {"id": "2spk", "audio": str(folder / "aishell1_2spk_turns.wav"), "ref": "".join(s["text"] for s in segments),
            "roster": [], "agenda": [], "truth": truth}


def tsv_items(folder: Path) -> list[dict]:
    with open(folder / "transcripts.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    text_key = next(k for k in rows[0] if k.startswith("transcript"))
    return [{"id": r["file"], "audio": str(folder / r["file"]), "ref": r[text_key], "roster": [], "agenda": []}
            for r in rows]


def long_item(minutes: float, workdir: Path) -> dict:
    """A long meeting made by concatenating corpus audio (m01, m02, real clips) until `minutes`."""
    import wave

    import numpy as np

    from asr.decode import SAMPLE_RATE, read_audio

    sources = [CORPUS / "synthetic" / "m01.wav", CORPUS / "synthetic" / "m02.m4a"]
    sources += sorted((CORPUS / "real" / "aishell1").glob("*.wav"))
    path = workdir / f"long_{int(minutes)}min.wav"
    target = int(minutes * 60 * SAMPLE_RATE)
    written = 0
    clips = [read_audio(p) for p in sources]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        i = 0
        while written < target:
            clip = clips[i % len(clips)][: target - written]
            w.writeframes((np.clip(clip, -1, 1) * 32767).astype("<i2").tobytes())
            written += len(clip)
            i += 1
    return {"id": path.name, "audio": str(path), "ref": "", "roster": [], "agenda": []}


def corpus_sets(names: list[str], long_minutes: float, workdir: Path) -> dict[str, list[dict]]:
    sets = {}
    for name in names:
        if name in ("m01", "m02"):
            sets[name] = [synthetic_item(name)]
        elif name == "2spk":
            sets[name] = [turns_item()]
        elif name == "aishell":
            sets[name] = tsv_items(CORPUS / "real" / "aishell1")
        elif name == "cv":
            sets[name] = tsv_items(CORPUS / "real" / "commonvoice_zh-CN")
        elif name == "long":
            sets[name] = [long_item(long_minutes, workdir)]
        else:
            raise SystemExit(f"unknown set {name}")
    return sets


# -- the child: one engine over a list of items ------------------------------------------------------


def parse_value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_child(engine: str, items: list[dict], model_path: Path, options: dict) -> dict:
    from asr.decode import probe_duration

    out = {"items": []}
    if engine == "ours":
        from asr.lexicon import meeting_hotwords
        from asr.transcribe import TranscribeOptions, Transcriber

        transcriber = Transcriber(model_path, TranscribeOptions(**options))
        transcriber.model  # noqa: B018 -- load before timing, as the plain engine does
        for item in items:
            hotwords = meeting_hotwords(item.get("roster", []), item.get("agenda", []),
                                        item.get("meeting_type", ""))
            t0, c0 = time.perf_counter(), time.process_time()
            segments = list(transcriber.transcribe(Path(item["audio"]), hotwords=hotwords, names=item.get("roster")))
            out["items"].append({"id": item["id"], "text": "".join(s.text for s in segments),
                                 "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                                 "duration": probe_duration(Path(item["audio"])),
                                 "segments": [[s.start, s.end, s.text] for s in segments]})
    else:
        from faster_whisper import WhisperModel

        model = WhisperModel(str(model_path), device="cpu", compute_type="int8")
        for item in items:
            t0, c0 = time.perf_counter(), time.process_time()
            segments, _ = model.transcribe(item["audio"], language="zh", beam_size=5, vad_filter=True)
            segments = list(segments)
            out["items"].append({"id": item["id"], "text": "".join(s.text for s in segments),
                                 "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                                 "duration": probe_duration(Path(item["audio"])),
                                 "segments": [[s.start, s.end, s.text] for s in segments]})
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# -- the parent -------------------------------------------------------------------------------------


def spawn(engine: str, items: list[dict], model_path: Path, options: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump({"engine": engine, "items": items, "model": str(model_path), "options": options}, f,
                  ensure_ascii=False)
    proc = subprocess.run([sys.executable, __file__, "--child", f.name], capture_output=True, text=True,
                          cwd=REPO)
    Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timing_floor(scorer, truth: dict, segments: list) -> float:
    """score.py's DER when every segment gets the true speaker it overlaps most (an oracle): what is
    left is time a segment covers that nobody spoke (or misses speech), whatever diarization does."""
    labelled = []
    for start, end, text in segments:
        overlaps = [(min(end, t["end"]) - max(start, t["start"]), t["name"]) for t in truth["segments"]]
        best = max(overlaps, default=(0.0, None))
        labelled.append({"start": start, "end": end, "text": text, "speaker": best[1] if best[0] > 0 else None})
    return scorer.diarization(truth, {"segments": labelled})[0]


def summarise(scorer, items: list[dict], run: dict) -> dict:
    floors = [timing_floor(scorer, item["truth"], got["segments"])
              for item, got in zip(items, run["items"], strict=False) if item.get("truth")]
    edits = chars = 0
    seconds = duration = cpu = 0.0
    no_traditional = True
    for item, got in zip(items, run["items"], strict=False):
        ref, hyp = scorer.norm_text(item["ref"]), scorer.norm_text(got["text"])
        if ref:
            edits += scorer.edit_distance(ref, hyp)
            chars += len(ref)
        seconds += got["seconds"]
        cpu += got["cpu"]
        duration += got["duration"]
        from asr.text import has_traditional

        no_traditional &= not has_traditional(got["text"])
    return {"cer": edits / chars if chars else None, "rtf": seconds / duration, "seconds": seconds, "cpu": cpu,
            "audio_seconds": duration, "peak_rss_mb": run["peak_rss_mb"], "simplified": no_traditional,
            "timing_floor": sum(floors) / len(floors) if floors else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sets", default="m01,m02,2spk,aishell,cv", help="m01,m02,2spk,aishell,cv,long")
    parser.add_argument("--engines", default="ours,plain")
    parser.add_argument("--model", default="base")
    parser.add_argument("--long-minutes", type=float, default=120.0)
    parser.add_argument("--opt", action="append", default=[], help="TranscribeOptions field=value (ours only)")
    parser.add_argument("--json", help="also write all figures and texts to this file")
    parser.add_argument("--show", action="store_true", help="print our transcripts of m01/m02")
    args = parser.parse_args(argv)

    if args.child:
        job = json.loads(Path(args.child).read_text(encoding="utf-8"))
        result = run_child(job["engine"], job["items"], Path(job["model"]), job["options"])
        print(json.dumps(result, ensure_ascii=False))
        return 0

    if not CORPUS.is_dir():
        raise SystemExit(f"corpus not found at {CORPUS}")
    from asr.models import ModelRegistry

    model_path = ModelRegistry().find(args.model)
    options = {"model": args.model}
    for opt in args.opt:
        key, _, value = opt.partition("=")
        options[key] = parse_value(value)
    scorer = load_scorer()
    engines = args.engines.split(",")
    report = {"options": options, "sets": {}}
    with tempfile.TemporaryDirectory() as workdir:
        sets = corpus_sets(args.sets.split(","), args.long_minutes, Path(workdir))
        print(f"model={args.model} options={options}")
        print(f"{'set':8} {'engine':6} {'CER':>7} {'RTF':>6} {'audio s':>8} {'peak RSS MB':>11} {'floor':>6}  simplified")
        for name, items in sets.items():
            report["sets"][name] = {}
            for engine in engines:
                run = spawn(engine, items, model_path, options if engine == "ours" else {})
                figures = summarise(scorer, items, run)
                report["sets"][name][engine] = {**figures, "texts": [g["text"] for g in run["items"]],
                                                "segments": [g["segments"] for g in run["items"]]}
                cer = f"{100 * figures['cer']:6.1f}%" if figures["cer"] is not None else "    n/a"
                floor = f"{figures['timing_floor']:6.3f}" if figures["timing_floor"] is not None else "   n/a"
                print(f"{name:8} {engine:6} {cer} {figures['rtf']:6.3f} {figures['audio_seconds']:8.1f} "
                      f"{figures['peak_rss_mb']:11.0f} {floor}  {figures['simplified']}", flush=True)
            if {"ours", "plain"} <= set(engines):
                ours, plain = report["sets"][name]["ours"], report["sets"][name]["plain"]
                print(f"{name:8} ratio  time ours/plain = {ours['seconds'] / plain['seconds']:.2f}  "
                      f"CPU time ours/plain = {ours['cpu'] / plain['cpu']:.2f}", flush=True)
            if args.show and name in ("m01", "m02") and "ours" in engines:
                print(report["sets"][name]["ours"]["texts"][0])
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
