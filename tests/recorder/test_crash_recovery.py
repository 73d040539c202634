"""A crash mid-recording loses nothing already handed to the writer; the next start repairs the file."""

from __future__ import annotations

import json
import subprocess
import sys
import wave

import numpy as np

from asr.recorder import HEADER_BYTES, recover_wav, unfinished_recordings
from tests.conftest import REPO, SAMPLE_AUDIO

RATE = 16000

# The child records the sample meeting through FileStream, waits until the writer has handed
# `frames` to the OS, then dies by SIGKILL: no stop(), no header fix-up, no Python clean-up.
CHILD = """
import functools, os, signal, sys
from asr.recorder import FileStream, Recorder
path, frames = sys.argv[1], int(sys.argv[2])
factory = functools.partial(FileStream, sys.argv[3], repeat_to=frames + 16000 * 30)
rec = Recorder(path, samplerate=16000, stream_factory=factory, blocksize=1600, meta={"title": "支委会"})
rec.start()
rec.add_marker("开始")
assert rec.wait_written(frames, timeout=120)
print(rec.frames_written, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_crash_then_recovery(tmp_path, sample_pcm):
    path = tmp_path / "meeting.wav"
    want = 90 * RATE
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(want), str(SAMPLE_AUDIO)],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == -9, proc.stderr
    written_before_crash = int(proc.stdout.split()[0])
    assert written_before_crash >= want

    # The header was never finalised: a plain WAV reader cannot trust it.
    assert path.read_bytes()[40:44] == b"\xff\xff\xff\xff"
    assert unfinished_recordings(tmp_path) == [path]
    sidecar = json.loads((tmp_path / "meeting.wav.json").read_text(encoding="utf-8"))
    assert sidecar["state"] == "recording" and sidecar["title"] == "支委会"

    info = recover_wav(path)
    assert info.frames >= written_before_crash  # nothing the writer had taken was lost
    assert [m.label for m in info.markers] == ["开始"]
    assert (path.stat().st_size - HEADER_BYTES) % 2 == 0
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == info.frames and w.getframerate() == RATE
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    expected = np.resize(sample_pcm, len(data))  # the source looped, as FileStream fed it
    assert np.array_equal(data, expected)
    assert unfinished_recordings(tmp_path) == []


def test_recovery_cuts_a_torn_last_frame(tmp_path):
    from asr.recorder import wav_header

    path = tmp_path / "torn.wav"
    path.write_bytes(wav_header(RATE, 2) + np.arange(1000, dtype=np.int16).tobytes() + b"\x01")
    info = recover_wav(path)
    assert info.frames == 500 and info.channels == 2
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == 500
