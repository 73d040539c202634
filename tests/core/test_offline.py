"""No library keeps a device id or uploads events: checked in a child process with an empty home."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
from core.offline import quiet_libraries
quiet_libraries()
from asr.regions import speech_regions
import numpy as np
speech_regions(np.zeros(16000, dtype=np.float32))
"""


def test_onnxruntime_keeps_no_telemetry_state(tmp_path):
    # CI (set by the CI runner) also silences onnxruntime: drop it, so the check holds where users run it
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK", "CI")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"), PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    subprocess.run([sys.executable, "-c", CHILD], env=env, check=True, timeout=120)
    assert not list(tmp_path.rglob("onnxruntime.db")) and not list(tmp_path.rglob("deviceid"))


def test_without_the_switch_onnxruntime_would_keep_it(tmp_path):
    """The check above can fail: the same child without quiet_libraries() leaves the telemetry store behind."""
    # CI (set by the CI runner) also silences onnxruntime: drop it, so the check holds where users run it
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK", "CI")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"), PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    child = "import onnxruntime as ort\nfrom faster_whisper.vad import get_vad_model\nget_vad_model()\n"
    subprocess.run([sys.executable, "-c", child], env=env, check=True, timeout=120)
    if not list(tmp_path.rglob("deviceid")):
        pytest.skip("this onnxruntime keeps no telemetry state at all")
