"""Transcript -> structured minutes (rule engine) and the Word minutes."""

from summarizer.extract import extract_minutes
from summarizer.minutes_docx import write_minutes_docx

__all__ = ["extract_minutes", "write_minutes_docx"]
