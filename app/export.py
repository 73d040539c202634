"""Writing a finished meeting to a folder: result.json, transcript.txt, minutes.docx, report.docx."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from core import zh
from core.errors import OutputError, os_reason
from core.files import write_text_atomic
from core.result import dumps
from core.types import Result


def check_writable(out_dir: Path) -> Path:
    """Fail before the long work starts when the output folder cannot be written."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"输出文件夹“{out_dir}”无法写入：{os_reason(exc)}") from None
    return out_dir


def clock(seconds: float) -> str:
    """Transcript lines line up: always with hours (core.zh.clock)."""
    return zh.clock(seconds, always_hours=True)


def transcript_text(result: Result) -> str:
    m = result.meeting
    head = f"{m.title or m.type}\n{m.date}  {m.location}\n\n"
    lines = [f"[{clock(s.start)}] {s.speaker or '发言人'}：{s.text}" for s in result.segments]
    return head + "\n".join(lines) + "\n"


def write_outputs(result: Result, out_dir: Path) -> dict[str, Path]:
    """Write every document; each file appears under its final name only once complete."""
    from analytics import write_report_docx
    from summarizer import write_minutes_docx

    out_dir = check_writable(out_dir)
    files = {
        "minutes": out_dir / "minutes.docx",
        "report": out_dir / "report.docx",
        "transcript": out_dir / "transcript.txt",
        "result": out_dir / "result.json",
    }
    from app.followup import carry_into

    carry_into(result)  # 上次会议决议落实情况: open tasks of the branch's earlier meetings
    write_minutes_docx(files["minutes"], result.meeting, result.minutes, result.segments)
    write_report_docx(files["report"], result)
    write_text_atomic(files["transcript"], transcript_text(result))
    write_text_atomic(files["result"], dumps(result))  # last: its presence means the set is complete
    return files
