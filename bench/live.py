"""Live transcript cost and delay: the first N s of the sample meeting replayed in real time through the
recorder, with the live engine in a child process as the app runs it.

    .venv/bin/python bench/live.py [SECONDS]      # default 60

Prints every live line (F final, p provisional), then the delay from a region's end to its final text,
how far the text on screen lags the speech at each update, the child's CPU seconds per second of
audio and its peak RSS.
"""

from __future__ import annotations

import functools
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

# Run as a script, this file's folder comes first on sys.path and bench/asr.py would shadow the asr
# package: drop it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from app.jobs import in_child  # noqa: E402
from asr.decode import read_audio  # noqa: E402
from asr.live import follow_recording  # noqa: E402
from asr.recorder import FileStream, Recorder  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "sample_meeting.ogg"


def main(seconds: float) -> None:
    audio = read_audio(SAMPLE)[: int(seconds * 16000)]
    pcm = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
    path = Path(tempfile.mkdtemp(prefix="sanhui-live-")) / "live.wav"
    recorder = Recorder(
        path, samplerate=16000, stream_factory=functools.partial(FileStream, pcm, realtime=True)
    )
    t0 = time.monotonic()
    recorder.start()
    threading.Thread(target=lambda: (recorder._stream.wait(), recorder.stop())).start()
    delays: list[float] = []  # a region's end on disk -> its final text
    lags: list[float] = []  # any text shown -> how long ago the newest speech in it was said
    first = None
    for item in in_child(follow_recording, path, "base"):
        if item is None:  # heartbeat
            continue
        t = time.monotonic() - t0
        first = t if first is None else first
        if item.final:
            delays.append(t - item.end)
        if item.text:
            lags.append(t - item.end)
        print(f"{t:6.1f} {'F' if item.final else 'p'} {item.start:6.1f}-{item.end:6.1f} {item.text}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"audio {seconds:.0f} s; first text at {first or 0:.1f} s (child start and model load included); "
        f"final delay median {np.median(delays):.2f} s, p90 {np.percentile(delays, 90):.2f} s, max {max(delays):.2f} s over {len(delays)} regions; "
        f"text on screen lags speech: median {np.median(lags):.2f} s, p90 {np.percentile(lags, 90):.2f} s over {len(lags)} updates; "
        f"child CPU {cpu:.1f} s = {cpu / seconds:.2f} CPU-s per audio s; child peak RSS {usage.ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
