"""Recognition: audio file -> time-ordered Segments of Simplified-Chinese text, with faster-whisper.

Memory stays flat in the meeting's length: audio is decoded in blocks (asr.decode.iter_chunks) and
handed to Whisper in windows of a few minutes, each cut at the quietest moment near its end so no
word is split; timestamps are shifted by the window's offset, so they stay absolute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.decode import SAMPLE_RATE, iter_chunks
from asr.text import clean_text, collapse_repeats, is_hallucination
from core.types import Segment

log = logging.getLogger(__name__)


@dataclass
class TranscribeOptions:
    """How to run recognition. A job copies these when queued."""

    model: str = "base"  # model name in the registry (tiny, base, small, medium, large-v3, turbo)
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    compute_type: str = "int8"  # CTranslate2 quantisation: int8 on CPU, float16 / int8_float16 on CUDA
    beam_size: int = 5  # beam search width; 1 is greedy and about 2x faster, slightly less accurate
    language: str = "zh"  # spoken language; fixed, so Whisper never wastes time detecting it
    vad: bool = True  # Silero VAD: skip silence (faster, and no text hallucinated into pauses)
    threads: int = 0  # CPU threads for CTranslate2; 0 lets it choose (all cores)
    window_seconds: float = 300.0  # audio handed to Whisper at once; bounds memory for long meetings
    hotword_mode: str = "hotwords"  # how roster names reach the decoder: "hotwords", "prompt" or "none"
    max_hotword_chars: int = 24  # a few names: 60 characters of hotwords made m02 far worse (bench/asr.py)
    correct: bool = True  # pinyin post-correction of near-homophones of lexicon terms and names
    word_timestamps: bool = False  # per-word times (slower); segment times are enough to seek
    extra: dict = field(default_factory=dict)  # further faster-whisper transcribe() keywords


class Transcriber:
    def __init__(self, model_path: Path, options: TranscribeOptions | None = None):
        self.model_path = Path(model_path)
        self.options = options or TranscribeOptions()
        self._model = None

    @property
    def model(self):
        """The WhisperModel, loaded on first use (loading takes about a second and 300 MB)."""
        if self._model is None:
            from faster_whisper import WhisperModel

            opts = self.options
            self._model = WhisperModel(
                str(self.model_path), device=opts.device, compute_type=opts.compute_type,
                cpu_threads=opts.threads, num_workers=1, local_files_only=True,
            )
            if opts.correct:
                from asr.correct import warm_up

                warm_up()  # part of getting ready, like the model: keep it off the first segment
        return self._model

    def transcribe(self, audio: Path, hotwords: Sequence[str] = (), names: Sequence[str] | None = None
                   ) -> Iterator[Segment]:
        """Yield Segments in time order (speaker left empty). Stop iterating to cancel.

        hotwords: roster names, agenda words and lexicon terms, most important first (see
        asr.lexicon.meeting_hotwords). names: the roster, when known; otherwise the short hotwords
        that are not lexicon terms are taken for names.
        """
        names = roster_names(hotwords) if names is None else [n for n in names if n]
        # Only the meeting's own names reach the decoder: generic party terms as hotwords made
        # ordinary speech worse (AISHELL 10.2 % -> 12.5 % CER), names made m01 far better (see bench).
        decode_kwargs = self._decode_kwargs(names)
        corrector = self._corrector(hotwords, names) if self.options.correct else None
        for offset, window in windows(audio, self.options.window_seconds):
            for segment in self._transcribe_window(window, offset, decode_kwargs):
                if corrector is not None:
                    segment.text = corrector.correct(segment.text)
                yield segment

    @staticmethod
    def _corrector(hotwords: Sequence[str], names: Sequence[str]):
        from asr.correct import Corrector
        from asr.lexicon import correction_terms

        return Corrector(correction_terms(names, [w for w in hotwords if w not in names]), names=names)

    def _decode_kwargs(self, hotwords: Sequence[str]) -> dict:
        opts = self.options
        kwargs = dict(
            language=opts.language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad,
            word_timestamps=opts.word_timestamps,
            # Conditioning on the previous window's text is what lets one wrong phrase loop forever;
            # faster-whisper already drops it after a temperature fallback, we also cap repeats.
            condition_on_previous_text=True,
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
        )
        words = _budget(hotwords, opts.max_hotword_chars)
        if words and opts.hotword_mode == "hotwords":
            kwargs["hotwords"] = "，".join(words)
        elif words and opts.hotword_mode == "prompt":
            kwargs["initial_prompt"] = "，".join(words) + "。"
        kwargs.update(opts.extra)
        return kwargs

    def _transcribe_window(self, window: np.ndarray, offset: float, kwargs: dict) -> Iterator[Segment]:
        segments, _info = self.model.transcribe(window, **kwargs)
        for seg in segments:
            text = collapse_repeats(clean_text(seg.text))
            if not text or is_hallucination(text):
                continue
            if seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0:
                continue  # Whisper thought it was silence and was unsure of the words: invented text
            yield Segment(start=round(offset + seg.start, 3), end=round(offset + seg.end, 3), text=text)


def roster_names(hotwords: Sequence[str]) -> list[str]:
    """The hotwords that look like people's names: 2-4 Chinese characters and no lexicon term."""
    from asr.lexicon import load_lexicon

    lexicon = set(load_lexicon())
    return [w for w in hotwords if 2 <= len(w) <= 4 and w not in lexicon and all("\u4e00" <= c <= "\u9fff" for c in w)]


def _budget(words: Sequence[str], max_chars: int) -> list[str]:
    """Distinct non-empty words, in order, until the character budget is used up."""
    seen: list[str] = []
    used = 0
    for word in words:
        word = (word or "").strip()
        if not word or word in seen:
            continue
        if used + len(word) > max_chars:
            break
        seen.append(word)
        used += len(word) + 1
    return seen


def quietest_cut(audio: np.ndarray, search_seconds: float = 30.0, frame: int = 480) -> int:
    """Index of the quietest 0.3 s within the last `search_seconds` of `audio` (a cut point between words)."""
    n = len(audio)
    start = max(0, n - int(search_seconds * SAMPLE_RATE))
    tail = audio[start:]
    frames = len(tail) // frame
    if frames < 3:
        return n
    energy = np.square(tail[: frames * frame].reshape(frames, frame)).mean(axis=1)
    smooth = np.convolve(energy, np.ones(10) / 10, mode="same")  # 10 x 30 ms
    return start + int(np.argmin(smooth)) * frame + frame // 2


def windows(audio: Path, window_seconds: float) -> Iterator[tuple[float, np.ndarray]]:
    """(offset seconds, samples) windows of at most window_seconds, cut in pauses, from a streamed decode."""
    limit = int(window_seconds * SAMPLE_RATE)
    buffer = np.zeros(0, dtype=np.float32)
    consumed = 0  # samples already handed out
    for chunk in iter_chunks(audio, seconds=30.0):
        buffer = np.concatenate([buffer, chunk])
        while len(buffer) >= limit:
            cut = quietest_cut(buffer[:limit])
            yield consumed / SAMPLE_RATE, buffer[:cut]
            consumed += cut
            buffer = buffer[cut:].copy()
    if len(buffer):
        yield consumed / SAMPLE_RATE, buffer
