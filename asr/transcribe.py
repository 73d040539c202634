"""Recognition: audio file -> time-ordered Segments of Simplified-Chinese text, with faster-whisper.

Memory stays flat in the meeting's length: audio is decoded in blocks (asr.decode.iter_chunks) and
handed on in windows of a few minutes, each cut at the quietest moment near its end so no word is
split; timestamps are shifted by the window's offset, so they stay absolute.

Inside a window, Silero VAD finds the speech regions (a pause of half a second separates two), and
Whisper decodes groups of regions of at most 30 s independently (asr.regions): no conditioning on
text from far back, so no repetition loop or skipped passage carries on, and every segment's times
are its region's, tight to the speech rather than spanning the pauses after it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.decode import SAMPLE_RATE, iter_chunks
from asr.decoded import SPAN_TOLERANCE, Decoded, DecodedLog
from asr.regions import Chunk, Region, Word, pad_regions, plan_chunks, speech_regions, split_words
from asr.text import clean_text, collapse_repeats, is_hallucination
from core.types import Segment

log = logging.getLogger(__name__)

# faster-whisper decodes the audio after the last word once more (a full 30 s window's work); when
# that is less than this much of speech, the words are all in and that pass is skipped.
TAIL_SECONDS = 0.5
MIN_RETRY_SECONDS = 1.0  # a speech region this long that came back without a word is decoded again
# A region this long that came back with fewer characters per second than this (Mandarin is said at
# 3–5) lost most of its words: Whisper stopped after the first speaker's phrase (m14: 8 characters
# for 20 s, a second speaker's 15 s of tasks gone). It is decoded again in the pieces its pauses make.
SPARSE_SECONDS = 6.0
SPARSE_CHARS_PER_SECOND = 1.0


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
    # How roster names reach the decoder: "hotwords", "prompt" or "none". With chunked decoding,
    # hotwords made Whisper skip passages (m02) and cost CER (m01 8.0 % vs 6.4 %, m02 11.3 % vs 10.7 %);
    # post-correction restores the names instead.
    hotword_mode: str = "none"
    max_hotword_chars: int = 24  # a few names: 60 characters of hotwords made m02 far worse (bench/asr.py)
    correct: bool = True  # pinyin post-correction of near-homophones of lexicon terms and names
    min_silence: float = 0.5  # seconds of pause that end a speech region (and so a segment)
    timing_pad: float = 0.1  # seconds a segment extends beyond the detected speech on each side
    chunk_seconds: float = 30.0  # regions decoded together (Whisper's window is 30 s)
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

            from asr.heap import pin_mmap_threshold

            pin_mmap_threshold()  # before the model's buffers: memory stays flat over a long meeting

            opts = self.options
            warming = None
            if opts.correct:
                import threading

                from asr.correct import warm_up

                # The word dictionary (about a second of Python) loads while ctranslate2 reads the model.
                warming = threading.Thread(target=warm_up, name="warm-up", daemon=True)
                warming.start()
            try:
                self._model = WhisperModel(
                    str(self.model_path), device=opts.device, compute_type=opts.compute_type,
                    cpu_threads=opts.threads, num_workers=1, local_files_only=True,
                )
            except (RuntimeError, ValueError) as exc:
                if opts.device == "cpu":
                    raise
                # A GPU that ctranslate2 sees but whose CUDA libraries are missing or broken: the
                # meeting still gets transcribed, only slower.
                log.warning("GPU model load failed (%s); using the CPU with int8", exc)
                self._model = WhisperModel(
                    str(self.model_path), device="cpu", compute_type="int8",
                    cpu_threads=opts.threads, num_workers=1, local_files_only=True,
                )
            if warming is not None:
                warming.join()  # part of getting ready, like the model: keep it off the first segment
        return self._model

    def transcribe(self, audio: Path, hotwords: Sequence[str] = (), names: Sequence[str] | None = None,
                   log: DecodedLog | None = None) -> Iterator[Segment]:
        """Yield Segments in time order (speaker left empty). Stop iterating to cancel.

        hotwords: roster names, agenda words and lexicon terms, most important first (see
        asr.lexicon.meeting_hotwords). names: the roster, when known; otherwise the short hotwords
        that are not lexicon terms are taken for names. log: what was decoded of this audio before
        (asr.decoded, written while it was recorded): reused, and what is decoded now is added.
        """
        names = roster_names(hotwords) if names is None else [n for n in names if n]
        # Only the meeting's own names reach the decoder: generic party terms as hotwords made
        # ordinary speech worse (AISHELL 10.2 % -> 12.5 % CER), names made m01 far better (see bench).
        decode_kwargs = self.decode_kwargs(names)
        corrector = self.corrector(hotwords, names) if self.options.correct else None
        for segment in self.raw_segments(audio, decode_kwargs, log):
            if corrector is not None:
                segment.text = corrector.correct(segment.text)
            yield segment

    def settings_key(self, decode_kwargs: dict) -> str:
        """Names the model and every setting that changes the text (not threads: only the speed)."""
        import hashlib
        import json

        opts = self.options
        model_bin = self.model_path / "model.bin"
        size = model_bin.stat().st_size if model_bin.exists() else 0
        what = {"model": [self.model_path.name, size], "device": opts.device, "compute_type": opts.compute_type,
                "vad": opts.vad, "window": opts.window_seconds, "min_silence": opts.min_silence,
                "pad": opts.timing_pad, "chunk": opts.chunk_seconds, "decode": decode_kwargs}
        return hashlib.sha256(json.dumps(what, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]

    def raw_segments(self, audio: Path, decode_kwargs: dict, log: DecodedLog | None = None) -> Iterator[Segment]:
        """Segments before post-correction; windows and chunks found in `log` are not decoded again."""
        key = self.settings_key(decode_kwargs) if log is not None else ""
        done = log.load(key) if log is not None else Decoded()
        for _start, _end, segments in done.windows:
            yield from segments
        prompt_words = _prompt_words(decode_kwargs)
        for start, window in windows(audio, self.options.window_seconds, start_sample=done.resume_sample):
            offset, duration = start / SAMPLE_RATE, len(window) / SAMPLE_RATE
            plan = self.plan_window(window)
            logged = done.chunks.get(start, [])
            covered = max((spans[-1][1] for spans, _segments in logged), default=0.0)  # window seconds
            # Decoded while recording from samples resampled another way (a 48 kHz microphone: the live
            # pass reads the WAV with its own resampler), the VAD cut the stretch a little differently:
            # the log's lines stand for the audio they cover, and only what lies beyond is decoded.
            shifted = any(done.chunk(start, c.spans) is None for c in plan if c.start < covered - SPAN_TOLERANCE)
            found: list[Segment] = sorted((s for _spans, segs in logged for s in segs), key=lambda s: s.start) \
                if shifted else []
            yield from (Segment(s.start, s.end, s.text) for s in found)
            for chunk in plan:
                segments = None if shifted else done.chunk(start, chunk.spans)
                if shifted and chunk.end <= covered + SPAN_TOLERANCE:
                    continue
                if segments is None:
                    segments = self.chunk_segments(window, chunk, offset, duration, decode_kwargs, prompt_words)
                    if log is not None:
                        log.add_chunk(key, start, chunk.spans, segments)
                    if shifted and chunk.start < covered:
                        segments = [s for s in segments if (s.start + s.end) / 2 - offset >= covered]
                found += segments
                yield from (Segment(s.start, s.end, s.text) for s in segments)  # correction edits the copies
            if log is not None:
                log.close_window(key, start, start + len(window), found)

    @staticmethod
    def corrector(hotwords: Sequence[str], names: Sequence[str]):
        from asr.correct import Corrector
        from asr.lexicon import correction_terms

        return Corrector(correction_terms(names, [w for w in hotwords if w not in names]), names=names)

    def decode_kwargs(self, hotwords: Sequence[str]) -> dict:
        opts = self.options
        kwargs = dict(
            language=opts.language,
            beam_size=opts.beam_size,
            vad_filter=False,  # our own VAD regions (asr.regions) choose what is decoded
            word_timestamps=True,  # words are handed to the speech region they were spoken in
            # Each chunk is decoded on its own: conditioning on earlier text is what lets one wrong
            # phrase loop or a passage be skipped (m02), and chunks are short enough not to need it.
            condition_on_previous_text=False,
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            # A chunk that loops or reads as unlikely is decoded again by sampling at rising temperatures.
            # faster-whisper draws 5 samples at once: +150 MB for that one chunk, the largest transient in a
            # long meeting (2 h peak 671 MB vs 566 for 10 min); 2 samples cost no more than a normal chunk.
            best_of=2,
        )
        words = _budget(hotwords, opts.max_hotword_chars)
        if words and opts.hotword_mode == "hotwords":
            kwargs["hotwords"] = "，".join(words)
        elif words and opts.hotword_mode == "prompt":
            kwargs["initial_prompt"] = "，".join(words) + "。"
        kwargs.update(opts.extra)
        return kwargs

    def plan_window(self, window: np.ndarray) -> list[Chunk]:
        """The chunks one window is decoded in (asr.incremental plans a window still being recorded
        with the same call, so both passes cut the audio alike)."""
        opts = self.options
        duration = len(window) / SAMPLE_RATE
        if opts.vad:
            regions = speech_regions(window, min_silence=opts.min_silence, max_speech=opts.chunk_seconds - 2)
            regions = pad_regions(regions, opts.timing_pad, duration)
        else:
            regions = _fixed_regions(duration, opts.chunk_seconds - 1)
        return plan_chunks(regions, duration, opts.chunk_seconds)

    def chunk_segments(self, window: np.ndarray, chunk: Chunk, offset: float, duration: float, kwargs: dict,
                       prompt_words: set[str]) -> list[Segment]:
        """One chunk of a window decoded, its retries included: Segments in absolute time, not yet corrected."""
        opts = self.options
        found = self._decode_chunk(window, chunk, kwargs, prompt_words)
        # Whisper sometimes ends a chunk early (a lone timestamp token makes it skip the rest, more
        # often with hotwords): decode the regions it left without a word once more, on their
        # own and without hotwords, so the same prompt cannot make it skip them again.
        missed = [r for r in chunk.regions if r.end - r.start >= MIN_RETRY_SECONDS
                  and not any(f.start < r.end and r.start < f.end for f, _words in found)]
        plain_kwargs = {k: v for k, v in kwargs.items() if k not in ("hotwords", "initial_prompt")}
        for retry in plan_chunks(missed, duration, opts.chunk_seconds) if missed else []:
            found += self._decode_chunk(window, retry, plain_kwargs, prompt_words)
        found = self._recover_sparse(window, found, duration, plain_kwargs, prompt_words)
        out = []
        for region, words in sorted(found, key=lambda f: f[0].start):
            text = collapse_repeats(clean_text("".join(w.text for w in words)))
            if text and not is_hallucination(text):
                out.append(Segment(start=round(offset + region.start, 3), end=round(offset + region.end, 3), text=text))
        return out

    def _recover_sparse(self, window: np.ndarray, found: list[tuple[Region, list[Word]]], duration: float,
                        kwargs: dict, prompt_words: set[str]) -> list[tuple[Region, list[Word]]]:
        """Regions that came back with far too few words, decoded again piece by piece (each piece
        alone, cut at the pauses inside the region); kept only where that recovers more text."""
        out: list[tuple[Region, list[Word]]] = []
        for region, words in found:
            seconds = region.end - region.start
            if seconds < SPARSE_SECONDS or _chars(words) >= SPARSE_CHARS_PER_SECOND * seconds:
                out.append((region, words))
                continue
            a, b = int(region.start * SAMPLE_RATE), int(region.end * SAMPLE_RATE)
            pieces = [Region(region.start + r.start, region.start + r.end)
                      for r in speech_regions(window[a:b], min_silence=0.2, max_speech=self.options.chunk_seconds - 2)]
            again = [found_piece for piece in pieces if len(pieces) > 1
                     for found_piece in self._decode_chunk(window, plan_chunks([piece], duration, self.options.chunk_seconds)[0],
                                                           kwargs, prompt_words)]
            if sum(_chars(w) for _r, w in again) > _chars(words):
                log.info("region %.1f-%.1f s decoded again in %d pieces", region.start, region.end, len(pieces))
                out += again
            else:
                out.append((region, words))
        return out

    def _decode_chunk(self, window: np.ndarray, chunk: Chunk, kwargs: dict, prompt_words: set[str]
                      ) -> list[tuple[Region, list[Word]]]:
        speech_end = chunk.chunk_time(chunk.regions[-1].end)
        # Word times are needed only to share a chunk's text among its regions; a lone region takes
        # Whisper's segments whole (cut between them at their own times), which saves the alignment pass.
        kwargs = {**kwargs, "word_timestamps": len(chunk.regions) > 1}
        words = [Word(chunk.source_time(w.start), chunk.source_time(w.end), w.text, w.piece)
                 for w in self._words(chunk.audio(window), speech_end, kwargs, prompt_words)]
        return split_words(words, chunk.regions)

    def _words(self, piece: np.ndarray, speech_end: float, kwargs: dict, prompt_words: set[str]) -> Iterator[Word]:
        """Recognised words of one chunk, in chunk time, without Whisper's inventions."""
        segments, _info = self.model.transcribe(piece, **kwargs)
        for index, seg in enumerate(segments):
            text = clean_text(seg.text)
            if not text or is_hallucination(text) or _only_prompt(text, prompt_words):
                continue
            if seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0:
                continue  # Whisper thought it was silence and was unsure of the words: invented text
            if kwargs.get("word_timestamps"):
                for w in seg.words or []:
                    yield Word(w.start, w.end, w.word, index)
            else:
                yield Word(seg.start, seg.end, seg.text, index)
            if seg.end >= speech_end - TAIL_SECONDS:
                # Asking for more would decode the chunk's last breath in a pass of its own: slow, and
                # where Whisper invents text.
                break


def _prompt_words(kwargs: dict) -> set[str]:
    """Whisper may recite its prompt where speech trails off; only then is a names-only text dropped
    (in a roll call, "李红梅，张伟" may well be what was said)."""
    prompt = kwargs.get("hotwords") or kwargs.get("initial_prompt") or ""
    return {w for w in re.split(r"[，。]", prompt) if w}


def _chars(words: Sequence[Word]) -> int:
    """Spoken characters (no punctuation or spaces) of some words."""
    return len(re.sub(r"[\W_]", "", "".join(w.text for w in words)))


def _only_prompt(text: str, prompt_words: set[str]) -> bool:
    """Whisper reciting its hotwords (李红梅，张伟，张伟) where speech trails off: not what was said."""
    parts = [p for p in re.split(r"[，。、！？,.!?\s]+", text) if p]
    return bool(parts) and bool(prompt_words) and all(p in prompt_words for p in parts)


def _fixed_regions(duration: float, seconds: float) -> list[Region]:
    """Without VAD: the window in consecutive pieces of `seconds`."""
    cuts = list(np.arange(0.0, duration, seconds)) + [duration]
    return [Region(float(a), float(b)) for a, b in zip(cuts, cuts[1:], strict=False) if b - a > 0.05]


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


def windows(audio: Path, window_seconds: float, start_sample: int = 0) -> Iterator[tuple[int, np.ndarray]]:
    """(first sample, samples) windows of at most window_seconds, cut in pauses, from a streamed decode.

    start_sample: a cut an earlier pass made (asr.decoded); the windows after it are the same as then."""
    limit = int(window_seconds * SAMPLE_RATE)
    buffer = np.zeros(0, dtype=np.float32)
    consumed = start_sample  # samples already handed out (or skipped)
    # read from the cut on: at 停止 of a 2-hour recording the live pass decoded, decoding it all again to
    # find the cut took seconds
    for chunk in iter_chunks(audio, seconds=30.0, start_sample=start_sample):
        buffer = np.concatenate([buffer, chunk])
        while len(buffer) >= limit:
            cut = window_cut(buffer[:limit])
            yield consumed, buffer[:cut]
            consumed += cut
            buffer = buffer[cut:].copy()
    if len(buffer):
        yield consumed, buffer


def window_cut(samples: np.ndarray) -> int:
    """Where a full window of samples ends: the quietest moment near its end (live and offline alike)."""
    return quietest_cut(samples)
