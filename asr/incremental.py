"""The full-quality recognition pass, run while the meeting is recorded.

The audio arrives as the recorder writes it; it is cut into the same 5-minute windows as the offline
pass (asr.transcribe.windows: a window ends at the quietest moment near its end, which is known as
soon as its audio is in) and each window is planned into chunks by the same call
(Transcriber.plan_window). A chunk is decoded (Transcriber.chunk_segments: the same beam search,
retries, text clean-up) as soon as it is settled: Silero VAD is causal, so a speech region followed
by another one cannot change any more, nor can a chunk that the next region did not fit in. When a
window closes it is planned whole once more and any chunk that came out differently is decoded
again, so a closed window is exactly what the offline pass makes of it.

Every chunk and closed window goes into the recording's decoded log (asr.decoded), so a crash, a
restart or re-processing reuses it, and at 停止 only the chunks still open are left to decode.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.decode import SAMPLE_RATE
from asr.decoded import Decoded, DecodedLog
from asr.text import clean_text, collapse_repeats, is_hallucination
from asr.transcribe import TranscribeOptions, Transcriber, window_cut
from core.types import Segment

log = logging.getLogger(__name__)

REPLAN_SECONDS = 2.0  # new audio between two looks at the open window (each look runs VAD over it)
SETTLE_MARGIN = 0.5  # seconds of audio a settled chunk must end before the end of what has arrived
POLL_SECONDS = 0.25
SAVE_SCAN_SECONDS = 60.0  # audio between two saves of the speaker scan (a save writes it whole: ~1 KB a window)
PREVIEW_STEP = 2.0  # seconds of new audio between two previews
PREVIEW_MIN = 1.0  # seconds of undecoded audio worth a preview
PREVIEW_MAX = 40.0  # more than this undecoded: the decoder is behind, and a preview would only add to it
EXTRA_NICENESS = 5  # the recorder and the window come first


class IncrementalDecoder:
    """Audio fed as it is recorded -> the offline pass's Segments, each as soon as its chunk settles."""

    def __init__(self, transcriber: Transcriber, hotwords: Sequence[str] = (), names: Sequence[str] = (),
                 log_file: DecodedLog | None = None):
        self.transcriber = transcriber
        names = [n for n in names if n]
        self.kwargs = transcriber.decode_kwargs(names)
        self.prompt_words: set[str] = set()
        self.key = transcriber.settings_key(self.kwargs)
        self.corrector = transcriber.corrector(hotwords, names) if transcriber.options.correct else None
        self.log = log_file
        self.done = log_file.load(self.key) if log_file is not None else Decoded()
        self.window_start = self.done.resume_sample  # a restart goes on where it was
        self.received = 0  # samples fed so far, from the start of the recording
        self.buffer = np.zeros(0, dtype=np.float32)  # the open window's audio so far
        self.decoded_until = self.window_start  # samples covered by decoded chunks
        self._planned_at = 0
        self.decoded_chunks = 0  # chunks decoded here (not taken from the log)
        self._emitted: set[tuple] = set()  # the open window's chunks already handed out

    @property
    def backlog_seconds(self) -> float:
        """Audio received that no decoded chunk covers yet (includes the region still being spoken)."""
        return max(0.0, (self.received - self.decoded_until) / SAMPLE_RATE)

    def feed(self, samples: np.ndarray) -> list[Segment]:
        """New final segments (corrected) that the audio fed so far settles."""
        samples = np.asarray(samples, dtype=np.float32)
        skip = max(0, min(len(samples), self.window_start - self.received))  # decoded before a restart
        self.received += len(samples)
        self.buffer = np.concatenate([self.buffer, samples[skip:]])
        out: list[Segment] = []
        limit = int(self.transcriber.options.window_seconds * SAMPLE_RATE)
        while len(self.buffer) >= limit:
            cut = window_cut(self.buffer[:limit])
            out += self._close_window(self.buffer[:cut])
            self.buffer = self.buffer[cut:].copy()
            self._planned_at = 0
        if len(self.buffer) - self._planned_at >= REPLAN_SECONDS * SAMPLE_RATE:
            self._planned_at = len(self.buffer)
            out += self._decode(self.buffer, self._settled(self.buffer))
        return out

    def finish(self) -> list[Segment]:
        """The recording ended: the last window is decoded whole."""
        out = self._close_window(self.buffer) if len(self.buffer) else []
        self.buffer = np.zeros(0, dtype=np.float32)
        return out

    def _settled(self, window: np.ndarray) -> list:
        chunks = self.transcriber.plan_window(window)
        # The last region may still grow, and the chunk before the one holding it may still take it in.
        settled = chunks[:-1] if chunks and len(chunks[-1].regions) >= 2 else chunks[:-2]
        limit = len(window) / SAMPLE_RATE - SETTLE_MARGIN
        return [c for c in settled if c.end < limit]

    def _close_window(self, window: np.ndarray) -> list[Segment]:
        chunks = self.transcriber.plan_window(window)
        out = self._decode(window, chunks)
        segments = [s for chunk in chunks for s in self._chunk(window, chunk)]
        end = self.window_start + len(window)
        if self.log is not None:
            self.log.close_window(self.key, self.window_start, end, segments)
        self.window_start = self.decoded_until = end
        self._emitted.clear()
        return out

    def _chunk(self, window: np.ndarray, chunk) -> list[Segment]:
        """A chunk's raw segments: from the log or this session if decoded before, else decoded now."""
        known = self.done.chunk(self.window_start, chunk.spans)
        if known is None:
            offset, duration = self.window_start / SAMPLE_RATE, len(window) / SAMPLE_RATE
            known = self.transcriber.chunk_segments(window, chunk, offset, duration, self.kwargs, self.prompt_words)
            self.decoded_chunks += 1
            if self.log is not None:
                self.log.add_chunk(self.key, self.window_start, chunk.spans, known)
            self.done.chunks.setdefault(self.window_start, []).append((list(chunk.spans), known))
        return [Segment(s.start, s.end, s.text) for s in known]

    def _decode(self, window: np.ndarray, chunks: list) -> list[Segment]:
        """The segments of the chunks not shown yet, corrected."""
        out = []
        for chunk in chunks:
            spans = tuple((round(a, 3), round(b, 3)) for a, b in chunk.spans)
            if spans not in self._emitted:
                self._emitted.add(spans)
                out += self._chunk(window, chunk)
            self.decoded_until = max(self.decoded_until, self.window_start + int(chunk.end * SAMPLE_RATE))
        for segment in out:
            if self.corrector is not None:
                segment.text = self.corrector.correct(segment.text)
        return out


class VoiceScan:
    """The speaker scan (asr.speakers.turns.SpeechScanner) of the recording as it is made, saved beside it
    every SAVE_SCAN_SECONDS, so after 停止 diarization embeds only the audio since the last save."""

    def __init__(self, wav: Path):
        from asr.speakers import scan_uses_pitch
        from asr.speakers.turns import SpeechScanner, checkpoint_path

        self.path = checkpoint_path(wav)
        pitch = scan_uses_pitch()
        self.scanner = SpeechScanner.resume(self.path, pitch=pitch) or SpeechScanner(pitch=pitch)
        self.position = 0
        self.saved_at = self.scanner.blocks_fed

    def feed(self, samples: np.ndarray) -> None:
        self.scanner.feed_at(samples, self.position)
        self.position += len(samples)
        if self.scanner.resume_at is None and self.scanner.blocks_fed - self.saved_at >= SAVE_SCAN_SECONDS * SAMPLE_RATE:
            self.save()

    def save(self) -> None:
        if self.scanner.resume_at is None:
            self.scanner.save(self.path)
            self.saved_at = self.scanner.blocks_fed


@dataclass
class LiveLine:
    """A final line (segment), a preview of the speech not yet final (preview, may be ""), or only news
    of how far decoding lags the recording (both None)."""

    segment: Segment | None
    behind: float  # seconds of recorded audio not yet decoded
    preview: str | None = None
    preview_start: float = 0.0


class Preview:
    """Greedy text of the audio no final line covers yet, from the model already loaded: only while the
    decoder has caught up (it never delays a final line), every PREVIEW_STEP seconds of new audio."""

    def __init__(self, transcriber: Transcriber, corrector):
        self.transcriber = transcriber
        self.corrector = corrector
        self.at = 0  # `received` at the last preview

    def __call__(self, decoder: IncrementalDecoder) -> LiveLine | None:
        pending = decoder.received - decoder.decoded_until
        if pending < PREVIEW_MIN * SAMPLE_RATE or pending > PREVIEW_MAX * SAMPLE_RATE \
                or decoder.received - self.at < PREVIEW_STEP * SAMPLE_RATE:
            return None
        self.at = decoder.received
        audio = decoder.buffer[max(0, decoder.decoded_until - decoder.window_start):]
        segments, _info = self.transcriber.model.transcribe(
            audio, language="zh", beam_size=1, temperature=0.0, vad_filter=False, without_timestamps=True,
            condition_on_previous_text=False, no_speech_threshold=0.6, log_prob_threshold=-1.0)
        text = collapse_repeats("".join(t for seg in segments
                                        if not (seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0)
                                        and (t := clean_text(seg.text)) and not is_hallucination(t)))
        if text and self.corrector is not None:
            text = self.corrector.correct(text)
        return LiveLine(None, decoder.backlog_seconds, text, decoder.decoded_until / SAMPLE_RATE)


def decode_while_recording(wav: Path, model: str | Path = "base", *, names: Sequence[str] = (),
                           hotwords: Sequence[str] = (), options: TranscribeOptions | None = None,
                           preview: bool = True, poll: float = POLL_SECONDS) -> Iterator[LiveLine | None]:
    """Follow the WAV the recorder writes and decode it with the final settings, logging beside it.

    A job for app.jobs.in_child; None is yielded while waiting, so a cancel is noticed. It only reads
    the file, so a busy decoder never costs the recording a block: it falls behind and says so.
    """
    from asr.live import WavTail, recording_finished

    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(EXTRA_NICENESS)
    model_path = Path(model)
    if not model_path.is_dir():
        from asr.models import ModelRegistry

        model_path = ModelRegistry().find(str(model))
    # One core stays free for the recorder and the window; the text does not depend on it.
    options = options or TranscribeOptions(threads=1)
    transcriber = Transcriber(model_path, options)
    decoder = IncrementalDecoder(transcriber, hotwords, names, DecodedLog.beside(wav))
    transcriber.model  # noqa: B018 - loaded now, not on the first words
    quick = Preview(transcriber, decoder.corrector) if preview else None
    voices = VoiceScan(Path(wav))
    for segment in [Segment(s.start, s.end, s.text) for _a, _b, segs in decoder.done.windows for s in segs]:
        if decoder.corrector is not None:
            segment.text = decoder.corrector.correct(segment.text)
        yield LiveLine(segment, 0.0)
    tail = WavTail(Path(wav))
    while True:
        finished = recording_finished(Path(wav))  # checked before the read, so that read is the last
        samples = tail.read()
        voices.feed(samples)
        lines = decoder.feed(samples)
        if finished:
            lines += decoder.finish()
        for segment in lines:
            yield LiveLine(segment, decoder.backlog_seconds)
        if finished:
            voices.save()
            yield LiveLine(None, 0.0)
            return
        shown = quick(decoder) if quick is not None and not lines else None
        yield shown or LiveLine(None, decoder.backlog_seconds)
        if len(samples) < poll * SAMPLE_RATE / 2:
            time.sleep(poll)
            yield None
