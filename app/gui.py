"""Start the desktop application: `sanhui gui` or `python -m app.gui`."""

from __future__ import annotations

import logging
import os
import sys
from importlib import resources
from pathlib import Path

from core import paths
from core.offline import quiet_libraries

log = logging.getLogger(__name__)

STYLE = """
QPushButton#primary, QPushButton#record { background: #c62828; color: white; padding: 6px 14px; border-radius: 4px; }
QPushButton#primary:disabled, QPushButton#record:disabled { background: #e0a0a0; }
QGroupBox { font-weight: bold; }
"""


def _load_cjk_font(app) -> None:
    """Use the bundled WenQuanYi Micro Hei so Chinese renders on a bare system too."""
    from PySide6.QtGui import QFont, QFontDatabase

    try:
        font_dir = Path(str(resources.files("resources") / "fonts"))
        for path in sorted(font_dir.glob("*.tt[cf]")):
            QFontDatabase.addApplicationFont(str(path))
    except (OSError, ModuleNotFoundError) as exc:
        log.warning("bundled fonts unavailable: %s", exc)
    families = set(QFontDatabase.families())
    for family in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"):
        if family in families:
            font = QFont(family)
            font.setPointSize(max(app.font().pointSize(), 10))
            app.setFont(font)
            return


def make_app(argv: list[str] | None = None):
    """The QApplication with font, style and high-DPI settings (reused by tests)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("三会一课会议助手")
    app.setOrganizationName("sanhui")
    _load_cjk_font(app)
    app.setStyleSheet(STYLE)
    return app


def _no_display() -> bool:
    """Linux without an X11 or Wayland session (a build server, CI): Qt's default platform would abort."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def smoke_test(timeout_s: float = 60.0) -> int:
    """Start the main window, process events until it is shown and painted, print one line, exit.

    Used by installers/dist_check.py on the frozen app: it proves the Qt platform plugin, the fonts
    and every module the window imports are in the bundle, without a user or a modal box.
    """
    import time

    if _no_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from app.ui.main_window import MainWindow

    t0 = time.perf_counter()
    app = make_app(sys.argv[:1])
    window = MainWindow()
    window.setProperty("quiet_errors", True)
    window.show()
    loop = QEventLoop()
    shown = {"ok": False}

    def check():
        handle = window.windowHandle()
        if window.isVisible() and handle is not None and handle.isExposed() and not window.grab().isNull():
            shown["ok"] = True
            loop.quit()

    poll = QTimer(interval=20)
    poll.timeout.connect(check)
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()
    seconds = time.perf_counter() - t0
    platform = QGuiApplication.platformName()
    window.close()
    app.processEvents()
    if not shown["ok"]:
        print(f"GUI 自检失败：{timeout_s:.0f} 秒内主窗口没有显示（平台 {platform}）。", file=sys.stderr)
        return 1
    print(f"GUI 自检通过：主窗口“{window.windowTitle()}”已显示（平台 {platform}，用时 {seconds:.1f} 秒）")
    return 0


def main(argv: list[str] | None = None) -> int:
    quiet_libraries()  # before any library loads (core/offline.py)
    paths.private_files()  # meetings and voiceprints are personal data (core/paths.py)
    import multiprocessing

    from PySide6.QtCore import QTimer

    multiprocessing.freeze_support()  # processing runs in spawned children (app.jobs), also when frozen

    from app.ui.main_window import MainWindow

    app = make_app(argv)
    window = MainWindow()
    window.show()
    QTimer.singleShot(0, window.check_unfinished_recordings)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
