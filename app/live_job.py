"""The job the capture panel runs in a child process beside a recording: the full recognition pass
(asr.incremental) with the settings the pass after 停止 will use, so that pass finds it all done."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from app.pipeline import ProcessOptions


def decode_recording(wav: Path, options: ProcessOptions, *, model: str | Path | None = None,
                     names: Sequence[str] = (), hotwords: Sequence[str] = ()) -> Iterator:
    """asr.incremental.decode_while_recording with the recogniser's settings for `options` (one thread:
    the other core stays with the recorder and the window); `model` (tests) overrides the model."""
    from asr import decode_while_recording

    yield from decode_while_recording(wav, model or options.recognition.model, names=names, hotwords=hotwords,
                                      options=options.recognition.transcribe_options(threads=1))
