"""The recorder under disk faults, in figures.

    .venv/bin/python bench/recorder_faults.py [--kills 5] [--hours 3] [--fsync 1.2]

1. Kill: a child records a ramp in real time through FileStream with an fsync that takes FSYNC s,
   and dies by SIGKILL at a different moment each time; the file is recovered as the next start
   does. Prints the seconds lost per kill (fed by the device minus recovered).
2. stop() with that slow fsync: how long the call takes (timeout=0, as the window calls it) and how
   long until the writer has finished the file in the background.
3. HOURS of audio fed through the callback as fast as it takes it (far faster than real time), with
   the slow fsync and, in the middle, a disk that is full for 2 s (writes refused with ENOSPC after a
   short write): samples dropped, samples on disk compared with the ramp fed, the header against the
   file's length, the largest backlog in memory, the number of fsyncs.
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path and bench/asr.py would shadow the asr package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))

from asr.recorder import HEADER_BYTES, FileStream, Recorder, recover_wav  # noqa: E402

_REAL_FSYNC = os.fsync
RATE = 16000
RAMP = 30000  # the source: (i % RAMP) - RAMP // 2, so any lost or shifted sample shows


def ramp(start: int, count: int) -> np.ndarray:
    return ((np.arange(start, start + count) % RAMP) - RAMP // 2).astype(np.int16)


KILL_CHILD = """
import functools, os, signal, sys, time
import numpy as np
sys.path.insert(0, sys.argv[4])
from asr.recorder import FileStream, Recorder
real_fsync = os.fsync
delay = float(sys.argv[3])
os.fsync = lambda fd: (time.sleep(delay), real_fsync(fd))
path, seconds = sys.argv[1], float(sys.argv[2])
pcm = ((np.arange(int((seconds + 30) * 16000)) % 30000) - 15000).astype(np.int16)
rec = Recorder(path, samplerate=16000, blocksize=1600, stream_factory=functools.partial(FileStream, pcm, realtime=True))
rec.start()
while rec._stream.frames_fed < seconds * 16000:
    time.sleep(0.005)
print(rec._stream.frames_fed, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def slow_fsync(delay: float):
    real = os.fsync
    count = [0]

    def fsync(fd: int) -> None:
        count[0] += 1
        time.sleep(delay)
        real(fd)

    fsync.count = count
    return fsync


def bench_kills(kills: int, delay: float, folder: Path) -> None:
    lost = []
    for k in range(kills):
        path = folder / f"kill{k}.wav"
        seconds = 4.0 + k * 0.37  # a different phase of the fsync cycle each time
        proc = subprocess.run([sys.executable, "-c", KILL_CHILD, str(path), str(seconds), str(delay), str(REPO)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == -9, proc.stderr
        fed = int(proc.stdout.split()[0])
        info = recover_wav(path)
        data = np.fromfile(path, dtype=np.int16, offset=HEADER_BYTES)
        assert np.array_equal(data, ramp(0, len(data))), "recovered audio differs from what was fed"
        lost.append((fed - info.frames) / RATE)
        path.unlink()
    print(f"kill -9 with a {delay:.1f} s fsync, {kills} kills: seconds lost per kill "
          f"{', '.join(f'{x:.2f}' for x in lost)} (max {max(lost):.2f}, mean {np.mean(lost):.2f})", flush=True)


def bench_stop(delay: float, folder: Path) -> None:
    os.fsync = slow_fsync(delay)
    try:
        path = folder / "stop.wav"
        rec = Recorder(path, samplerate=RATE, blocksize=1600,
                       stream_factory=functools.partial(FileStream, ramp(0, 4 * RATE), realtime=True))
        rec.start()
        rec._stream.wait()
        t0 = time.monotonic()
        rec.stop(timeout=0)
        returned = time.monotonic() - t0
        rec.wait_finished()
        finished = time.monotonic() - t0
        assert rec.info().frames == 4 * RATE
        path.unlink()
    finally:
        os.fsync = _REAL_FSYNC
    print(f"4 s recorded in real time with a {delay:.1f} s fsync: max backlog {rec.max_backlog_seconds:.2f} s, "
          f"{rec.fsyncs} fsyncs; stop() returns in {returned * 1000:.1f} ms, the file is final "
          f"{finished:.2f} s later (in the writer thread)", flush=True)


class FullForAWhile:
    """The recorder's file: after `at` bytes the disk is full (a short write, then ENOSPC) for `seconds`."""

    def __init__(self, real, at: int, seconds: float):
        self.real, self.at, self.seconds = real, at, seconds
        self.full_until: float | None = None
        self.refused = 0

    def write(self, data) -> int:
        pos = self.real.tell()
        if self.full_until is None and pos + len(data) > self.at:
            self.full_until = time.monotonic() + self.seconds
            return self.real.write(bytes(data[: max(1, self.at - pos) | 1]))  # odd: ends mid-frame
        if self.full_until is not None and time.monotonic() < self.full_until:
            self.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def bench_long(hours: float, delay: float, folder: Path) -> None:
    total = int(hours * 3600 * RATE)
    source = ramp(0, RAMP * 100)  # a multiple of the ramp's period, so looping it continues the ramp
    path = folder / "long.wav"
    fsync = slow_fsync(delay)
    os.fsync = fsync
    try:
        rec = Recorder(path, samplerate=RATE, blocksize=1600, retry_seconds=0.5,
                       stream_factory=functools.partial(FileStream, source, repeat_to=total))
        t0 = time.monotonic()
        rec.start()
        # Full once half the data is written (2 bytes a frame), for 2 s.
        disk = rec._file = FullForAWhile(rec._file, at=HEADER_BYTES + total, seconds=2.0)
        stream = rec._stream
        stream.wait()
        fed_in = time.monotonic() - t0
        rec.stop()
        wall = time.monotonic() - t0
    finally:
        os.fsync = _REAL_FSYNC
    info = rec.info()
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(HEADER_BYTES)
    riff, data_size = struct.unpack("<I", head[4:8])[0], struct.unpack("<I", head[40:44])[0]
    data = np.memmap(path, dtype=np.int16, mode="r", offset=HEADER_BYTES)
    mismatch = 0
    step = RAMP * 1000
    for start in range(0, len(data), step):
        chunk = np.asarray(data[start:start + step])
        mismatch += int(np.count_nonzero(chunk != ramp(start, len(chunk))))
    del data
    path.unlink()
    peak_mb = rec.max_backlog_seconds * RATE * 2 / 2**20
    print(f"{hours:g} h fed through the callback in {fed_in:.1f} s ({hours * 3600 / fed_in:.0f}x real time), "
          f"{delay:.1f} s fsync, disk full for 2 s half way ({disk.refused} writes refused): "
          f"dropped {stream.frames_fed - info.frames} samples (recorder: {info.dropped}), "
          f"{mismatch} samples differ from the source; header {'matches' if (riff, data_size) == (size - 8, size - HEADER_BYTES) else 'DOES NOT MATCH'} "
          f"the file; max backlog {rec.max_backlog_seconds:.0f} s of audio = {peak_mb:.0f} MB "
          f"(budget {rec.max_backlog_bytes / 2**20:.0f} MB); {fsync.count[0]} fsyncs in {wall:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--fsync", type=float, default=1.2, help="seconds each fsync takes")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sanhui-recfaults-"))
    bench_kills(args.kills, args.fsync, folder)
    bench_stop(args.fsync, folder)
    bench_long(args.hours, args.fsync, folder)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
