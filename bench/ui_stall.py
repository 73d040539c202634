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


CORPUS = REPO.parent / "shared" / "corpus"


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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--corpus", action="store_true", help="loop the corpus meetings (real voices) instead of the sample")
    ap.add_argument("--audio", type=Path, help="process this recording as it is")
    ap.add_argument("--record", type=float, default=0.0, help="record this many seconds first (real time)")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sanhui-stall-"))
    os.environ.setdefault("SANHUI_HOME", str(home))

    from PySide6.QtCore import QTimer

    from app.gui import make_app
    from app.ui.main_window import MainWindow
    from core.result import load_meta

    app = make_app([])
    if args.audio:
        audio = args.audio
    else:
        sources = sorted((CORPUS / "synthetic").glob("m0[0-9].wav")) + sorted((CORPUS / "synthetic").glob("m0[0-9].m4a"))
        if args.corpus and not sources:
            ap.error(f"no corpus meetings under {CORPUS / 'synthetic'}")
        audio = long_wav(args.minutes, home / "long.wav", sources if args.corpus else None)
    with wave.open(str(audio), "rb") as w:
        args.minutes = w.getnframes() / w.getframerate() / 60
    factory = None
    if args.record:
        import functools

        from asr.decode import read_audio
        from asr.recorder import FileStream

        pcm = np.clip(read_audio(audio)[: int(args.record * 16000)] * 32767, -32768, 32767).astype(np.int16)
        factory = functools.partial(FileStream, pcm, realtime=True)
    window = MainWindow(stream_factory=factory)
    window.setProperty("quiet_errors", True)
    window.show()
    window.begin_meeting(load_meta(REPO / "resources/sample/sample_meeting.meta.json"))
    queue = [0]

    worst, worst_stage, last, stage = [0.0], [""], [time.perf_counter()], ["start"]
    # The UI thread's own CPU time across the worst gap tells "busy in our code" (CPU ~ gap) from
    # "not scheduled" (CPU ~ 0: other processes had the cores).
    last_cpu, worst_cpu, over_100, busy, ticks = [time.thread_time()], [0.0], [0], [0.0], [0]
    stage_start: dict[str, float] = {}

    def tick():
        now, cpu = time.perf_counter(), time.thread_time()
        gap = now - last[0] - 0.010
        if gap > worst[0]:
            worst[0], worst_stage[0], worst_cpu[0] = gap, stage[0], cpu - last_cpu[0]
        over_100[0] += gap > 0.1
        busy[0] = max(busy[0], cpu - last_cpu[0])
        last[0], last_cpu[0] = now, cpu
        ticks[0] += 1

    def on_progress(event):
        if event.stage != stage[0]:
            stage[0] = event.stage
            stage_start[event.stage] = time.perf_counter()

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    t0 = time.perf_counter()
    timer.start()

    def observe(worker):  # connected before the worker starts, so no early signal is missed
        worker.signals.progress.connect(on_progress)
        worker.signals.done.connect(app.quit)

    window.processing_started.connect(observe)
    if args.record:
        window.capture.live_enabled = True  # a test source leaves it off unless asked
        window.act_record.trigger()
        stage[0] = "recording"
        recorder = window.capture.recorder

        def watch():
            queue[0] = max(queue[0], recorder.backlog_seconds)
            if recorder._stream.finished.is_set() and window.capture.recording:
                stage[0] = "stop"
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
    print(f"worst event-loop stall: {worst[0] * 1000:.0f} ms (during stage '{worst_stage[0]}'; UI thread CPU in "
          f"that gap {worst_cpu[0] * 1000:.0f} ms); gaps over 100 ms: {over_100[0]}; load average {os.getloadavg()[0]:.1f}")
    print(f"longest stretch the UI thread itself was busy between two ticks: {busy[0] * 1000:.0f} ms; "
          f"{ticks[0]} ticks in {total:.0f} s")
    if args.record:
        print(f"recorded {args.record:.0f} s with the live pass; recorder queue at most {queue[0]:.2f} s of audio")
    marks = sorted(stage_start.items(), key=lambda kv: kv[1])
    for (name, start), nxt in zip(marks, [*marks[1:], ("end", t0 + total)], strict=True):
        print(f"  {name:<10} {nxt[1] - start:7.1f} s")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
