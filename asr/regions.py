"""Where people speak, and how recognised words map back onto it.

Whisper's own segment times run from one utterance's start to the next one's start, so a segment
covers the pause after it (and the next speaker's silence before answering). That pause is counted
as speech for the segment's speaker downstream (speaking time, diarization). So recognition works
on Silero VAD speech regions found with a short minimum silence (a pause between two speakers
splits them), decodes groups of regions of at most 30 s (one Whisper window each, no drift, no
seek into the middle of a word), and hands every recognised word to the region it was spoken in.
A segment's times are then its region's edges, tight to the speech.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asr.decode import SAMPLE_RATE


@dataclass
class Region:
    """A stretch of speech, in seconds from the start of the audio handed in."""

    start: float
    end: float


@dataclass
class Chunk:
    """Audio decoded at once: whole regions, each with a little context either side. A long pause
    between two regions is cut down to that context (as faster-whisper's VAD filter does), so a
    chunk holds as much speech as Whisper's 30 s window allows and no chunk is spent on silence."""

    regions: list[Region] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # stretches of the audio, in order

    @property
    def start(self) -> float:
        return self.spans[0][0]

    @property
    def end(self) -> float:
        return self.spans[-1][1]

    @property
    def seconds(self) -> float:
        return sum(b - a for a, b in self.spans)

    def audio(self, samples: np.ndarray) -> np.ndarray:
        parts = [samples[int(round(a * SAMPLE_RATE)): int(round(b * SAMPLE_RATE))] for a, b in self.spans]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def source_time(self, t: float) -> float:
        """A time in the decoded chunk -> the same moment in the audio the chunk was cut from."""
        elapsed = 0.0
        for a, b in self.spans:
            if t <= elapsed + (b - a):
                return a + max(t - elapsed, 0.0)
            elapsed += b - a
        return self.spans[-1][1]

    def chunk_time(self, source: float) -> float:
        """The inverse of source_time, for a moment inside one of the spans."""
        elapsed = 0.0
        for a, b in self.spans:
            if source <= b:
                return elapsed + max(source - a, 0.0)
            elapsed += b - a
        return elapsed


@dataclass
class Word:
    start: float
    end: float
    text: str
    piece: int = 0  # which Whisper segment of the chunk it came from


VAD_BATCH_FRAMES = 500  # Silero frames (32 ms each) per ONNX call


class SlicedSilero:
    """faster-whisper's Silero VAD model run over VAD_BATCH_FRAMES frames at a time, its LSTM state
    carried from one call to the next: the same probabilities as faster-whisper's single batch of up to
    10 000 frames, whose work space for a 5-minute window is 110 MB, the largest transient in recognition
    (with 500 frames: 15 MB)."""

    def __init__(self, model):
        self.session = model.session

    def __call__(self, audio: np.ndarray, num_samples: int = 512, context_size_samples: int = 64) -> np.ndarray:
        frames = audio.reshape(-1, num_samples)
        # Each frame goes in with the last samples of the frame before it (zeros before the first).
        context = np.zeros((len(frames), context_size_samples), dtype=np.float32)
        context[1:] = frames[:-1, -context_size_samples:]
        h = np.zeros((1, 1, 128), dtype=np.float32)
        c = np.zeros((1, 1, 128), dtype=np.float32)
        outputs = []
        for i in range(0, len(frames), VAD_BATCH_FRAMES):
            batch = np.concatenate([context[i: i + VAD_BATCH_FRAMES], frames[i: i + VAD_BATCH_FRAMES]], axis=1)
            output, h, c = self.session.run(None, {"input": batch, "h": h, "c": c})
            outputs.append(output)
        return np.concatenate(outputs, axis=0)


def silero_timestamps(audio: np.ndarray, options) -> list[dict]:
    """faster_whisper.vad.get_speech_timestamps (sample ranges of speech) with the model run in slices."""
    from core.offline import quiet_libraries

    quiet_libraries()  # Silero runs on onnxruntime: its telemetry off before it loads
    from faster_whisper import vad

    model = vad.get_vad_model()
    if not isinstance(model, SlicedSilero):
        # get_speech_timestamps takes its model from this module function, so that is where it goes in.
        sliced = SlicedSilero(model)
        vad.get_vad_model = lambda: sliced
    return vad.get_speech_timestamps(audio, options)


def speech_regions(audio: np.ndarray, min_silence: float = 0.5, threshold: float = 0.5,
                   min_speech: float = 0.25, max_speech: float = 28.0) -> list[Region]:
    """Speech regions of 16 kHz `audio`, unpadded: a pause of `min_silence` seconds ends a region."""
    from faster_whisper.vad import VadOptions

    if len(audio) < SAMPLE_RATE // 10:
        return []
    options = VadOptions(threshold=threshold, min_silence_duration_ms=int(min_silence * 1000), speech_pad_ms=0,
                         min_speech_duration_ms=int(min_speech * 1000), max_speech_duration_s=max_speech)
    return [Region(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in silero_timestamps(audio, options)]


def pad_regions(regions: Sequence[Region], pad: float, duration: float) -> list[Region]:
    """Each region widened by `pad` seconds, but never past the audio or halfway into a neighbour's gap."""
    out = []
    for i, region in enumerate(regions):
        left = region.start - regions[i - 1].end if i else region.start
        right = regions[i + 1].start - region.end if i + 1 < len(regions) else duration - region.end
        out.append(Region(region.start - min(pad, max(left, 0) / 2), region.end + min(pad, max(right, 0) / 2)))
    return out


def plan_chunks(regions: Sequence[Region], duration: float, max_seconds: float = 30.0,
                context: float = 0.3, keep_pause: float = 1.8) -> list[Chunk]:
    """Consecutive regions grouped into chunks of at most `max_seconds` of audio. Each region brings
    `context` seconds either side (less when a neighbour is closer), so no onset is clipped. A pause
    up to `keep_pause` is kept whole, a longer one cut down to twice the context: with the 0.1 s
    timing pad, exactly what faster-whisper's VAD filter hands Whisper (0.4 s pads, 2 s silences)."""
    def reach(pause: float | None) -> float:
        """How far a region's audio reaches into the pause beside it (None: the audio's edge)."""
        if pause is None:
            return context
        return pause / 2 if pause <= keep_pause else min(context, pause / 2)

    spans = []
    for i, region in enumerate(regions):
        left = reach(region.start - regions[i - 1].end if i else None)
        right = reach(regions[i + 1].start - region.end if i + 1 < len(regions) else None)
        spans.append((max(region.start - max(left, 0.0), 0.0), min(region.end + max(right, 0.0), duration)))
    chunks: list[Chunk] = []
    for region, (a, b) in zip(regions, spans, strict=True):
        if chunks and chunks[-1].seconds + (b - a) <= max_seconds:
            chunk = chunks[-1]
            if a - chunk.spans[-1][1] < 1e-3:
                chunk.spans[-1] = (chunk.spans[-1][0], b)  # the pause was kept whole: one stretch
            else:
                chunk.spans.append((a, b))
            chunk.regions.append(region)
        else:
            chunks.append(Chunk([region], [(a, b)]))
    return chunks


def _overlap(word: Word, region: Region) -> float:
    return min(word.end, region.end) - max(word.start, region.start)


def region_of(word: Word, regions: Sequence[Region]) -> int:
    """Index of the region the word was spoken in: most overlap, else the nearest."""
    best = max(range(len(regions)), key=lambda i: _overlap(word, regions[i]))
    if _overlap(word, regions[best]) > 0:
        return best
    middle = (word.start + word.end) / 2
    return min(range(len(regions)), key=lambda i: min(abs(middle - regions[i].start), abs(middle - regions[i].end)))


def split_words(words: Iterable[Word], regions: Sequence[Region]) -> list[tuple[Region, list[Word]]]:
    """Words grouped by region and, inside a region, by Whisper segment (a sentence; a speaker may
    change there without a long pause). Each group gets its region's edges on the outside and the
    middle of the pause between words on the inside. Regions where nothing was recognised are left out."""
    words = list(words)
    if not regions or not words:
        return []
    by_region: list[list[Word]] = [[] for _ in regions]
    for word in words:
        by_region[region_of(word, regions)].append(word)
    out: list[tuple[Region, list[Word]]] = []
    for region, found in zip(regions, by_region, strict=True):
        groups: list[list[Word]] = []
        for word in found:
            if groups and groups[-1][-1].piece == word.piece:
                groups[-1].append(word)
            else:
                groups.append([word])
        edges = [region.start]
        for left, right in zip(groups, groups[1:], strict=False):
            cut = (left[-1].end + right[0].start) / 2
            edges.append(min(max(cut, edges[-1]), region.end))
        edges.append(region.end)
        for j, group in enumerate(groups):
            out.append((Region(round(edges[j], 3), round(edges[j + 1], 3)), group))
    return out
