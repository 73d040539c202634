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


def test_dist_check_probes_the_app_with_the_flag(tmp_path, monkeypatch):
    """installers/dist_check.check_gui on a stand-in for the frozen `sanhui` (this checkout's CLI):
    offscreen, and on Xvfb with the xcb plugin where Xvfb is installed."""
    import shutil

    monkeypatch.syspath_prepend(str(REPO / "installers"))
    import dist_check

    exe = tmp_path / "sanhui"
    exe.write_text(f'#!/bin/sh\ncd "{REPO}" && exec "{sys.executable}" -m app.cli "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {**dist_check.bare_env(home), "SANHUI_HOME": str(home / "data")}
    old = tmp_path / "old-sanhui"  # a build from before the flag: reported, not silently skipped
    old.write_text('#!/bin/sh\necho "usage: sanhui gui [-h]"\n', encoding="utf-8")
    old.chmod(0o755)
    assert "no `sanhui gui --smoke-test`" in dist_check.check_gui(old, env, offline=[])[0]
    if shutil.which("Xvfb"):
        assert dist_check.smoke_on_xvfb(exe, env, offline=[]) is None
    assert dist_check.check_gui(exe, env, offline=[]) == []


def test_the_real_window_on_xvfb_fits_a_laptop_screen_and_draws_chinese(tmp_path, sanhui_home, monkeypatch):
    """The window a secretary sees on X11 (the xcb plugin and its system libraries, not offscreen) on a
    1366×768 laptop: it starts, fits, and the screenshot has text drawn in a font with Chinese glyphs."""
    import shutil

    from PySide6.QtGui import QImage

    assert shutil.which("Xvfb"), "Xvfb is missing: installers/system-deps.sh installs it"
    monkeypatch.syspath_prepend(str(REPO / "installers"))  # scripts, not a package
    from dist_check import xvfb_display

    with xvfb_display("1366x768x24") as display:
        assert display, "Xvfb did not start"
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env["DISPLAY"] = display
        shot = tmp_path / "window.png"
        proc = subprocess.run([sys.executable, "-m", "app.cli", "gui", "--smoke-test", "--screenshot", str(shot)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert "平台 xcb" in proc.stdout
    image = QImage(str(shot))
    assert image.width() <= 1366 and image.height() <= 768
    dark = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 500, f"{dark} dark pixels: no text drawn?"
    if os.environ.get("SANHUI_SCREENSHOTS"):
        shutil.copy(shot, REPO / "docs" / "screenshots" / "window-xcb-1366x768.png")


def test_without_a_display_the_window_says_so_in_chinese(sanhui_home):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "gui"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("错误：没有找到图形桌面") and len(proc.stderr.strip().splitlines()) == 1
