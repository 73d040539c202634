"""Start the desktop application: `sanhui gui` or `python -m app.gui`."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
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
