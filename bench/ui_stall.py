"""Worst event-loop stall of the real main window while it processes a long meeting.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_stall.py [--minutes 60] [--corpus | --audio FILE]
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_stall.py --record 180 --corpus

Builds a meeting of the requested length by looping the sample recording (or, with --corpus, the
corpus meetings of ../shared/corpus/synthetic, written to /tmp), starts processing in the
window exactly as the 导入录音 button does, and ticks a 10 ms QTimer on the UI thread throughout;
prints the worst gap between ticks (over the 10 ms) and how long each stage took. --record SECONDS
records that much of the meeting first, replayed in real time through the recorder's callback with the
live full pass beside it (asr.incremental, as the window runs it), then stops and processes: the
stall figure then covers the recording, the stop and the processing, and the recorder's largest
queue (blocks received, not yet written) is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.corpus_paths import CORPUS  # noqa: E402  (after the path is set)


def long_wav(minutes: float, out: Path, sources: list[Path] | None = None) -> Path:
    """A 16 kHz mono WAV of `minutes`, the sources (default: the sample meeting) played back to back in a loop."""
    from asr.decode import read_audio

    sources = sources or [REPO / "resources/sample/sample_meeting.ogg"]
    pcm = np.concatenate([np.clip(read_audio(p) * 32767, -32768, 32767).astype(np.int16) for p in sources])
    total = int(minutes * 60 * 16000)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        written = 0
        while written < total:
            chunk = pcm[: total - written]
            w.writeframes(chunk.tobytes())
            written += len(chunk)
    return out


class StallMeter:
    """Ticks of a 10 ms timer on the UI thread: the worst gap between two, and the UI thread's own CPU time
    across it, which tells "busy in our code" (CPU ~ gap) from "not scheduled" (CPU ~ 0: other processes
    had the cores)."""

    def __init__(self) -> None:
        self.worst, self.worst_stage, self.worst_cpu = 0.0, "", 0.0
        self.stage, self.over_100, self.busy, self.ticks = "start", 0, 0.0, 0
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()

    def tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = now - self.last - 0.010
        if gap > self.worst:
            self.worst, self.worst_stage, self.worst_cpu = gap, self.stage, cpu - self.last_cpu
        self.over_100 += gap > 0.1
        self.busy = max(self.busy, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu
        self.ticks += 1


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--corpus", action="store_true", help="loop the corpus meetings (real voices) instead of the sample")
    ap.add_argument("--audio", type=Path, help="process this recording as it is")
    ap.add_argument("--record", type=float, default=0.0, help="record this many seconds first (real time)")
    args = ap.parse_args()
    if args.corpus and not args.audio and not _sources():
        ap.error(f"no corpus meetings under {CORPUS / 'synthetic'}")
    return args


def _sources() -> list[Path]:
    return sorted((CORPUS / "synthetic").glob("m0[0-9].wav")) + sorted((CORPUS / "synthetic").glob("m0[0-9].m4a"))


def _replay(audio: Path, seconds: float):
    """A microphone that plays the first `seconds` of `audio` in real time through the recorder's callback."""
    import functools

    from asr.decode import read_audio
    from asr.recorder import FileStream

    pcm = np.clip(read_audio(audio)[: int(seconds * 16000)] * 32767, -32768, 32767).astype(np.int16)
    return functools.partial(FileStream, pcm, realtime=True)


def main() -> int:
    args = _args()
    home = Path(tempfile.mkdtemp(prefix="sanhui-stall-"))
    os.environ.setdefault("SANHUI_HOME", str(home))

    from PySide6.QtCore import QTimer

    from app.gui import make_app
    from app.ui.main_window import MainWindow
    from core.result import load_meta

    app = make_app([])
    audio = args.audio or long_wav(args.minutes, home / "long.wav", _sources() if args.corpus else None)
    with wave.open(str(audio), "rb") as w:
        args.minutes = w.getnframes() / w.getframerate() / 60
    factory = _replay(audio, args.record) if args.record else None
    window = MainWindow(stream_factory=factory)
    window.setProperty("quiet_errors", True)
    window.show()
    window.begin_meeting(load_meta(REPO / "resources/sample/sample_meeting.meta.json"))
    queue = [0]

    meter = StallMeter()
    stage_start: dict[str, float] = {}

    def on_progress(event):
        if event.stage != meter.stage:
            meter.stage = event.stage
            stage_start[event.stage] = time.perf_counter()

    timer = QTimer(interval=10)
    timer.timeout.connect(meter.tick)
    t0 = time.perf_counter()
    timer.start()

    def observe(worker):  # connected before the worker starts, so no early signal is missed
        worker.signals.progress.connect(on_progress)
        worker.signals.done.connect(app.quit)

    window.processing_started.connect(observe)
    if args.record:
        window.capture.live_enabled = True  # a test source leaves it off unless asked
        window.act_record.trigger()
        meter.stage = "recording"
        recorder = window.capture.recorder

        def watch():
            queue[0] = max(queue[0], recorder.backlog_seconds)
            if recorder._stream.finished.is_set() and window.capture.recording:
                meter.stage = "stop"
                window.capture.stop_recording()  # then processing starts as after 停止

        watcher = QTimer(interval=200)
        watcher.timeout.connect(watch)
        watcher.start()
    else:
        window.start_processing(audio)
    app.exec()
    timer.stop()
    total = time.perf_counter() - t0
    segments = len(window.result.segments) if window.result else 0
    print(f"audio {args.minutes:.0f} min, processed in {total:.0f} s, {segments} segments, error: {window.last_error or '-'}")
    print(f"worst event-loop stall: {meter.worst * 1000:.0f} ms (during stage '{meter.worst_stage}'; UI thread CPU in "
          f"that gap {meter.worst_cpu * 1000:.0f} ms); gaps over 100 ms: {meter.over_100}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"longest stretch the UI thread itself was busy between two ticks: {meter.busy * 1000:.0f} ms; "
          f"{meter.ticks} ticks in {total:.0f} s")
    if args.record:
        print(f"recorded {args.record:.0f} s with the live pass; recorder queue at most {queue[0]:.2f} s of audio")
    marks = sorted(stage_start.items(), key=lambda kv: kv[1])
    for (name, start), nxt in zip(marks, [*marks[1:], ("end", t0 + total)], strict=True):
        print(f"  {name:<10} {nxt[1] - start:7.1f} s")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
