"""The recorder under disk faults: a full disk, short writes, a slow fsync, a kill, a name already taken.

Faults are injected into the recorder's own file object (write refuses or takes part of the data) and
into os.fsync (a sleep), with audio pushed through the very callback PortAudio calls.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
import sys
import time
import wave

import numpy as np
import pytest

from asr.recorder import HEADER_BYTES, FileStream, Recorder, recover_wav, unfinished_recordings
from tests.conftest import REPO
from tests.recorder.conftest import FillingDisk

RATE = 16000
BLOCK = 1600


def blocks(count: int, start: int = 0) -> list[np.ndarray]:
    """Blocks whose samples all differ, so a lost, repeated or shifted block shows."""
    return [(np.arange(BLOCK) + (start + i) * BLOCK).astype(np.int16) for i in range(count)]


def check_file(path, expected: np.ndarray) -> None:
    """The finished WAV holds exactly `expected`, and its RIFF and data sizes match the file's length."""
    size = path.stat().st_size
    head = path.read_bytes()[:HEADER_BYTES]
    riff, data_size = struct.unpack("<I", head[4:8])[0], struct.unpack("<I", head[40:44])[0]
    assert (riff, data_size) == (size - 8, size - HEADER_BYTES)
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    assert len(data) == len(expected) and np.array_equal(data, expected)
    assert json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))["state"] == "finished"


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_disk_full_keeps_audio_in_memory_and_resumes_when_space_returns(tmp_path, manual_device):
    rec = Recorder(tmp_path / "full.wav", samplerate=RATE, stream_factory=manual_device, retry_seconds=0.05)
    rec.start()
    disk = rec._file = FillingDisk(rec._file, space=10_001)  # odd: the last write it takes ends mid-frame
    dev = manual_device.made[0]
    first = blocks(40)
    for b in first:
        dev.push(b)
    assert wait_until(lambda: disk.refused >= 2)
    # Only what the disk took counts, the torn frame too: nothing more is claimed than is in the file.
    assert rec.bytes_written == 10_001 and rec.frames_written == 5000
    assert rec.path.stat().st_size == HEADER_BYTES + 10_001
    assert "磁盘已满" in rec.write_warning and rec.error is None
    second = blocks(60, start=40)  # the meeting goes on while the disk is full
    for b in second:
        dev.push(b)
    assert rec.backlog_seconds == pytest.approx((100 * BLOCK - 5000.5) / RATE)
    assert f"{rec.backlog_seconds:.0f} 秒" in rec.write_warning

    disk.space = None  # the secretary deleted some files
    assert rec.wait_written(100 * BLOCK, timeout=5)
    assert rec.write_warning == "" and rec.backlog_seconds == 0
    info = rec.stop()
    assert info.frames == 100 * BLOCK and info.dropped == 0 and rec.error is None
    check_file(rec.path, np.concatenate(first + second))
    assert unfinished_recordings(tmp_path) == []


def test_stop_while_the_disk_is_full_returns_at_once_and_finishes_later(tmp_path, manual_device):
    rec = Recorder(tmp_path / "late.wav", samplerate=RATE, stream_factory=manual_device, retry_seconds=0.05)
    rec.start()
    disk = rec._file = FillingDisk(rec._file, space=0)
    dev = manual_device.made[0]
    data = blocks(30)
    for b in data:
        dev.push(b)
    t0 = time.monotonic()
    rec.stop(timeout=0)
    assert time.monotonic() - t0 < 0.2
    assert rec.state == "stopping" and not rec.wait_finished(0.3)  # still retrying, the audio in memory
    assert "磁盘已满" in rec.write_warning and disk.refused >= 2
    disk.space = None
    assert rec.wait_finished(5)
    assert rec.state == "stopped" and rec.info().frames == 30 * BLOCK
    check_file(rec.path, np.concatenate(data))


def test_short_writes_lose_nothing(tmp_path, manual_device):
    rec = Recorder(tmp_path / "short.wav", samplerate=RATE, stream_factory=manual_device)
    rec.start()
    rec._file = FillingDisk(rec._file, chunk=999)  # odd, so most writes end mid-frame
    dev = manual_device.made[0]
    data = blocks(50)
    for b in data:
        dev.push(b)
    info = rec.stop()
    assert info.frames == 50 * BLOCK
    check_file(rec.path, np.concatenate(data))


def test_past_the_memory_budget_blocks_are_dropped_and_said_so(tmp_path, manual_device):
    rec = Recorder(tmp_path / "budget.wav", samplerate=RATE, stream_factory=manual_device, retry_seconds=0.05,
                   max_backlog_bytes=10 * BLOCK * 2)
    rec.start()
    disk = rec._file = FillingDisk(rec._file, space=0)
    dev = manual_device.made[0]
    data = blocks(30)
    for b in data:
        dev.push(b)
    assert rec.frames_dropped == 20 * BLOCK
    assert rec.error is not None and "丢失 2 秒" in str(rec.error)
    disk.space = None
    info = rec.stop()
    assert info.dropped == 20 * BLOCK and info.frames == 10 * BLOCK
    check_file(rec.path, np.concatenate(data[:10]))  # what memory held is all there, header included


def test_slow_fsync_batches_writes_and_stop_does_not_wait(tmp_path, monkeypatch):
    """A disk whose fsync takes 1.2 s: at most about one fsync a second, the backlog stays ~1 s, and
    stop() returns at once while the writer finishes in the background."""
    calls: list[float] = []
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        calls.append(time.monotonic())
        time.sleep(1.2)
        real_fsync(fd)

    seconds = 4
    pcm = (np.arange(seconds * RATE) % 20000 - 10000).astype(np.int16)
    rec = Recorder(tmp_path / "slow.wav", samplerate=RATE, blocksize=BLOCK,
                   stream_factory=functools.partial(FileStream, pcm, realtime=True))
    monkeypatch.setattr(os, "fsync", slow_fsync)
    t0 = time.monotonic()
    rec.start()
    assert rec._stream.wait(timeout=seconds + 5)
    assert rec.wait_written(len(pcm), timeout=2.0)  # the writer kept up: at most one fsync behind
    t1 = time.monotonic()
    rec.stop(timeout=0)
    assert time.monotonic() - t1 < 0.2
    assert rec.wait_finished(5)
    elapsed = time.monotonic() - t0
    # start's header fsync, then at most one per (interval + fsync), and the final one.
    assert len(calls) <= elapsed / 1.0 + 1, calls
    assert 0 < rec.max_backlog_seconds <= 1.6
    check_file(rec.path, pcm)


# The child records a ramp in real time with a 1.2 s fsync, then dies by SIGKILL mid-meeting.
KILLED_CHILD = """
import functools, os, signal, sys, time
import numpy as np
from asr.recorder import FileStream, Recorder
real_fsync = os.fsync
os.fsync = lambda fd: (time.sleep(1.2), real_fsync(fd))
path, seconds = sys.argv[1], float(sys.argv[2])
pcm = (np.arange(int(60 * 16000)) % 30000 - 15000).astype(np.int16)
rec = Recorder(path, samplerate=16000, blocksize=1600, stream_factory=functools.partial(FileStream, pcm, realtime=True))
rec.start()
while rec._stream.frames_fed < seconds * 16000:
    time.sleep(0.01)
print(rec._stream.frames_fed, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_with_a_slow_fsync_loses_at_most_about_a_second(tmp_path):
    path = tmp_path / "killed.wav"
    proc = subprocess.run([sys.executable, "-c", KILLED_CHILD, str(path), "5"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    fed = int(proc.stdout.split()[0])
    info = recover_wav(path)
    lost = (fed - info.frames) / RATE
    print(f"fed {fed / RATE:.1f} s, on disk {info.seconds:.1f} s, lost {lost:.2f} s")
    assert lost <= 2.0
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    assert np.array_equal(data, (np.arange(len(data)) % 30000 - 15000).astype(np.int16))


def test_a_recording_is_never_overwritten(tmp_path, manual_device):
    taken = tmp_path / "20261012-090000.wav"
    taken.write_bytes(b"the meeting being transcribed")
    (tmp_path / "20261012-090000-2.wav.json").write_text("{}", encoding="utf-8")  # a stale sidecar
    first = Recorder(taken, samplerate=RATE, stream_factory=manual_device)
    second = Recorder(taken, samplerate=RATE, stream_factory=manual_device)
    first.start()
    second.start()  # the same second, the same name
    assert first.path == tmp_path / "20261012-090000-3.wav"
    assert second.path == tmp_path / "20261012-090000-4.wav"
    manual_device.made[0].push(np.full(BLOCK, 1, dtype=np.int16))
    manual_device.made[1].push(np.full(BLOCK, 2, dtype=np.int16))
    first.stop()
    second.stop()
    assert taken.read_bytes() == b"the meeting being transcribed"
    check_file(first.path, np.full(BLOCK, 1, dtype=np.int16))
    check_file(second.path, np.full(BLOCK, 2, dtype=np.int16))


def test_the_file_is_created_exclusively(tmp_path, manual_device, monkeypatch):
    """Even a name that appears between the check and the open is never truncated: open is "xb"."""
    import builtins

    opened: list[str] = []
    real_open = builtins.open

    def spy(file, mode="r", *args, **kwargs):
        if str(file).endswith(".wav"):
            opened.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    rec = Recorder(tmp_path / "x.wav", samplerate=RATE, stream_factory=manual_device)
    rec.start()
    rec.stop()
    assert opened == ["xb"]
