"""Speaker turns from the audio itself: speech regions (Silero VAD) and embedding windows inside them.

Diarization works on what the recording says, not on the recogniser's segment timings: Whisper's
segments span pauses and can drift by seconds, so a speaker change would land in the wrong place.
The recording is streamed in blocks; only the 256-d window vectors are kept (about 1 KB per 0.4 s),
so memory does not grow with the audio.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.regions import silero_timestamps
from asr.speaker_features import HOP, SAMPLE_RATE, mel_frames, normalize_volume

WINDOW_FRAMES = 160  # 1.6 s, the encoder's training length
STEP_FRAMES = 40  # 0.4 s between windows
MIN_WINDOW_FRAMES = 50  # shorter stretches are embedded as they are, but 0.5 s is the floor
# VAD settings: a 300 ms pause separates regions, so turns start and end close to the speech
# (transcript segments are trimmed to them); 100 ms of padding keeps word onsets.
MIN_SILENCE_MS = 300
SPEECH_PAD_MS = 100
VAD_BLOCK_SECONDS = 60.0  # audio run through the VAD at once
VAD_GUARD_SECONDS = 1.0  # a region ending this close to a block's end may continue in the next block
MAX_BUFFER_SECONDS = 180.0  # an unbroken stretch longer than this is cut (memory stays bounded)


@dataclass
class SpeechScan:
    """Speech regions of a recording and the embedding windows inside them (in time order)."""

    regions: list[tuple[float, float]] = field(default_factory=list)  # seconds
    vectors: list[np.ndarray] = field(default_factory=list)  # (n_i, 256) per embedded region
    owner: list[int] = field(default_factory=list)  # region index of each window
    offset: list[float] = field(default_factory=list)  # window start, seconds from the recording start
    duration: float = 0.0  # seconds of audio read
    # (n_i, 2) per embedded region, parallel to vectors: each window's median pitch in semitones (NaN when
    # mostly unvoiced) and voiced frames (asr/speaker_pitch.py); empty when the scan was made without pitch.
    pitch: list[np.ndarray] = field(default_factory=list)


def embed_stretch(audio: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Embed 1.6 s windows every 0.4 s over one stretch of speech; returns vectors and window start frames."""
    from asr.speaker_encoder import embed_mels

    audio = normalize_volume(audio)
    mel = mel_frames(audio)
    if len(mel) < MIN_WINDOW_FRAMES:
        mel = np.pad(mel, ((0, MIN_WINDOW_FRAMES - len(mel)), (0, 0)))
    if len(mel) <= WINDOW_FRAMES:
        return embed_mels(mel[None]), [0]
    starts = list(range(0, len(mel) - WINDOW_FRAMES + 1, STEP_FRAMES))
    if len(mel) - (starts[-1] + WINDOW_FRAMES) > STEP_FRAMES // 2:
        starts.append(len(mel) - WINDOW_FRAMES)  # cover the tail too
    return embed_mels(np.stack([mel[s : s + WINDOW_FRAMES] for s in starts])), starts


def speech_regions(audio: np.ndarray, min_silence_ms: int = MIN_SILENCE_MS,
                   pad_ms: int = SPEECH_PAD_MS) -> list[tuple[int, int]]:
    """Sample ranges of speech (Silero VAD as shipped by faster-whisper)."""
    from faster_whisper.vad import VadOptions

    if len(audio) == 0:
        return []
    stamps = silero_timestamps(audio, VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms))
    return [(int(s["start"]), min(int(s["end"]), len(audio))) for s in stamps]


def scan_recording(audio_path: Path, *, progress: Callable[[float], None] | None = None,
                   total_seconds: float | None = None, chunk_seconds: float = 30.0, pitch: bool = True) -> SpeechScan:
    """Stream the recording once: find speech regions block by block and embed windows inside each (and track
    their pitch, unless pitch is False)."""
    from asr.decode import iter_chunks
    from asr.speaker_pitch import window_pitch

    scan = SpeechScan()
    buffer = np.zeros(0, dtype=np.float32)
    buffer_start = 0  # sample index of buffer[0] in the recording
    block = int(VAD_BLOCK_SECONDS * SAMPLE_RATE)
    guard = int(VAD_GUARD_SECONDS * SAMPLE_RATE)

    def take(final: bool) -> int:
        """Embed the complete regions of the buffer; returns how many samples may be dropped."""
        regions = speech_regions(buffer)
        complete = regions if final else [r for r in regions if r[1] < len(buffer) - guard]
        if not final and len(complete) < len(regions):
            keep_from = regions[len(complete)][0]
            if keep_from == 0 and len(buffer) >= MAX_BUFFER_SECONDS * SAMPLE_RATE:
                complete, keep_from = regions, len(buffer)  # one unbroken stretch: cut it here
        else:
            keep_from = len(buffer) if final else max(complete[-1][1] if complete else 0, len(buffer) - guard)
        for a, b in complete:
            if b - a < HOP:
                continue
            vectors, starts = embed_stretch(buffer[a:b])
            index = len(scan.regions)
            scan.regions.append(((buffer_start + a) / SAMPLE_RATE, (buffer_start + b) / SAMPLE_RATE))
            scan.vectors.append(vectors)
            scan.owner.extend([index] * len(vectors))
            scan.offset.extend((buffer_start + a + s * HOP) / SAMPLE_RATE for s in starts)
            if pitch:
                scan.pitch.append(window_pitch(buffer[a:b], starts, WINDOW_FRAMES))
        return keep_from

    for chunk in iter_chunks(Path(audio_path), chunk_seconds):
        buffer = np.concatenate([buffer, chunk])
        if len(buffer) >= block:
            drop = take(final=False)
            buffer, buffer_start = buffer[drop:], buffer_start + drop
            if progress and total_seconds:
                progress(min(1.0, buffer_start / SAMPLE_RATE / total_seconds))
    take(final=True)
    scan.duration = (buffer_start + len(buffer)) / SAMPLE_RATE
    return scan


def region_turns(start: float, end: float, offsets: Sequence[float], labels: Sequence[int],
                 min_turn: float) -> list[tuple[float, float, int]]:
    """(start, end, label) turns of one stretch of speech from its window labels; short flickers are absorbed.

    A change is placed halfway between the centres of the last window of one label and the first of the next.
    """
    half = WINDOW_FRAMES * HOP / SAMPLE_RATE / 2
    centres = [o + half for o in offsets]
    pieces: list[list] = []
    for i, lab in enumerate(labels):
        if pieces and pieces[-1][2] == lab:
            continue
        cut = start if not pieces else min(max((centres[i - 1] + centres[i]) / 2, start), end)
        if pieces:
            pieces[-1][1] = cut
        pieces.append([cut, end, lab])
    changed = True
    while changed and len(pieces) > 1:
        changed = False
        for i, (a, b, _lab) in enumerate(pieces):
            if b - a < min_turn:
                # absorbed by the longer neighbour
                j = i - 1 if i == len(pieces) - 1 or (i > 0 and pieces[i - 1][1] - pieces[i - 1][0]
                                                      >= pieces[i + 1][1] - pieces[i + 1][0]) else i + 1
                lo, hi = min(i, j), max(i, j)
                pieces[lo : hi + 1] = [[pieces[lo][0], pieces[hi][1], pieces[j][2]]]
                changed = True
                break
        merged: list[list] = []
        for p in pieces:
            if merged and merged[-1][2] == p[2]:
                merged[-1][1] = p[1]
            else:
                merged.append(p)
        pieces = merged
    return [(a, b, lab) for a, b, lab in pieces]


def bridge_pauses(turns: Sequence[tuple[float, float, int]], bridge: float) -> list[tuple[float, float, int]]:
    """Join one speaker's consecutive turns separated by less than `bridge` seconds (turns in time order)."""
    out: list[tuple[float, float, int]] = []
    for a, b, lab in turns:
        if out and out[-1][2] == lab and a - out[-1][1] < bridge:
            out[-1] = (out[-1][0], b, lab)
        else:
            out.append((a, b, lab))
    return out


def change_points(x: np.ndarray, offsets: np.ndarray, below: float, context: int = 4,
                  max_pause: float = 0.6) -> list[int]:
    """Window indices where another voice starts inside continuous speech (no pause needed).

    Compares the mean of `context` windows before a point with the mean of `context` windows that start
    where the last of them ends (so no audio is shared); a local minimum of that cosine below `below` is a
    change. Only points whose context is one stretch of speech (at most one pause up to `max_pause` s) count.
    x: (n, d) L2-normalised window embeddings in time order; offsets: their start times.
    """
    n = len(x)
    gap = WINDOW_FRAMES // STEP_FRAMES - 1  # windows skipped so left and right share no audio
    # Seconds the context's window starts may spread over: contiguous windows, plus one short pause between
    # two speech regions (the next region's first window starts a window length and the pause later).
    step = STEP_FRAMES * HOP / SAMPLE_RATE
    span = (2 * context + gap - 1) * step + WINDOW_FRAMES * HOP / SAMPLE_RATE + max_pause
    if n < 2 * context + gap:
        return []
    csum = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    scores = np.full(n, np.inf)
    for i in range(context, n - context - gap + 1):
        if offsets[i + gap + context - 1] - offsets[i - context] > span:
            continue  # a long pause inside the context: changes there are seen between regions instead
        left = csum[i] - csum[i - context]
        right = csum[i + gap + context] - csum[i + gap]
        scores[i] = float(left @ right / (np.linalg.norm(left) * np.linalg.norm(right)))
    # One change per stretch below the threshold, at its lowest point; the change is where window i-1 ends,
    # so windows centred before it (up to i) stay on the left.
    cuts, i = [], 0
    while i < n:
        if scores[i] >= below:
            i += 1
            continue
        j = i
        while j < n and scores[j] < below:
            j += 1
        cuts.append(i + int(np.argmin(scores[i:j])) + 1)
        i = j
    return cuts
