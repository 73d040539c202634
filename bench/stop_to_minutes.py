"""停止 -> minutes and report ready: a meeting replayed through the recorder's callback, with the live
full pass (app.live_job, in a child process as the window runs it) beside it; at the end, as the
window does, the live child is stopped and the processing job runs in a child of its own, then the
documents are written.

    .venv/bin/python bench/stop_to_minutes.py [--minutes 10] [--speed 1.0] [--rate 48000 --channels 2] [--out DIR]

--minutes N concatenates corpus meetings (m01, m02, ...) to N minutes; --speed replays faster for a
quick check (the figures to report are at 1.0). Prints the live pass's backlog over the recording
(seconds of recorded audio not yet decoded), then the stop-to-minutes time split into its stages, and
writes DIR/result.json (score it with ../shared/tools/score.py when the audio is a single meeting).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

# Run as a script, this file's folder comes first on sys.path and bench/asr.py would shadow the asr package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_paths import SYNTHETIC as CORPUS  # noqa: E402

MEETINGS = ["m01.wav", "m02.m4a", "m03.wav", "m04.m4a", "m05.mp3", "m06.flac", "m07.ogg", "m08.wav"]


def meeting_audio(minutes: float) -> tuple[np.ndarray, dict]:
    """Corpus meetings end to end until `minutes` (cut there); the meta of the first, rosters joined."""
    from asr.decode import SAMPLE_RATE, read_audio

    parts, meta, total = [], None, 0
    want = int(minutes * 60 * SAMPLE_RATE)
    i = 0
    while total < want:
        name = MEETINGS[i % len(MEETINGS)]
        audio = read_audio(CORPUS / name)
        m = json.loads((CORPUS / name).with_suffix(".meta.json").read_text(encoding="utf-8"))
        if meta is None:
            meta = m
        else:
            meta["roster"] = list(dict.fromkeys([*meta["roster"], *m["roster"]]))
        parts.append(audio)
        total += len(audio)
        i += 1
    return np.concatenate(parts)[:want], meta


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--rate", type=int, default=16000,
                    help="the microphone's rate (48000: most laptop and USB microphones); the meeting is resampled to it")
    ap.add_argument("--channels", type=int, default=1, help="the microphone's channels (2: the same signal on both)")
    ap.add_argument("--after-stop", type=Path, default=None, metavar="WAV",
                    help="skip the replay: run only what follows 停止 on a recording an earlier replay of the same "
                         "--minutes left behind (its .asr.jsonl and .speakers.npz beside it), e.g. when the "
                         "2-hour run was cut off after the recording")
    return ap.parse_args()


def main() -> None:
    args = _args()
    home = args.after_stop.parent.parent if args.after_stop else Path(tempfile.mkdtemp(prefix="sanhui-stop-"))
    os.environ["SANHUI_HOME"] = str(home)

    from app.jobs import in_child
    from app.live_job import decode_recording
    from app.pipeline import ProcessOptions, RecognitionOptions
    from asr.decode import SAMPLE_RATE
    from asr.incremental import LiveLine
    from asr.lexicon import meeting_hotwords
    from asr.recorder import FileStream, Recorder
    from core.result import meeting_from_dict

    audio, meta = meeting_audio(args.minutes)
    meeting = meeting_from_dict(meta)
    pcm = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
    path = args.after_stop or home / "recordings" / "20261012-143005.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    options = ProcessOptions(RecognitionOptions(device="cpu"))
    if args.after_stop:
        after_stop(path, meeting, options, home, args.out, len(pcm) / SAMPLE_RATE)
        return
    seconds = len(pcm) / SAMPLE_RATE
    if args.rate != SAMPLE_RATE:
        pcm = resample(pcm, SAMPLE_RATE, args.rate)
    recorder = Recorder(path, samplerate=args.rate, channels=args.channels,
                        stream_factory=functools.partial(FileStream, pcm, realtime=True, speed=args.speed))
    print(f"replaying {seconds / 60:.1f} min at speed {args.speed} into {path} "
          f"({args.rate} Hz, {args.channels} channel(s))", flush=True)

    samples: list[tuple[float, float, float]] = []  # (wall, recorded seconds, behind)
    lines = [0]
    stop = threading.Event()

    def follow() -> None:
        gen = in_child(decode_recording, path, options, names=meeting.roster,
                       hotwords=meeting_hotwords(meeting.roster, meeting.agenda, meeting.type))
        try:
            for item in gen:
                if stop.is_set():
                    break
                if isinstance(item, LiveLine):
                    lines[0] += item.segment is not None
                    samples.append((time.monotonic() - t0, recorder.elapsed, item.behind))
        finally:
            gen.close()  # as the window's cancel: the child is told to stop, or killed

    t0 = time.monotonic()
    recorder.start()
    live = threading.Thread(target=follow, daemon=True)
    live.start()
    next_report = 0.0
    while not recorder._stream.finished.wait(1.0):
        t = time.monotonic() - t0
        if t >= next_report and samples:
            _w, rec, behind = samples[-1]
            print(f"  wall {t:7.1f} s  recorded {rec:7.1f} s  behind {behind:6.1f} s  final lines {lines[0]}",
                  flush=True)
            next_report = t + 60.0 / args.speed
    t_stop = time.monotonic()
    recorder.stop()
    stop.set()
    live.join(timeout=15)
    t_saved = time.monotonic()
    behind_at_stop = samples[-1][2] if samples else seconds
    t_processed, t_done, stages, result, out = process_after_stop(path, meeting, options, home, args.out, t_stop)
    behinds = [b for _w, _r, b in samples]
    half = len(behinds) // 2
    print(f"backlog: max {max(behinds, default=0):.1f} s; mean first half {np.mean(behinds[:half] or [0]):.1f} s, "
          f"second half {np.mean(behinds[half:] or [0]):.1f} s; at 停止 {behind_at_stop:.1f} s")
    print(f"停止 -> file saved and live child stopped {t_saved - t_stop:.1f} s; -> result saved "
          f"{t_processed - t_stop:.1f} s; -> documents written {t_done - t_stop:.1f} s "
          f"(stage starts after 停止: {', '.join(f'{k} {v:.1f}' for k, v in stages.items())}; "
          f"result timings: {', '.join(f'{k} {v:.1f}' for k, v in result.timings.items())})")
    print(f"STOP_TO_MINUTES {t_done - t_stop:.1f} s for {seconds / 60:.1f} min at speed {args.speed}; out {out}")



def resample(pcm: np.ndarray, rate: int, to: int) -> np.ndarray:
    """int16 mono at `rate` -> int16 mono at `to`, with PyAV's (libswresample's) filter, as a device would give it."""
    import av

    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=to)
    out = [f.to_ndarray().reshape(-1) for f in [*resampler.resample(frame), *resampler.resample(None)]]
    return np.concatenate(out)


def process_after_stop(path, meeting, options, home: Path, out: Path | None, t_stop: float):
    """What the window does after 停止: the processing job in a child (it decodes only what the live pass did
    not), then the documents. Returns the clock at result saved and documents written, stage starts."""
    from app.jobs import in_child, process_job, write_named_outputs
    from core.storage import Store

    store = home / "sanhui.db"
    Store(store).close()
    gen = in_child(process_job, path, meeting, options, store)
    stages: dict[str, float] = {}
    while True:
        try:
            event = next(gen)
        except StopIteration as done:
            result = done.value
            break
        if event is not None and getattr(event, "stage", None):
            stages.setdefault(event.stage, time.monotonic() - t_stop)
    t_processed = time.monotonic()
    print(f"停止 -> result saved {t_processed - t_stop:.1f} s", flush=True)
    out = out or home / "out"
    files = write_named_outputs(result, out)
    t_done = time.monotonic()
    (out / "result.json").write_text(files["result"].read_text(encoding="utf-8"), encoding="utf-8")
    return t_processed, t_done, stages, result, out


def after_stop(path: Path, meeting, options, home: Path, out: Path | None, seconds: float) -> None:
    from asr.recorder import recover_wav

    recover_wav(path)  # a replay cut off before stop() left the placeholder header; stop() writes the same
    t_stop = time.monotonic()
    t_processed, t_done, stages, result, out = process_after_stop(path, meeting, options, home, out, t_stop)
    print(f"after 停止 on {path}: -> result saved {t_processed - t_stop:.1f} s; -> documents written "
          f"{t_done - t_stop:.1f} s (stage starts: {', '.join(f'{k} {v:.1f}' for k, v in stages.items())}; "
          f"result timings: {', '.join(f'{k} {v:.1f}' for k, v in result.timings.items())})")
    print(f"STOP_TO_MINUTES {t_done - t_stop:.1f} s for {seconds / 60:.1f} min (after-stop only, without the "
          f"live child's stop); out {out}")


if __name__ == "__main__":
    main()
