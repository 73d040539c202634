"""The pass run while recording against the offline pass, on the same audio, scored by score.py.

    .venv/bin/python bench/incremental_quality.py [m01 m02 m03 m04 m05]

Each corpus meeting is written as the recorder writes it (16 kHz 16-bit WAV). Offline: `process` on
that file. Incremental: the same samples fed, in the recorder's 0.1 s blocks, to what the live child
runs (asr.incremental.IncrementalDecoder with one thread, and the speaker scan, both saved beside
the file), then `process` on the file, which takes up both. Prints CER, DER, resolution F1 of each
and the differences (targets: CER within 0.3 points, DER within 0.02, F1 equal), the segments that
differ, and the CPU seconds each recognition took.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import SHARED  # noqa: E402
from bench.corpus_paths import SYNTHETIC as CORPUS  # noqa: E402


def score(truth: Path, result: Path) -> dict:
    out = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(truth), str(result), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(names: list[str]) -> None:
    os.environ["SANHUI_HOME"] = tempfile.mkdtemp(prefix="sanhui-quality-")
    import numpy as np

    from app.pipeline import ProcessOptions, RecognitionOptions, run
    from asr.decode import SAMPLE_RATE, read_audio
    from asr.decoded import DecodedLog
    from asr.incremental import IncrementalDecoder, VoiceScan
    from asr.lexicon import meeting_hotwords
    from asr.models import ModelRegistry
    from asr.transcribe import Transcriber
    from core.result import dumps, load_meta
    from tests.conftest import write_wav

    options = ProcessOptions(RecognitionOptions(device="cpu"), save=False)
    model = ModelRegistry().find(options.recognition.model)
    rows = []
    for name in names:
        audio_file = next(p for p in CORPUS.glob(f"{name}.*") if p.suffix not in (".json",) and "enroll" not in p.name)
        meeting = load_meta(CORPUS / f"{name}.meta.json")
        work = Path(tempfile.mkdtemp(prefix=f"q-{name}-"))
        (work / "offline").mkdir()
        offline_wav = write_wav(work / "offline" / "20261012-143005.wav", read_audio(audio_file))
        live_dir = work / "live"
        live_dir.mkdir()
        live_wav = live_dir / offline_wav.name
        shutil.copyfile(offline_wav, live_wav)

        c0 = time.process_time()
        offline = run(offline_wav, load_meta(CORPUS / f"{name}.meta.json"), options)
        offline_cpu = time.process_time() - c0

        c0 = time.process_time()
        samples = read_audio(live_wav)
        decoder = IncrementalDecoder(Transcriber(model, options.recognition.transcribe_options(threads=1)),
                                     meeting_hotwords(meeting.roster, meeting.agenda, meeting.type),
                                     meeting.roster, DecodedLog.beside(live_wav))
        voices = VoiceScan(live_wav)
        block = SAMPLE_RATE // 10
        for i in range(0, len(samples), block):
            voices.feed(samples[i: i + block])
            decoder.feed(samples[i: i + block])
        decoder.finish()
        voices.save()
        live = run(live_wav, load_meta(CORPUS / f"{name}.meta.json"), options)
        live_cpu = time.process_time() - c0

        figures = {}
        for kind, result in (("offline", offline), ("live", live)):
            path = work / f"{kind}.json"
            path.write_text(dumps(result), encoding="utf-8")
            figures[kind] = score(CORPUS / f"{name}.truth.json", path)
        differ = sum(1 for a, b in zip(offline.segments, live.segments, strict=False)
                     if (a.start, a.end, a.text, a.speaker) != (b.start, b.end, b.text, b.speaker))
        differ += abs(len(offline.segments) - len(live.segments))
        o, li = figures["offline"], figures["live"]
        rows.append((o["cer"] - li["cer"], o["der"] - li["der"], o["res_f1"] - li["res_f1"]))
        print(f"{name}: offline CER {100 * o['cer']:.2f} % DER {o['der']:.3f} F1 {o['res_f1']:.2f} | "
              f"live CER {100 * li['cer']:.2f} % DER {li['der']:.3f} F1 {li['res_f1']:.2f} | "
              f"segments differing {differ}/{len(offline.segments)}; CPU offline {offline_cpu:.0f} s, "
              f"live pass + process {live_cpu:.0f} s (process after it: asr {live.timings['asr']:.1f} s, "
              f"speakers {live.timings['speakers']:.1f} s)", flush=True)
    worst = [max(abs(r[i]) for r in rows) for i in range(3)]
    print(f"largest difference over {len(rows)} meetings: CER {100 * worst[0]:.2f} points, DER {worst[1]:.3f}, "
          f"F1 {worst[2]:.3f}; mean CER difference {100 * float(np.mean([r[0] for r in rows])):+.2f} points")


if __name__ == "__main__":
    main(sys.argv[1:] or ["m01", "m02", "m03", "m04", "m05"])
