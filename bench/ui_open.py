"""How long the main window takes to show a long processed meeting, and to save an edit in it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_open.py [--segments 2000] [--result result.json]

Takes a real result.json (default: `sanhui process` on the bundled sample meeting, in a temporary
folder) and repeats its sentences, one after the other, until the meeting has --segments of them
(2,000 is about a 2-hour meeting), stores it in a fresh database, then opens it in the real main
window. Prints the wall time and the UI thread's CPU time for open + first paint, and for saving an
edit (which must happen off the UI thread). Target (issue 7): transcript shown in under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path; the repository must come first.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.result import result_from_dict  # noqa: E402
from core.types import Result  # noqa: E402


def sample_result(workdir: Path) -> Path:
    out = workdir / "sample"
    subprocess.run([sys.executable, "-m", "app.cli", "process", str(REPO / "resources/sample/sample_meeting.ogg"),
                    "--meta", str(REPO / "resources/sample/sample_meeting.meta.json"), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out / "result.json"


def stretched(result: Result, n: int) -> Result:
    """The meeting's sentences repeated back to back until there are n of them."""
    base = result.segments
    span = max(s.end for s in base) + 1.0
    segments = [replace(base[i % len(base)], start=base[i % len(base)].start + (i // len(base)) * span,
                        end=base[i % len(base)].end + (i // len(base)) * span) for i in range(n)]
    return replace(result, segments=segments, duration=segments[-1].end + 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--result", type=Path, help="a result.json to stretch (default: process the sample)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sanhui-ui-open-"))
    os.environ["SANHUI_HOME"] = str(workdir / "home")
    source = args.result or sample_result(workdir)
    result = stretched(result_from_dict(json.loads(source.read_text(encoding="utf-8"))), args.segments)

    from PySide6.QtWidgets import QApplication

    from app.gui import make_app
    from app.ui.main_window import MainWindow
    from core.storage import Store

    app = make_app([])
    store = Store()
    meeting_id = store.save_result(result)
    window = MainWindow(store=store)
    window.show()
    app.processEvents()

    t0, c0 = time.perf_counter(), time.thread_time()
    window.open_meeting(meeting_id)
    window.transcript.table.viewport().repaint()  # layout and paint, not just the model reset
    opened, opened_cpu = time.perf_counter() - t0, time.thread_time() - c0
    rows = window.transcript.model.rowCount()

    model = window.transcript.model
    model.setData(model.index(rows - 1, model.TEXT), "最后一句已校对。")
    t0, c0 = time.perf_counter(), time.thread_time()
    window.transcript.flush()
    flushed, flushed_cpu = time.perf_counter() - t0, time.thread_time() - c0
    while window.save_worker is not None or window._save_again:
        app.processEvents()
        time.sleep(0.01)
    saved = store.load_result(meeting_id).segments[-1].text == "最后一句已校对。"
    window.close()
    store.close()
    QApplication.processEvents()

    print(f"meeting: {rows} segments, {result.duration / 3600:.1f} h (from {source})")
    print(f"open + first paint: {opened * 1000:.0f} ms wall, {opened_cpu * 1000:.0f} ms UI-thread CPU (target < 1000 ms)")
    print(f"saving an edit: UI thread held {flushed * 1000:.0f} ms wall, {flushed_cpu * 1000:.0f} ms CPU; saved: {saved}")


if __name__ == "__main__":
    main()
