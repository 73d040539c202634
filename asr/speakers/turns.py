"""Speaker turns from the audio itself: speech regions (Silero VAD) and embedding windows inside them.

Diarization works on what the recording says, not on the recogniser's segment timings: Whisper's
segments span pauses and can drift by seconds, so a speaker change would land in the wrong place.
The recording is streamed in blocks; only the 256-d window vectors are kept (about 1 KB per 0.4 s),
so memory does not grow with the audio.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.regions import silero_timestamps
from asr.speakers.features import HOP, SAMPLE_RATE, mel_frames, normalize_volume

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
    # mostly unvoiced) and voiced frames (asr/speakers/pitch.py); empty when the scan was made without pitch.
    pitch: list[np.ndarray] = field(default_factory=list)


def embed_stretch(audio: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Embed 1.6 s windows every 0.4 s over one stretch of speech; returns vectors and window start frames."""
    from asr.speakers.encoder import embed_mels

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


def speech_sample_ranges(audio: np.ndarray, min_silence_ms: int = MIN_SILENCE_MS,
                   pad_ms: int = SPEECH_PAD_MS) -> list[tuple[int, int]]:
    """Sample ranges of speech, padded (Silero VAD as shipped by faster-whisper); recognition's regions, in
    seconds and unpadded, are asr.regions.speech_regions."""
    from faster_whisper.vad import VadOptions

    if len(audio) == 0:
        return []
    stamps = silero_timestamps(audio, VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms))
    return [(int(s["start"]), min(int(s["end"]), len(audio))) for s in stamps]


class SpeechScanner:
    """scan_recording's work on audio fed as it arrives (a recording being made, asr.incremental): it is
    cut into the same blocks of chunk_seconds from the recording's start as iter_chunks yields, so the
    scan is the same however the audio is fed. state()/resume() carry it over a restart."""

    def __init__(self, chunk_seconds: float = 30.0, pitch: bool = True):
        self.scan = SpeechScan()
        self.pitch = pitch
        self.chunk = max(1, int(round(chunk_seconds * SAMPLE_RATE)))
        self.buffer = np.zeros(0, dtype=np.float32)
        self.buffer_start = 0  # sample index of buffer[0] in the recording
        self.pending = np.zeros(0, dtype=np.float32)  # fed, not yet a whole block
        self.fed = 0  # samples fed (buffer_start + len(buffer) + len(pending))
        self.resume_at: int | None = None  # resumed: where whole blocks start again (fill_buffer up to it)
        self.skip_until = 0  # resumed: samples before this were scanned already
        self._held: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> None:
        self.pending = np.concatenate([self.pending, np.asarray(samples, dtype=np.float32)])
        self.fed += len(samples)
        while len(self.pending) >= self.chunk:
            self._block(self.pending[: self.chunk])
            self.pending = self.pending[self.chunk:].copy()

    def feed_at(self, samples: np.ndarray, position: int) -> None:
        """Feed the recording's samples that start at sample `position`, read from its beginning: after a
        resume, those scanned before are skipped and those the saved buffer held go back into it."""
        end = position + len(samples)
        if end <= self.skip_until:
            return
        piece = samples[max(0, self.skip_until - position):]
        if self.resume_at is not None:
            self._held.append(piece)
            if end < self.resume_at:
                return
            joined = np.concatenate(self._held)
            cut = self.resume_at - self.buffer_start
            self.fill_buffer(joined[:cut])
            piece = joined[cut:]
        self.feed(piece)

    def finish(self) -> SpeechScan:
        if self.resume_at is not None and self._held:  # the recording ended inside the saved buffer
            self.fill_buffer(np.concatenate(self._held))
        if len(self.pending):
            self._block(self.pending)
            self.pending = np.zeros(0, dtype=np.float32)
        self._take(final=True)
        self.scan.duration = (self.buffer_start + len(self.buffer)) / SAMPLE_RATE
        return self.scan

    @property
    def blocks_fed(self) -> int:
        """Samples in whole blocks so far: a resumed scanner is fed again from here."""
        return self.buffer_start + len(self.buffer)

    def _block(self, chunk: np.ndarray) -> None:
        self.buffer = np.concatenate([self.buffer, chunk])
        if len(self.buffer) >= int(VAD_BLOCK_SECONDS * SAMPLE_RATE):
            drop = self._take(final=False)
            self.buffer, self.buffer_start = self.buffer[drop:], self.buffer_start + drop

    def _take(self, final: bool) -> int:
        """Embed the complete regions of the buffer; returns how many samples may be dropped."""
        from asr.speakers.pitch import window_pitch

        buffer, scan = self.buffer, self.scan
        guard = int(VAD_GUARD_SECONDS * SAMPLE_RATE)
        regions = speech_sample_ranges(buffer)
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
            scan.regions.append(((self.buffer_start + a) / SAMPLE_RATE, (self.buffer_start + b) / SAMPLE_RATE))
            scan.vectors.append(vectors)
            scan.owner.extend([index] * len(vectors))
            scan.offset.extend((self.buffer_start + a + s * HOP) / SAMPLE_RATE for s in starts)
            if self.pitch:
                scan.pitch.append(window_pitch(buffer[a:b], starts, WINDOW_FRAMES))
        return keep_from

    def save(self, path: Path) -> None:
        """The scan so far and where it stands, written whole under a temporary name, then renamed."""
        scan = self.scan
        sizes = np.array([len(v) for v in scan.vectors], dtype=np.int64)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.savez(f, regions=np.array(scan.regions, dtype=np.float64).reshape(-1, 2), sizes=sizes,
                     vectors=np.concatenate(scan.vectors) if scan.vectors else np.zeros((0, 256), np.float32),
                     pitch=np.concatenate(scan.pitch) if scan.pitch else np.zeros((0, 2), np.float32),
                     owner=np.array(scan.owner, dtype=np.int64), offset=np.array(scan.offset, dtype=np.float64),
                     state=np.array([self.buffer_start, self.blocks_fed, self.chunk, int(self.pitch)], dtype=np.int64))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def resume(cls, path: Path, audio: np.ndarray | None = None, chunk_seconds: float = 30.0,
               pitch: bool = True) -> SpeechScanner | None:
        """A scanner as saved in `path` (None when there is none, or it was made otherwise). It needs the
        recording's samples from `resume_at` on: its buffer is filled from `audio` when given, else the
        caller feeds them (fill_buffer then feed)."""
        try:
            with np.load(path) as data:
                state = [int(x) for x in data["state"]]
                scanner = cls(chunk_seconds, pitch)
                if state[2] != scanner.chunk or bool(state[3]) != pitch:
                    return None
                sizes = data["sizes"]
                bounds = np.cumsum(np.concatenate([[0], sizes]))
                vectors, pitches = data["vectors"], data["pitch"]
                scanner.scan.regions = [tuple(map(float, r)) for r in data["regions"]]
                scanner.scan.vectors = [vectors[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
                if pitch:
                    scanner.scan.pitch = [pitches[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
                scanner.scan.owner = [int(x) for x in data["owner"]]
                scanner.scan.offset = [float(x) for x in data["offset"]]
        except (OSError, ValueError, KeyError):
            return None
        scanner.buffer_start, scanner.resume_at = state[0], state[1]
        scanner.fed = scanner.skip_until = state[0]
        return scanner

    def fill_buffer(self, samples: np.ndarray) -> None:
        """After resume: the recording's samples from buffer_start to resume_at (what the buffer held)."""
        self.buffer = np.asarray(samples, dtype=np.float32).copy()
        self.fed = self.buffer_start + len(self.buffer)
        self.resume_at = None
        self._held = []


def checkpoint_path(audio: Path) -> Path:
    """Where the scan of a recording being made is kept (beside it, like asr.decoded's log)."""
    return Path(audio).with_name(Path(audio).name + ".speakers.npz")


def scan_recording(audio_path: Path, *, progress: Callable[[float], None] | None = None,
                   total_seconds: float | None = None, chunk_seconds: float = 30.0, pitch: bool = True,
                   checkpoint: Path | None = None) -> SpeechScan:
    """Stream the recording once: find speech regions block by block and embed windows inside each (and track
    their pitch, unless pitch is False). checkpoint: a scan saved while the recording was made
    (SpeechScanner.save): only the audio after it is scanned."""
    from asr.decode import iter_chunks

    scanner = SpeechScanner.resume(checkpoint, chunk_seconds=chunk_seconds, pitch=pitch) \
        if checkpoint is not None and checkpoint.exists() else None
    scanner = scanner or SpeechScanner(chunk_seconds, pitch)
    # the blocks the saved scan took in are not read again (iter_chunks' blocks from a block boundary are
    # the same as from the start)
    position = scanner.skip_until // scanner.chunk * scanner.chunk
    for chunk in iter_chunks(Path(audio_path), chunk_seconds, start_sample=position):
        scanner.feed_at(chunk, position)
        position += len(chunk)
        if progress and total_seconds:
            progress(min(1.0, position / SAMPLE_RATE / total_seconds))
    return scanner.finish()


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
