"""Who spoke when, and who that is: the speaker code of asr, one module per step, imported one way
(import-linter, pyproject.toml): diarization -> {roster, turns, attribution} -> {clustering, encoder,
pitch} -> features.

    features     log-mel frames, volume normalisation (what the encoder reads)
    encoder      Resemblyzer's speaker encoder in ONNX: 256-d window embeddings
    pitch        an F0 tracker; a voice's pitch separates two speakers the embeddings confuse
    clustering   windows -> speakers (average linkage, resegmentation, merging)
    turns        the recording streamed once: speech regions, windows, the scan saved beside a recording
    roster       enrolled voiceprints as a constraint on the clusters
    attribution  transcript segments -> the speaker heard under each, split where speakers change
    diarization  the whole step (diarize) and voiceprints for enrollment (embed_voice)

Names are loaded on first use, so `import asr.speakers` costs nothing until a name is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asr.speakers.diarization import (
        COLLAR,
        NAME_THRESHOLD,
        SpeakerTurns,
        diarize,
        embed_voice,
        find_turns,
        label_segments,
        scan_uses_pitch,
        turns_from_scan,
        voiceprint_from_scan,
    )
    from asr.speakers.turns import checkpoint_path, scan_recording

_HOME = {
    **dict.fromkeys(["COLLAR", "NAME_THRESHOLD", "SpeakerTurns", "diarize", "embed_voice", "find_turns",
                     "label_segments", "scan_uses_pitch", "turns_from_scan", "voiceprint_from_scan"],
                    "asr.speakers.diarization"),
    **dict.fromkeys(["checkpoint_path", "scan_recording"], "asr.speakers.turns"),
}
__all__ = [
    "COLLAR", "NAME_THRESHOLD", "SpeakerTurns", "checkpoint_path", "diarize", "embed_voice", "find_turns",
    "label_segments", "scan_recording", "scan_uses_pitch", "turns_from_scan", "voiceprint_from_scan",
]  # the same names as _HOME (tests/test_layout.py)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'asr.speakers' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
