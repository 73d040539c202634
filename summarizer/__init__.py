"""Transcript -> structured minutes (rule engine, optional local model) and the Word minutes."""

from summarizer.extract import extract_minutes
from summarizer.llm import LLMOptions
from summarizer.minutes_docx import write_minutes_docx

__all__ = ["LLMOptions", "extract_minutes", "write_minutes_docx"]
