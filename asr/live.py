"""Live transcript while recording: follow the WAV the recorder is writing and show text within seconds.

The recorder is never touched: this module only reads the file it writes (its data grows on disk),
so recognition can be slow, late or crash without costing the recording a single block. It runs in
a child process at low priority (app.jobs.in_child), so neither the recorder's threads nor the
window compete with Whisper for the GIL.

Each step, Silero VAD looks at the audio not yet committed. A speech region followed by a pause is
decoded once (greedy, beam 1, no temperature fallback) and committed as final text; the region still
being spoken is decoded again every PROVISIONAL_STEP seconds as provisional text, which the next
decode replaces. Roster names and party terms are restored in it as in the full pass (asr.correct,
a few milliseconds a line). This text is only a preview: after the recording stops, the normal full
pass (asr.transcribe, beam search) produces the transcript that is kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.decode import SAMPLE_RATE
from asr.recorder import HEADER_BYTES, read_sidecar
from asr.regions import speech_regions
from asr.text import clean_text, collapse_repeats, is_hallucination

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25  # how often the file is checked for new audio
MIN_SILENCE = 0.5  # a pause this long ends a region (its text becomes final)
PROVISIONAL_STEP = 1.5  # seconds of further speech before the region in progress is decoded again
MAX_REGION = 10.0  # speech without a pause is committed in pieces of at most this long
KEEP_SILENCE = 1.0  # seconds of silence kept ahead of possible speech onset
PAD = 0.1  # seconds of audio around a region handed to Whisper, so no syllable is clipped
EXTRA_NICENESS = 5  # on top of the job runner's: live text matters less than the recorder and the window

Decoder = Callable[[np.ndarray], str]


@dataclass
class LiveText:
    """Text of one speech region; start/end in seconds of the recording. final=False: may still change."""

    start: float
    end: float
    text: str
    final: bool


class WavTail:
    """Reads the samples appended to a WAV file since the last read, as float32 mono at 16 kHz."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.samplerate = 0
        self.channels = 0
        self._pos = HEADER_BYTES
        self._carry = np.zeros(0, dtype=np.float32)  # input samples not yet covered by the resampler
        self._phase = 0.0  # position of the next output sample in input samples, relative to _carry

    def read(self) -> np.ndarray:
        if not self.samplerate and not self._read_header():
            return np.zeros(0, dtype=np.float32)
        try:
            with open(self.path, "rb") as f:
                f.seek(self._pos)
                data = f.read()
        except OSError:
            return np.zeros(0, dtype=np.float32)
        align = 2 * self.channels
        usable = len(data) // align * align  # a frame may be half written
        self._pos += usable
        pcm = np.frombuffer(data[:usable], dtype="<i2").reshape(-1, self.channels)
        mono = pcm.mean(axis=1, dtype=np.float32) / 32768.0
        return mono if self.samplerate == SAMPLE_RATE else self._resample(mono)

    def _read_header(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                head = f.read(HEADER_BYTES)
        except OSError:
            return False
        if len(head) < HEADER_BYTES or head[:4] != b"RIFF":
            return False
        self.channels, self.samplerate = struct.unpack("<HI", head[22:28])
        return self.samplerate > 0 and self.channels > 0

    def _resample(self, mono: np.ndarray) -> np.ndarray:
        """Linear interpolation, continuous across reads (good enough for a preview transcript)."""
        x = np.concatenate([self._carry, mono])
        step = self.samplerate / SAMPLE_RATE
        if len(x) < 2:
            self._carry = x
            return np.zeros(0, dtype=np.float32)
        positions = np.arange(self._phase, len(x) - 1, step)
        out = np.interp(positions, np.arange(len(x)), x).astype(np.float32)
        next_pos = self._phase + len(positions) * step
        keep = min(int(next_pos), len(x))  # the next output may lie beyond what has arrived
        self._carry, self._phase = x[keep:], next_pos - keep
        return out


class LiveTranscriber:
    """Turns audio, fed as it arrives, into final and provisional LiveTexts."""

    def __init__(self, decode: Decoder, *, min_silence: float = MIN_SILENCE,
                 provisional_step: float = PROVISIONAL_STEP, max_region: float = MAX_REGION):
        self.decode = decode
        self.min_silence = min_silence
        self.provisional_step = provisional_step
        self.max_region = max_region
        self.audio = np.zeros(0, dtype=np.float32)  # not yet committed; starts at self.offset
        self.offset = 0.0
        self._provisional: LiveText | None = None  # the latest provisional text of the open region

    def feed(self, samples: np.ndarray) -> list[LiveText]:
        if len(samples):
            self.audio = np.concatenate([self.audio, np.asarray(samples, dtype=np.float32)])
        return self._step(final=False)

    def flush(self) -> list[LiveText]:
        """The recording ended: everything still pending becomes final."""
        return self._step(final=True)

    def _step(self, final: bool) -> list[LiveText]:
        duration = len(self.audio) / SAMPLE_RATE
        if duration < 0.3:
            return []
        regions = speech_regions(self.audio, min_silence=self.min_silence, max_speech=self.max_region)
        if not regions:
            self._drop(duration - KEEP_SILENCE)
            return []
        out: list[LiveText] = []
        # Silero keeps a region open up to the end of the audio until a long enough pause closes it.
        closed = [r for r in regions if final or r.end < duration - 0.05 or r.end - r.start >= self.max_region]
        for region in closed:
            self._emit(region.start, region.end, True, out)
        if closed:
            self._drop(closed[-1].end)
        self._provisional = self._provisional if not closed else None
        open_regions = regions[len(closed):]
        if open_regions:
            start = open_regions[0].start - (closed[-1].end if closed else 0.0)
            now = len(self.audio) / SAMPLE_RATE
            spoken = now - start
            done_before = self._provisional.end - self.offset - start if self._provisional else 0.0
            # Short remarks get only their final text (each decode costs a full Whisper window).
            if spoken - done_before >= self.provisional_step:
                self._emit(start, now, False, out)
        return out

    def _emit(self, start: float, end: float, final: bool, out: list[LiveText]) -> None:
        prov = self._provisional
        if final and prov and abs(prov.start - (self.offset + start)) < 0.2 and self.offset + end - prov.end < 0.2:
            text = prov.text  # the provisional decode already heard the whole region: no second pass
        else:
            lo = max(0, int((start - PAD) * SAMPLE_RATE))
            hi = min(len(self.audio), int((end + PAD) * SAMPLE_RATE))
            text = self.decode(self.audio[lo:hi])
        item = LiveText(round(self.offset + start, 2), round(self.offset + end, 2), text, final)
        if not final:
            self._provisional = item
        if text or not final:  # an empty provisional text still clears the previous one
            out.append(item)

    def _drop(self, seconds: float) -> None:
        n = int(max(0.0, seconds) * SAMPLE_RATE)
        if n > 0:
            self.audio = self.audio[n:].copy()
            self.offset += n / SAMPLE_RATE


def whisper_decoder(model_path: Path, threads: int = 0) -> Decoder:
    """A fast preview decoder: greedy, one temperature, no timestamps; Simplified Chinese text."""
    from faster_whisper import WhisperModel

    from asr.heap import pin_mmap_threshold

    pin_mmap_threshold()  # the live child runs as long as the meeting: keep its memory flat
    model = WhisperModel(str(model_path), device="cpu", compute_type="int8", cpu_threads=threads,
                         num_workers=1, local_files_only=True)

    def decode(audio: np.ndarray) -> str:
        segments, _info = model.transcribe(
            audio, language="zh", beam_size=1, temperature=0.0, vad_filter=False,
            condition_on_previous_text=False, without_timestamps=True,
            compression_ratio_threshold=2.4, log_prob_threshold=-1.0, no_speech_threshold=0.6,
        )
        texts = []
        for seg in segments:
            if seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0:
                continue  # Whisper took it for silence and guessed: invented text
            text = clean_text(seg.text)
            if text and not is_hallucination(text):
                texts.append(text)
        return collapse_repeats("".join(texts))

    decode(np.zeros(SAMPLE_RATE, dtype=np.float32))  # first call pays for set-up: not on the first words
    return decode


def corrected(decode: Decoder, names: Sequence[str], hotwords: Sequence[str]) -> Decoder:
    """`decode` followed by the full pass's pinyin correction of terms and names (党飞收脚 -> 党费收缴)."""
    from asr.correct import Corrector, warm_up
    from asr.lexicon import correction_terms

    names = [n for n in names if n]
    corrector = Corrector(correction_terms(names, [w for w in hotwords if w not in names]), names=names)
    warm_up()  # the word model loads now, with the speech model, not on the first words
    return lambda audio: corrector.correct(decode(audio))


def recording_finished(wav: Path) -> bool:
    sidecar = read_sidecar(wav)
    return bool(sidecar) and sidecar.get("state") == "finished"


def follow_recording(wav: Path, model: str | Path = "base", *, names: Sequence[str] = (),
                     hotwords: Sequence[str] = (), decoder: Decoder | None = None,
                     poll: float = POLL_SECONDS) -> Iterator[LiveText | None]:
    """Yield LiveTexts for the recording being written to `wav` until its recorder closes it.

    A job for app.jobs.in_child; None is yielded while waiting for audio, so a cancel is noticed.
    `model` is a registry name or a model folder; `decoder` (tests) replaces the Whisper model.
    `names` (the roster) and `hotwords` (asr.lexicon.meeting_hotwords) are restored in the text.
    """
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(EXTRA_NICENESS)
    if decoder is None:
        model_path = Path(model)
        if not model_path.is_dir():
            from asr.models import ModelRegistry

            model_path = ModelRegistry().find(str(model))
        decoder = whisper_decoder(model_path, threads=1)  # one core stays free for the recorder and the window
    decoder = corrected(decoder, names, hotwords)
    tail = WavTail(Path(wav))
    live = LiveTranscriber(decoder)
    while True:
        finished = recording_finished(Path(wav))  # checked before the read, so that read is the last
        samples = tail.read()
        if finished:
            yield from live.feed(samples)
            yield from live.flush()
            return
        if len(samples) < poll * SAMPLE_RATE / 2:
            live.audio = np.concatenate([live.audio, samples])  # too little to look at yet
            time.sleep(poll)
            yield None
            continue
        yield from live.feed(samples)
