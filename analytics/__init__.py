"""Meeting analytics: transcript + minutes -> participation, interaction, sentiment, compliance,
risks, an effectiveness score, and the Word report with charts.

Public interface (used by app/):
    assess(segments, minutes, meeting) -> Assessment
    write_report_docx(path, result) -> None
Heavy libraries (jieba, snownlp, matplotlib, python-docx) are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from core.types import Assessment, Meeting, Minutes, Result, Segment

__all__ = ["assess", "write_report_docx"]


def assess(segments: list[Segment], minutes: Minutes, meeting: Meeting, **options) -> Assessment:
    from analytics.assessment import assess as _assess

    return _assess(segments, minutes, meeting, **options)


def write_report_docx(path: Path, result: Result, **options) -> None:
    from analytics.report import write_report_docx as _write

    _write(path, result, **options)
