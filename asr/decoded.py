"""What was already decoded of a recording, kept beside it so no audio is decoded twice.

`meeting.wav.asr.jsonl` holds one JSON object a line, appended and fsynced one at a time, so a crash
loses at most the line being written (a torn last line is skipped on reading):

- a chunk: {"kind": "chunk", "key", "window": first sample of its window, "spans": the chunk's
  stretches of the window in seconds, "segments": [[start, end, text], ...]} (absolute times, text
  before post-correction, which depends on the roster and is applied when the segments are used);
- a closed window: {"kind": "window", "key", "start", "end", "segments"} (samples), written once
  every chunk of that window is in, with the segments of the window's final plan: the audio in
  [start, end) need not be read again.

`key` names the model and every setting that changes the text (Transcriber.settings_key): lines
written with other settings are ignored, not mixed in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.types import Segment

SUFFIX = ".asr.jsonl"
SPAN_TOLERANCE = 1e-3  # seconds: two plans of one window cut the same stretches to the sample


def log_path(audio: Path) -> Path:
    return Path(audio).with_name(Path(audio).name + SUFFIX)


@dataclass
class Decoded:
    """The part of a recording decoded with one key: closed windows from the start, and chunks beyond."""

    windows: list[tuple[int, int, list[Segment]]] = field(default_factory=list)  # contiguous from sample 0
    chunks: dict[int, list[tuple[list[tuple[float, float]], list[Segment]]]] = field(default_factory=dict)

    @property
    def resume_sample(self) -> int:
        """Where decoding goes on: the end of the last closed window."""
        return self.windows[-1][1] if self.windows else 0

    @property
    def seconds_decoded(self) -> float:
        """How far the decoded segments reach (for 'how much is left' messages)."""
        ends = [s.end for _a, _b, segs in self.windows for s in segs]
        ends += [s.end for chunks in self.chunks.values() for _spans, segs in chunks for s in segs]
        return max(ends, default=0.0)

    def chunk(self, window: int, spans: Sequence[tuple[float, float]]) -> list[Segment] | None:
        """The segments of a chunk decoded before (same window, same stretches), else None."""
        for known, segments in self.chunks.get(window, []):
            if len(known) == len(spans) and all(abs(a - c) <= SPAN_TOLERANCE and abs(b - d) <= SPAN_TOLERANCE
                                                for (a, b), (c, d) in zip(known, spans, strict=True)):
                return [Segment(s.start, s.end, s.text) for s in segments]
        return None


def _segments(rows) -> list[Segment]:
    return [Segment(start=float(a), end=float(b), text=str(t)) for a, b, t in rows]


class DecodedLog:
    """Appends to and reads a recording's decoded log (one writer at a time: the live follower, or later
    the pipeline)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def beside(cls, audio: Path) -> DecodedLog:
        return cls(log_path(audio))

    def load(self, key: str) -> Decoded:
        decoded = Decoded()
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return decoded
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue  # torn by a crash mid-write
            if not isinstance(row, dict) or row.get("key") != key:
                continue
            if row.get("kind") == "chunk":
                spans = [(float(a), float(b)) for a, b in row["spans"]]
                decoded.chunks.setdefault(int(row["window"]), []).append((spans, _segments(row["segments"])))
            elif row.get("kind") == "window" and int(row["start"]) == decoded.resume_sample:
                decoded.chunks.pop(int(row["start"]), None)
                decoded.windows.append((int(row["start"]), int(row["end"]), _segments(row["segments"])))
        return decoded

    def add_chunk(self, key: str, window: int, spans: Sequence[tuple[float, float]], segments: Sequence[Segment]) -> None:
        self._append({"kind": "chunk", "key": key, "window": int(window),
                      "spans": [[round(a, 4), round(b, 4)] for a, b in spans],
                      "segments": [[s.start, s.end, s.text] for s in segments]})

    def close_window(self, key: str, start: int, end: int, segments: Sequence[Segment]) -> None:
        self._append({"kind": "window", "key": key, "start": int(start), "end": int(end),
                      "segments": [[s.start, s.end, s.text] for s in segments]})

    def _append(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and not self._ends_with_newline(size):
                line = "\n" + line  # a torn line from a crash stays on its own, unread
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def _ends_with_newline(self, size: int) -> bool:
        with open(self.path, "rb") as f:
            f.seek(size - 1)
            return f.read(1) == b"\n"
