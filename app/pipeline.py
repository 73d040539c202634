"""The processing pipeline: audio (or an edited transcript) -> Result, as a generator of progress.

The CLI draws a text progress bar and the UI a QProgressBar from the same Progress events;
a caller cancels by no longer iterating (the generator is closed and nothing is saved).
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import AudioError, StoreError
from core.result import load_transcript
from core.settings import Settings
from core.storage import MeetingStatus, Store, WorkingState
from core.types import Assessment, Meeting, Minutes, Result, Segment

STAGE_LABELS = {
    "decode": "读取录音",
    "asr": "语音转写",
    "speakers": "区分发言人",
    "minutes": "生成会议纪要",
    "analytics": "会议效能分析",
    "save": "保存",
}


@dataclass(frozen=True)
class Progress:
    stage: str  # a key of STAGE_LABELS
    fraction: float  # 0..1 within the stage
    detail: str = ""  # e.g. the latest transcribed sentence

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


@dataclass(frozen=True)
class RecognitionOptions:
    """Which recogniser, and how it runs: faster-whisper on this machine, or the unit's server."""

    engine: str = "local"  # "local" or "remote" (see core.settings)
    model: str = "base"
    device: str = "auto"  # asr.resolve_device: CUDA when present, else CPU
    compute_type: str = "int8"
    beam_size: int = 5
    extra_hotwords: tuple[str, ...] = ()
    endpoint: str = ""  # the remote recogniser's address, model and CA
    remote_model: str = ""
    ca: str = ""

    def transcribe_options(self, threads: int = 0):
        """asr's settings for the local recogniser: one builder for the offline pass and the pass run while
        recording (asr.incremental), so the two key their decoded chunks alike (asr.decoded)."""
        from asr import TranscribeOptions, resolve_device

        device, compute_type = resolve_device(self.device, self.compute_type)
        return TranscribeOptions(model=self.model, device=device, compute_type=compute_type,
                                 beam_size=self.beam_size, threads=threads)


@dataclass(frozen=True)
class SpeakerOptions:
    diarize: bool = True  # tell speakers apart (asr.speakers) and name the enrolled ones


@dataclass(frozen=True)
class MinutesOptions:
    """Which engine writes the minutes: the rules (default) or a language model, local or the unit's."""

    engine: str = "rules"  # "rules" or "llm" (see core.settings)
    llm_model_dir: str = ""
    llm_endpoint: str = ""
    llm_model: str = ""

    def llm_options(self):
        from summarizer import LLMOptions

        return LLMOptions(model_dir=Path(self.llm_model_dir) if self.llm_model_dir else None,
                          endpoint=self.llm_endpoint, model=self.llm_model)


@dataclass(frozen=True)
class ProcessOptions:
    """One job's options, copied when it is queued, so later edits in the UI cannot change a running job:
    the stages' own (built from the settings in one place, from_settings) and the job's."""

    recognition: RecognitionOptions = field(default_factory=RecognitionOptions)
    speakers: SpeakerOptions = field(default_factory=SpeakerOptions)
    minutes: MinutesOptions = field(default_factory=MinutesOptions)
    transcript: Path | None = None  # skip recognition and use these segments
    keep_names_from: str = ""  # id of an earlier result of this meeting whose speaker names are carried over
    replace_id: str = ""  # processing again: the result replaces this meeting (same id, its manual fields kept)
    audio_sha256: str = ""  # the recording's content hash when the caller has it already (audio_sha256())
    save: bool = True  # keep the meeting in the local store

    @classmethod
    def from_settings(cls, settings: Settings, **job) -> ProcessOptions:
        """The options the settings give; `job` sets the job's own fields (transcript, replace_id …)."""
        return cls(
            recognition=RecognitionOptions(
                engine=settings.asr_engine, model=settings.model, device=settings.device,
                compute_type=settings.compute_type, beam_size=settings.beam_size,
                extra_hotwords=tuple(settings.extra_hotwords), endpoint=settings.asr_endpoint,
                remote_model=settings.asr_remote_model, ca=settings.asr_ca or settings.platform_ca),
            speakers=SpeakerOptions(diarize=settings.diarize),
            minutes=MinutesOptions(engine=settings.minutes_engine, llm_model_dir=settings.llm_model_dir,
                                   llm_endpoint=settings.llm_endpoint, llm_model=settings.llm_model),
            **job,
        )


def audio_sha256(path: Path) -> str:
    """The recording's content hash: finds it again under another name (hashlib releases the GIL)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def hotwords_for(meeting: Meeting, extra: tuple[str, ...] = ()) -> list[str]:
    """Names and topics this meeting will likely mention, most specific first."""
    words = [*meeting.roster, meeting.host, meeting.recorder, *meeting.agenda, meeting.planned_first_topic, *extra]
    seen: dict[str, None] = {}
    for w in words:
        if w and w.strip():
            seen.setdefault(w.strip(), None)
    return list(seen)


def _transcriber(options: ProcessOptions):
    """The engine the settings chose: faster-whisper here, or the unit's server (only when asked and set)."""
    rec = options.recognition
    if rec.engine == "remote":
        from asr import RemoteTranscriber, get_token

        return RemoteTranscriber(rec.endpoint, rec.remote_model, token=get_token(), ca_file=rec.ca or None)
    from asr import ModelRegistry, Transcriber

    return Transcriber(ModelRegistry().find(rec.model), rec.transcribe_options())


def _transcribe(audio: Path, duration: float, meeting: Meeting, options: ProcessOptions) -> Generator[Progress, None, list[Segment]]:
    from asr import meeting_hotwords

    transcriber = _transcriber(options)
    segments: list[Segment] = []
    yield Progress("asr", 0.0, "正在连接语音识别服务器…" if options.recognition.engine == "remote" else "正在加载语音模型…")
    # The people who may speak or be named (roster, host, recorder), then the agenda's and the meeting
    # type's terms, then the user's own words: the names steer the decoder and post-correction.
    names = list(dict.fromkeys(n.strip() for n in [*meeting.roster, meeting.host, meeting.recorder] if n and n.strip()))
    agenda = [*meeting.agenda, meeting.planned_first_topic]
    hotwords = list(dict.fromkeys([*meeting_hotwords(names, agenda, meeting.type),
                                   *hotwords_for(meeting, options.recognition.extra_hotwords)]))
    log = _decoded_log(audio, transcriber, names, duration)
    if log is not None:
        yield Progress("asr", 0.0, log[1])
    for seg in transcriber.transcribe(audio, hotwords=hotwords, names=names, **({"log": log[0]} if log else {})):
        segments.append(seg)
        yield Progress("asr", min(seg.end / duration, 1.0) if duration else 0.0, seg.text)
    yield Progress("asr", 1.0)
    return segments


def _decoded_log(audio: Path, transcriber, names: list[str], duration: float):
    """(the log, what it says is left) when this recording was decoded while it was made (asr.decoded)."""
    from asr import DecodedLog, Transcriber, log_path

    if not isinstance(transcriber, Transcriber) or not log_path(audio).exists():
        return None
    log = DecodedLog.beside(audio)
    done = log.load(transcriber.settings_key(transcriber.decode_kwargs(names)))
    if not done.windows and not done.chunks:
        return log, "录音中未转写的部分正在转写…"
    left = max(0.0, duration - done.seconds_decoded)
    return log, f"录音时已转写 {_clock(done.seconds_decoded)}，还剩约 {_clock(left)} 的录音待转写…"


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60} 分 {s % 60:02d} 秒"


class ScanBeside:
    """asr.speakers.turns.scan_recording of `audio` in a thread of its own (its work is in numpy and
    onnxruntime, which release the GIL), taking up the scan saved while it was recorded."""

    def __init__(self, audio: Path):
        import threading

        self._stopped = threading.Event()
        self._scan = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(Path(audio),), name="speaker-scan", daemon=True)
        self._thread.start()

    def _run(self, audio: Path) -> None:
        from asr import checkpoint_path, scan_recording, scan_uses_pitch

        def progress(_fraction: float) -> None:
            if self._stopped.is_set():
                raise _Stopped

        scanned = checkpoint_path(audio)
        try:
            self._scan = scan_recording(audio, progress=progress, total_seconds=1.0, pitch=scan_uses_pitch(),
                                        checkpoint=scanned if scanned.exists() else None)
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the caller in result()
            self._error = exc

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._scan

    def stop(self, wait: float = 2.0) -> None:
        """Ask the scan to end at its next block and wait for it a little: a process that exits while the
        thread is inside onnxruntime can abort (exit -6) instead of ending cleanly."""
        self._stopped.set()
        self._thread.join(timeout=wait)


class _Stopped(Exception):
    pass


def extract_minutes(segments: list[Segment], meeting: Meeting, options: ProcessOptions) -> Minutes:
    """The minutes with the engine the settings chose (the rule engine or a language model)."""
    from summarizer import extract_minutes

    if options.minutes.engine != "llm":
        return extract_minutes(segments, meeting)
    return extract_minutes(segments, meeting, engine="llm", llm=options.minutes.llm_options())


_RECORDED_HERE = re.compile(r"^(?P<day>20\d{6})-(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\d{2}(?:-\d+)?$")


def recording_start(audio: Path) -> str:
    """"HH:MM" a recording made by this app began (its name is the start, 20261012-143005.wav), else ""."""
    found = _RECORDED_HERE.match(Path(audio).stem)
    return f"{found['h']}:{found['m']}" if found else ""


def process(
    audio: Path | None,
    meeting: Meeting,
    options: ProcessOptions | None = None,
    store: Store | None = None,
    segments: list[Segment] | None = None,
) -> Generator[Progress, None, Result]:
    """Run every stage; the generator's return value is the finished Result (saved when options.save).

    segments (or options.transcript) skip recognition. With options.replace_id the result replaces
    that meeting: same id, its status (修订中 stays), the minutes sections edited by hand, and, when no
    recording is given, its recording."""
    options = options or ProcessOptions()
    timings: dict[str, float] = {}
    t_total = time.perf_counter()
    store_ = store or (Store() if options.save or options.keep_names_from or options.replace_id else None)
    previous, state = _replaced(store_, options)

    t0 = time.perf_counter()
    yield Progress("decode", 0.0)
    audio = Path(audio) if audio is not None else None
    duration, sha256 = _probed(audio, meeting, options)
    yield Progress("decode", 1.0)
    timings["decode"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # Recognition keeps about one core busy (beam search is mostly serial): the speaker scan, which
    # needs only the audio, runs beside it on the other.
    scanning = ScanBeside(audio) if options.speakers.diarize and audio is not None and segments is None \
        and options.transcript is None else None
    try:
        segments = yield from _recognised(audio, duration, meeting, options, segments)
    except BaseException:  # cancelled or failed: the scan beside it stops too
        if scanning is not None:
            scanning.stop()
        raise
    timings["asr"] = time.perf_counter() - t0
    duration = duration or max(s.end for s in segments)

    t0 = time.perf_counter()
    segments = yield from _speakers(audio, segments, meeting, options, store_, scanning)
    if previous is not None:
        from app.speaker_names import keep_speaker_names

        segments = keep_speaker_names(previous.segments, segments)
    timings["speakers"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    yield Progress("minutes", 0.0)
    minutes = extract_minutes(segments, meeting, options)
    manual = state.manual if state is not None else set()
    if manual:  # the secretary's own corrections survive processing again, as they survive re-extraction
        from app.session import merge_minutes

        minutes = merge_minutes(previous.minutes, minutes, manual)
    yield Progress("minutes", 1.0)
    timings["minutes"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    yield Progress("analytics", 0.0)
    from analytics import assess

    assessment: Assessment = assess(segments, minutes, meeting)
    yield Progress("analytics", 1.0)
    timings["analytics"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_total

    kept_audio = audio is None and previous is not None and state is not None
    result = Result(meeting, segments, minutes, assessment,
                    audio_path=previous.audio_path if kept_audio else str(audio.resolve()) if audio else "",
                    duration=max(duration, previous.duration) if kept_audio else duration,
                    id=options.replace_id, timings=timings)
    if options.save:
        yield Progress("save", 0.0)
        status = MeetingStatus.REVISING if state is not None and state.status == MeetingStatus.REVISING else MeetingStatus.PROCESSED
        store_.save_result(result, status=status, audio_sha256=None if kept_audio else sha256,
                           manual=manual, pending="")
        yield Progress("save", 1.0)
    return result


def _probed(audio: Path | None, meeting: Meeting, options: ProcessOptions) -> tuple[float, str]:
    """(duration, SHA-256) of the recording; a recording made here also tells when the meeting began."""
    if audio is None:
        return 0.0, options.audio_sha256
    from asr import probe_duration

    duration = probe_duration(audio)  # first: an unreadable file is reported before anything else
    sha256 = options.audio_sha256 or audio_sha256(audio)
    if not meeting.start_time:
        meeting.start_time = recording_start(audio)
    return duration, sha256


def _replaced(store: Store | None, options: ProcessOptions) -> tuple[Result | None, WorkingState | None]:
    """(the earlier result, the replaced meeting's working state): checked first, so a wrong id or a
    frozen meeting is reported before minutes of recognition, not after."""
    earlier = options.keep_names_from or options.replace_id
    previous = store.load_result(earlier) if earlier and store is not None else None
    state = store.working_state(options.replace_id) if options.replace_id and store is not None else None
    if state is not None:
        title = previous.meeting.title if previous is not None else ""
        if state.deleted_at:
            raise StoreError(f"会议“{title or options.replace_id}”在回收站中：请先恢复，再重新处理。")
        if state.status == MeetingStatus.FINALIZED and options.save:
            raise StoreError(f"会议“{title or options.replace_id}”已定稿，不能用重新处理的结果替换；"
                             "如需更正，请先点击“修订”。")
    return previous, state


def _recognised(audio: Path | None, duration: float, meeting: Meeting, options: ProcessOptions,
                segments: list[Segment] | None) -> Generator[Progress, None, list[Segment]]:
    """The meeting's segments: given, read from a transcript file, or recognised from the recording."""
    if segments is not None:
        segments = list(segments)
    elif options.transcript is not None:
        segments = load_transcript(options.transcript)
    elif audio is None:
        raise AudioError("请提供录音文件或转写文件。")
    else:
        segments = yield from _transcribe(audio, duration, meeting, options)
    if not any(s.text.strip() for s in segments):
        raise AudioError("录音中没有检测到讲话，请检查录音是否为静音或麦克风是否正常。")
    return segments


def _speakers(audio: Path | None, segments: list[Segment], meeting: Meeting, options: ProcessOptions,
              store: Store | None, scanning: ScanBeside | None) -> Generator[Progress, None, list[Segment]]:
    """Segments with speakers (clusters named by enrolled voiceprints), unless they came with them."""
    if not (options.speakers.diarize and audio is not None and not any(s.speaker for s in segments)):
        if scanning is not None:
            scanning.stop()
            yield Progress("speakers", 1.0)
        return segments
    yield Progress("speakers", 0.0)
    from asr import checkpoint_path, diarize

    scanned = checkpoint_path(audio)  # the scan made while it was recorded (asr.incremental)
    return diarize(
        audio,
        segments,
        max_speakers=len(meeting.roster) or None,
        voiceprints=(store or Store()).voiceprints(),
        roster=meeting.roster,
        checkpoint=scanned if scanned.exists() else None,
        scan=scanning.result() if scanning is not None else None,
    )


def run(
    audio: Path | None,
    meeting: Meeting,
    options: ProcessOptions | None = None,
    store: Store | None = None,
    on_progress=None,
    segments: list[Segment] | None = None,
) -> Result:
    """Drive process() to the end, handing each Progress to on_progress."""
    gen = process(audio, meeting, options, store, segments)
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            return stop.value
        if on_progress:
            on_progress(event)
