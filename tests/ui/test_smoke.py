"""`sanhui gui --smoke-test`, the probe installers/dist_check.py runs on the frozen app."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_gui_smoke_test_shows_the_window_and_exits(sanhui_home):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "gui", "--smoke-test"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert "主窗口" in proc.stdout and "已显示" in proc.stdout
    if sys.platform.startswith("linux"):
        assert "offscreen" in proc.stdout  # no display: it chose the offscreen platform by itself
