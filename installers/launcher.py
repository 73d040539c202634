"""Entry script of the frozen app: the same `sanhui` command as the venv's console script.

The GUI executable built on Windows and macOS (no console window) starts the window when given no
command, so a double-click opens the app; `sanhui` with no command keeps printing its usage.
"""

import multiprocessing
import os
import sys


def _run() -> int:
    from app.cli import main

    argv = sys.argv[1:]
    gui_only = os.path.splitext(os.path.basename(sys.executable))[0].lower().endswith("-gui")
    if gui_only and not argv:
        argv = ["gui"]
    return main(argv)


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a spawned model worker re-enters here; this runs it instead of main
    sys.exit(_run())
