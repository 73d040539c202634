"""Nothing leaves the machine unasked: the real commands run under strace, and any connection to the
network, or a name lookup, fails the test (a Python-level socket guard would miss native code such as
onnxruntime's telemetry client, the very one seen connecting)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_AUDIO, SAMPLE_META, write_wav

sys.path.insert(0, str(REPO / "installers"))  # scripts, not a package (as tests/installers does)
from net_trace import network_calls, trace_prefix  # noqa: E402

BIN = Path(sys.executable).parent
ROOT = REPO


def _home(tmp_path: Path, models: Path) -> Path:
    home = tmp_path / "sanhui"
    home.mkdir(exist_ok=True)
    if not (home / "models").exists():
        (home / "models").symlink_to(models, target_is_directory=True)  # the model is assembled once per run
    return home


def network_attempts(tmp_path: Path, models: Path, *command: str | Path, timeout: int = 600) -> tuple[list[str], str]:
    """Run command under strace -f; return the network syscalls it made and its stderr."""
    log = tmp_path / "strace.log"
    prefix = trace_prefix(log)
    if not prefix:
        pytest.fail("strace is missing: installers/system-deps.sh installs it for this test")
    # CI (set by the CI runner) also silences some libraries: drop it, so the check holds where users run it
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK", "CI")}
    env.update(HOME=str(tmp_path / "home"), SANHUI_HOME=str(_home(tmp_path, models)), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [*prefix, *map(str, command)],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return network_calls(log), proc.stderr


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> Path:
    from asr.decode import read_audio

    return write_wav(tmp_path_factory.mktemp("clip") / "clip.wav", read_audio(SAMPLE_AUDIO)[: 12 * 16000])


def test_process_makes_no_connection(tmp_path, short_clip, shared_models_dir):
    calls, _ = network_attempts(tmp_path, shared_models_dir, BIN / "sanhui", "process", short_clip, "--meta", SAMPLE_META,
                                "--out", tmp_path / "out")
    assert calls == []


def test_enroll_makes_no_connection(tmp_path, short_clip, shared_models_dir):
    calls, _ = network_attempts(tmp_path, shared_models_dir, BIN / "sanhui", "enroll", short_clip, "--name", "王建国", "--consent")
    assert calls == []


def test_window_makes_no_connection(tmp_path, shared_models_dir):
    calls, _ = network_attempts(tmp_path, shared_models_dir, BIN / "sanhui", "gui", "--smoke-test")
    assert calls == []


def test_the_check_sees_a_connection(tmp_path, shared_models_dir):
    """The guard can fail: a child that only resolves a name and connects is caught."""
    child = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\n"
    calls, _ = network_attempts(tmp_path, shared_models_dir, sys.executable, "-c", child)
    assert calls and "AF_INET" in calls[0]


def test_what_the_app_writes_is_private(tmp_path, short_clip, shared_models_dir):
    """Even under the common umask 022, the data folder is 0700 and every file in it or exported is 0600."""
    import stat

    out = tmp_path / "out"
    home = _home(tmp_path, shared_models_dir)
    env = {**os.environ, "SANHUI_HOME": str(home), "HOME": str(tmp_path / "home")}
    argv = ["process", str(short_clip), "--meta", str(SAMPLE_META), "--out", str(out)]
    script = f"import os, sys; os.umask(0o022); from app.cli import main; sys.exit(main({argv!r}))"
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=600, capture_output=True, cwd=ROOT)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    written = [p for p in home.rglob("*") if p.parts[len(home.parts)] != "models"]  # the shared fixture's
    assert any(p.name == "sanhui.db" for p in written) and list(out.iterdir())
    for path in [*written, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


LIVE = """
import sys
from core.offline import quiet_libraries
quiet_libraries()  # as sanhui and the window do at start, before the live job's child loads anything
from asr.live import follow_recording
texts = [t for t in follow_recording(sys.argv[1]) if t is not None]
assert texts, "no live text"
"""


def test_live_text_makes_no_connection(tmp_path, short_clip, shared_models_dir):
    """The live transcript beside a recording (asr.live, VAD and Whisper in the window's child), on a
    recording its recorder has closed (the sidecar says so), so the follower ends."""
    import json
    import shutil

    wav = shutil.copy(short_clip, tmp_path / "20261012-143005.wav")
    (tmp_path / "20261012-143005.wav.json").write_text(json.dumps({"state": "finished"}), encoding="utf-8")
    calls, _ = network_attempts(tmp_path, shared_models_dir, sys.executable, "-c", LIVE, wav, timeout=300)
    assert calls == []
