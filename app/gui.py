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


def _load_chinese_translations(app) -> None:
    """Qt's own dialogs and context menus (文件名, 打开, 取消, 撤销/剪切/复制/粘贴) in Simplified Chinese:
    the translations ship with PySide6 (and with the bundle, installers/bundle.py)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    app._translators = []  # kept alive with the app: Qt holds no reference
    for name in ("qtbase_zh_CN", "qtmultimedia_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app._translators.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)


def make_app(argv: list[str] | None = None):
    """The QApplication with font, Chinese translations, style and high-DPI settings (reused by tests)."""
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
    if not getattr(app, "_translators", None):
        _load_chinese_translations(app)
    app.setStyleSheet(STYLE)
    return app


# What Qt's xcb platform plugin loads (installers/debian-packages.txt installs them); without one of
# them Qt aborts with an English message and exit 134.
_XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0", "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0", "xcb-randr": "libxcb-randr0",
}


def display_problem() -> str | None:
    """Why the window cannot open here, in one Chinese line; None when it can."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return "没有找到图形桌面（未设置 DISPLAY），无法打开窗口；请在桌面环境中启动，或改用命令行：sanhui process 录音文件 --out 输出文件夹"
    if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        import ctypes.util

        missing = [package for library, package in _XCB_LIBRARIES.items() if not ctypes.util.find_library(library)]
        if missing and not getattr(sys, "frozen", False):  # the frozen .deb depends on them
            return "缺少图形界面所需的系统库，请先安装：sudo apt install " + " ".join(missing)
    return None


def _no_display() -> bool:
    """Linux without an X11 or Wayland session (a build server, CI): Qt's default platform would abort."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def smoke_test(timeout_s: float = 60.0, screenshot: Path | None = None) -> int:
    """Start the main window, process events until it is shown and painted, print one line, exit.

    Used by installers/dist_check.py on the frozen app: it proves the Qt platform plugin, the fonts
    and every module the window imports are in the bundle, without a user or a modal box. Fails
    when the window does not fit the screen or the font has no Chinese glyphs; screenshot saves
    what was painted.
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
    problems = [] if shown["ok"] else [f"{timeout_s:.0f} 秒内主窗口没有显示"]
    if shown["ok"]:
        problems += _window_problems(window, platform)
        if screenshot is not None:
            window.grab().save(str(screenshot))
    window.close()
    app.processEvents()
    if problems:
        print(f"GUI 自检失败：{'；'.join(problems)}（平台 {platform}）。", file=sys.stderr)
        return 1
    print(f"GUI 自检通过：主窗口“{window.windowTitle()}”已显示（平台 {platform}，用时 {seconds:.1f} 秒，"
          f"{window.frameGeometry().width()}×{window.frameGeometry().height()}，字体 {app.font().family()}）")
    return 0


def _window_problems(window, platform: str) -> list[str]:
    """What a user would see wrong at once: Chinese drawn as boxes, the window larger than the screen."""
    from PySide6.QtGui import QFontMetrics

    problems = []
    metrics = QFontMetrics(window.font())
    if not all(metrics.inFontUcs4(ord(ch)) for ch in "三会一课会议助手"):
        problems.append(f"字体“{window.font().family()}”没有汉字字形，中文会显示为方框")
    screen = window.screen().availableGeometry() if window.screen() else None
    if screen is not None and platform != "offscreen":
        frame = window.frameGeometry()
        if frame.width() > screen.width() or frame.height() > screen.height():
            problems.append(f"窗口 {frame.width()}×{frame.height()} 超出屏幕可用区域 {screen.width()}×{screen.height()}")
    return problems


def main(argv: list[str] | None = None) -> int:
    quiet_libraries()  # before any library loads (core/offline.py)
    paths.private_files()  # meetings and voiceprints are personal data (core/paths.py)
    import multiprocessing

    from PySide6.QtCore import QTimer

    multiprocessing.freeze_support()  # processing runs in spawned children (app.jobs), also when frozen

    from app.ui.main_window import MainWindow

    problem = display_problem()
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    app = make_app(argv)
    window = MainWindow()
    window.show()
    QTimer.singleShot(0, window.check_unfinished_recordings)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
