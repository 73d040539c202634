"""Enroll a member's voiceprint from a processed meeting, when the secretary names a speaker (issue #4).

The speaker's own sentences are cut out of the meeting's recording (streamed, so a two-hour file is
never held in memory), longest first up to MAX_SECONDS, and go through the same checks as
`sanhui enroll`: too little speech, or two voices in it, is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import AudioError
from core.storage import Store
from core.types import Segment

MAX_SECONDS = 90.0  # plenty for a stable voiceprint; bounds the encoder's time
EDGE_SECONDS = 0.15  # trimmed off both ends of a sentence: its boundaries may hold a neighbour's voice


def speaker_spans(segments: Sequence[Segment], speaker: str, max_seconds: float = MAX_SECONDS) -> list[tuple[float, float]]:
    """The speaker's sentences, longest first up to max_seconds in all, returned in time order."""
    spans = sorted(((s.start + EDGE_SECONDS, s.end - EDGE_SECONDS) for s in segments if s.speaker == speaker),
                   key=lambda ab: ab[1] - ab[0], reverse=True)
    chosen, total = [], 0.0
    for a, b in spans:
        if b - a < 0.5 or total >= max_seconds:
            continue
        chosen.append((a, min(b, a + max_seconds - total)))
        total += chosen[-1][1] - a
    return sorted(chosen)


def cut_spans(audio_path: Path, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """The samples inside `spans` (seconds, time-ordered), read block by block from the recording."""
    from asr import SAMPLE_RATE, iter_chunks

    want = [(int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)) for a, b in spans]
    pieces, offset = [], 0
    if not want:
        return np.zeros(0, dtype=np.float32)
    for block in iter_chunks(Path(audio_path), seconds=60.0):
        end = offset + len(block)
        for a, b in want:
            lo, hi = max(a, offset), min(b, end)
            if lo < hi:
                pieces.append(block[lo - offset:hi - offset])
        offset = end
        if offset >= want[-1][1]:
            break
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def enroll_from_meeting(store_path: Path, audio_path: str | Path, spans: Sequence[tuple[float, float]], name: str) -> int:
    """Add the spans' voice as one sample of `name`'s voiceprint (consent given in the app); returns the sample count."""
    from asr import embed_voice

    if not audio_path or not Path(audio_path).is_file():
        raise AudioError(f"找不到本次会议的录音文件“{audio_path}”，无法登记声纹。")
    vector = embed_voice(cut_spans(Path(audio_path), spans))
    store = Store(store_path)
    try:
        return store.save_voiceprint(name, vector, consent=True)
    finally:
        store.close()


def enroll_from_file(store_path: Path, audio_path: str | Path, name: str) -> int:
    """`sanhui enroll` from the settings dialog: a short recording of one member reading (consent given)."""
    from asr import embed_voice, read_audio

    vector = embed_voice(read_audio(Path(audio_path)))
    store = Store(store_path)
    try:
        return store.save_voiceprint(name, vector, consent=True)
    finally:
        store.close()
