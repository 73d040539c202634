"""Meeting recording that never loses audio: device callback -> queue -> writer thread -> WAV on disk.

The audio callback (PortAudio's thread, or FileStream's in tests) only copies each block onto a
queue bounded by memory (MAX_BACKLOG_BYTES, hours of audio), so a slow or full disk never makes it
drop a block. A writer thread takes every queued block at once and appends them in one write (each
write reaches the OS at once; fsync about once a second, the interval counted from the end of the
previous fsync), so a slow disk gets bigger writes instead of falling behind, a crash of the program
loses at most the backlog still in memory (about a second, plus one slow fsync), a power cut about a
second more. When the disk refuses a write (full, or a short write), the audio stays in memory, the
writer retries every few seconds and resumes where the last accepted byte ended; only accepted
bytes count, so the header always matches the data. `write_warning` says so in Chinese meanwhile.

The file is created exclusively (a suffix when the name is taken): no recording is ever truncated.
The WAV header carries placeholder sizes until the writer finishes after stop(); a sidecar file
`<name>.wav.json` says the recording is still open, so the next start can find it and recover_wav()
can repair the header from the file's length. stop() need not wait for the disk: the writer
finishes in the background and sets `finished`.

The stream is made by a factory passed in (sounddevice.InputStream by default), so tests replay a
file through the very callback sounddevice calls. No Qt here: the UI polls the status on a timer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import shutil
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np

from core.errors import AudioError, os_reason

log = logging.getLogger(__name__)

HEADER_BYTES = 44
PLACEHOLDER_SIZE = 0xFFFFFFFF  # "streaming" WAV: readers such as FFmpeg read to the end of the file
BLOCK_SECONDS = 0.1
FSYNC_SECONDS = 1.0  # a power cut loses at most about this much
RETRY_SECONDS = 2.0  # after the disk refused a write (full), try again this often
MAX_BACKLOG_BYTES = 512 * 1024 * 1024  # memory for audio the disk has not taken: 4.6 h at 16 kHz mono
BACKLOG_WARN_SECONDS = 3.0  # show the backlog once this much audio waits in memory
SPACE_CHECK_SECONDS = 5.0
SILENCE_LEVEL = 0.003  # peak below this (about -50 dBFS) counts as silence
LOW_DISK_SECONDS = 30 * 60  # warn when less than half an hour of recording fits on the disk
SIDECAR_SUFFIX = ".json"


class Stream(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamFactory = Callable[..., Stream]


@dataclass
class InputDevice:
    index: int
    name: str
    channels: int
    samplerate: float
    is_default: bool = False


@dataclass
class Marker:
    seconds: float
    label: str = ""


@dataclass
class RecordingInfo:
    path: Path
    samplerate: int
    channels: int
    frames: int
    markers: list[Marker] = field(default_factory=list)
    overflows: int = 0  # blocks PortAudio itself reported as overrun before they reached us
    dropped: int = 0  # frames lost because the disk refused writes until memory ran out

    @property
    def seconds(self) -> float:
        return self.frames / self.samplerate if self.samplerate else 0.0


# ------------------------------------------------------------------ devices


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise AudioError("无法使用麦克风：系统缺少 PortAudio 音频库，请让管理员安装 libportaudio2。") from exc
    return sounddevice


def list_input_devices(sd: Any = None) -> list[InputDevice]:
    """Every device that can record, the system default marked."""
    sd = sd or _sounddevice()
    try:
        devices = sd.query_devices()
        default_in = sd.default.device[0] if sd.default.device else -1
    except Exception as exc:  # PortAudioError and friends: treat as "no device"
        log.warning("querying audio devices failed: %s", exc)
        return []
    return [
        InputDevice(i, d["name"], int(d["max_input_channels"]), float(d["default_samplerate"]), i == default_in)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def sounddevice_stream(**kwargs) -> Stream:
    """The real microphone: sounddevice.InputStream, its failures as Chinese AudioErrors."""
    sd = _sounddevice()
    if not list_input_devices(sd):
        raise AudioError("没有找到麦克风：请连接麦克风（或检查声卡驱动）后再开始录音，也可以导入已有录音。")
    if kwargs.get("samplerate") is None:
        info = sd.query_devices(kwargs.get("device"), "input")
        kwargs["samplerate"] = int(info["default_samplerate"])
    try:
        return sd.InputStream(**kwargs)
    except (sd.PortAudioError, ValueError) as exc:
        raise AudioError(f"无法打开麦克风：{exc}。请检查麦克风是否已插好、是否被其他程序占用。") from exc


class _NoStatus:
    """Stands in for sounddevice.CallbackFlags when nothing went wrong."""

    input_overflow = False

    def __bool__(self) -> bool:
        return False


class FileStream:
    """Replays audio through the callback exactly as sounddevice.InputStream does, from its own thread.

    `source` is an int16 array (frames,) or (frames, channels), or an audio file decoded at 16 kHz.
    `repeat_to` loops the source until that many frames were delivered (a three-hour session from a
    short file). `realtime=False` delivers as fast as the consumer takes it; `speed` > 1 replays a
    real-time source that many times faster (quick benchmark checks).
    """

    def __init__(self, source, *, samplerate, channels=1, dtype="int16", blocksize=0, callback, device=None,
                 repeat_to: int | None = None, realtime: bool = False, speed: float = 1.0, **_ignored):
        if isinstance(source, (str, Path)):
            from asr.decode import SAMPLE_RATE, read_audio

            if samplerate != SAMPLE_RATE:
                raise ValueError("FileStream decodes files at 16 kHz only")
            source = np.clip(read_audio(Path(source)) * 32767.0, -32768, 32767).astype(np.int16)
        data = np.asarray(source, dtype=np.int16)
        self.data = data.reshape(len(data), -1) if data.ndim == 1 else data
        if self.data.shape[1] != channels:
            self.data = np.repeat(self.data[:, :1], channels, axis=1)
        self.samplerate, self.channels = int(samplerate), channels
        self.blocksize = blocksize or int(samplerate * BLOCK_SECONDS)
        self.callback = callback
        self.total = repeat_to if repeat_to is not None else len(self.data)
        self.realtime = realtime
        self.speed = speed
        self.frames_fed = 0
        self.finished = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="file-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        n = len(self.data)
        t0 = time.monotonic()
        while self.frames_fed < self.total and not self._stop.is_set():
            want = min(self.blocksize, self.total - self.frames_fed)
            pos = self.frames_fed % n
            block = self.data[pos:pos + want]
            if len(block) < want:  # wrap around the end of the source
                block = np.concatenate([block, self.data[: want - len(block)]])
            self.callback(block, len(block), None, _NoStatus())
            self.frames_fed += len(block)
            if self.realtime:
                ahead = self.frames_fed / self.samplerate / self.speed - (time.monotonic() - t0)
                if ahead > 0:
                    self._stop.wait(ahead)
        self.finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the whole source was delivered."""
        return self.finished.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join()

    def close(self) -> None:
        self.stop()


# ------------------------------------------------------------------ WAV header


def wav_header(samplerate: int, channels: int, data_bytes: int | None = None) -> bytes:
    """A 44-byte PCM int16 header; data_bytes None writes the placeholder sizes."""
    block_align = channels * 2
    if data_bytes is None:
        riff, data = PLACEHOLDER_SIZE, PLACEHOLDER_SIZE
    else:
        riff, data = min(36 + data_bytes, 0xFFFFFFFF), min(data_bytes, 0xFFFFFFFF)
    return (
        b"RIFF" + struct.pack("<I", riff) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, samplerate, samplerate * block_align, block_align, 16)
        + b"data" + struct.pack("<I", data)
    )


def _read_format(path: Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(HEADER_BYTES)
    if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[12:16] != b"fmt ":
        raise AudioError(f"录音文件“{path.name}”的文件头已损坏，无法恢复。")
    channels, samplerate = struct.unpack("<HI", head[22:28])
    return samplerate, channels


def recover_wav(path: Path) -> RecordingInfo:
    """Repair a WAV whose header was never finalised: sizes from the file's length, a torn last frame cut.

    Also closes the sidecar, so the recording is no longer offered for recovery.
    """
    path = Path(path)
    sidecar = read_sidecar(path)
    try:
        samplerate, channels = _read_format(path)
    except AudioError:
        if not sidecar:
            raise
        # The crash came before the header reached the disk: rebuild it from the sidecar.
        samplerate, channels = int(sidecar["samplerate"]), int(sidecar["channels"])
        with open(path, "r+b") as f:
            f.write(wav_header(samplerate, channels))
    block_align = channels * 2
    size = path.stat().st_size
    data_bytes = (max(0, size - HEADER_BYTES) // block_align) * block_align
    with open(path, "r+b") as f:
        f.truncate(HEADER_BYTES + data_bytes)
        f.seek(0)
        f.write(wav_header(samplerate, channels, data_bytes))
        f.flush()
        os.fsync(f.fileno())
    markers = [Marker(**m) for m in (sidecar or {}).get("markers", [])]
    info = RecordingInfo(path, samplerate, channels, data_bytes // block_align, markers)
    _write_sidecar(path, info, finished=True)
    return info


def unfinished_recordings(folder: Path) -> list[Path]:
    """Recordings whose program stopped before it could close them (crash, power cut)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for sidecar in sorted(folder.glob(f"*.wav{SIDECAR_SUFFIX}")):
        try:
            state = json.loads(sidecar.read_text(encoding="utf-8")).get("state")
        except (OSError, ValueError):
            continue
        wav = sidecar.with_suffix("")
        if state == "recording" and wav.exists():
            found.append(wav)
    return found


def _sidecar_path(wav: Path) -> Path:
    return wav.with_name(wav.name + SIDECAR_SUFFIX)


def read_sidecar(wav: Path) -> dict | None:
    try:
        return json.loads(_sidecar_path(wav).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_sidecar(wav: Path, info: RecordingInfo, finished: bool, extra: dict | None = None) -> None:
    data = {
        "state": "finished" if finished else "recording",
        "samplerate": info.samplerate,
        "channels": info.channels,
        "frames": info.frames,
        "markers": [asdict(m) for m in info.markers],
        "updated_at": dt.datetime.now().isoformat(timespec="seconds"),
        **(extra or {}),
    }
    tmp = _sidecar_path(wav).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, _sidecar_path(wav))


# ------------------------------------------------------------------ the recorder


def _create_exclusive(path: Path) -> tuple[BinaryIO, Path]:
    """Create `path`, or `<stem>-2.wav`, `-3`… when taken: a recording is never truncated or shared."""
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        if _sidecar_path(candidate).exists():  # a stale sidecar would mislabel the new recording
            continue
        try:
            # Unbuffered: each write reaches the OS at once. Closed by the writer, so no context manager.
            return open(candidate, "xb", buffering=0), candidate  # noqa: SIM115
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "too many recordings with this name", str(path))


class Recorder:
    """Records one meeting to `path` (int16 PCM WAV). start() -> pause()/resume()/add_marker() -> stop().

    The file is created exclusively: when `path` is taken, a suffix is added (see `path` after start).
    Thread-safe to poll from the UI: level, elapsed, frames_written, backlog_seconds, write_warning,
    seconds_since_sound, seconds_since_block, free_seconds, error, finished.
    """

    def __init__(self, path: Path, *, samplerate: int | None = None, channels: int = 1, device: int | str | None = None,
                 stream_factory: StreamFactory | None = None, blocksize: int | None = None,
                 fsync_seconds: float = FSYNC_SECONDS, retry_seconds: float = RETRY_SECONDS,
                 max_backlog_bytes: int = MAX_BACKLOG_BYTES, meta: dict | None = None):
        self.path = Path(path)
        self.samplerate = samplerate
        self.channels = channels
        self.device = device
        self.stream_factory = stream_factory or sounddevice_stream
        self.blocksize = blocksize
        self.fsync_seconds = fsync_seconds
        self.retry_seconds = retry_seconds
        self.max_backlog_bytes = max_backlog_bytes
        self.meta = dict(meta or {})  # e.g. the meeting title, kept in the sidecar for recovery
        self.state = "idle"  # idle | recording | paused | stopping (writer finishing) | stopped
        self.markers: list[Marker] = []
        self.level = 0.0  # peak of the latest block, 0..1
        self.frames_received = 0
        self.bytes_written = 0  # data bytes the OS accepted; the header is always made from this
        self.frames_dropped = 0  # only when the backlog outgrew max_backlog_bytes
        self.overflows = 0
        self.fsyncs = 0
        self.max_backlog_seconds = 0.0
        self.error: AudioError | None = None  # audio was lost, or the file could not be finished
        self.finished = threading.Event()  # set once the file is final (header, sidecar) after stop()
        self._cond = threading.Condition()  # guards _blocks, _backlog, _stopping, bytes_written
        self._blocks: list[bytes] = []
        self._backlog = 0  # bytes received but not yet written (queued or pending in the writer)
        self._stopping = False
        self._write_failure: OSError | None = None  # the disk's latest refusal, cleared by a good write
        self._file: BinaryIO | None = None
        self._stream: Stream | None = None
        self._writer: threading.Thread | None = None
        self._last_block = 0.0
        self._last_sound = 0.0
        self._free_bytes: int | None = None

    # ------------------------------------------------ control

    def start(self) -> None:
        if self.state != "idle":
            raise RuntimeError("a Recorder records once")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._free_bytes = shutil.disk_usage(self.path.parent).free
        except OSError as exc:
            raise AudioError(f"无法在“{self.path.parent}”保存录音：{os_reason(exc)}") from exc
        kwargs = {"samplerate": self.samplerate, "channels": self.channels, "dtype": "int16",
                  "callback": self._callback, "device": self.device}
        if self.blocksize:
            kwargs["blocksize"] = self.blocksize
        stream = self.stream_factory(**kwargs)
        self.samplerate = int(getattr(stream, "samplerate", None) or self.samplerate or 16000)
        try:
            self._file, self.path = _create_exclusive(self.path)
            self._file.write(wav_header(self.samplerate, self.channels))
            os.fsync(self._file.fileno())
            _write_sidecar(self.path, self._info(), finished=False, extra=self.meta)
        except OSError as exc:
            stream.close()
            if self._file is not None:
                self._discard_file()
            raise AudioError(f"无法创建录音文件“{self.path}”：{os_reason(exc)}") from exc
        now = time.monotonic()
        self._last_block = self._last_sound = now
        self.state = "recording"
        self._stream = stream
        try:
            stream.start()
        except Exception as exc:
            self.state = "stopped"
            self._stream = None
            self._discard_file()  # nothing was recorded: leave no empty recording to "recover"
            raise AudioError(f"麦克风无法开始录音：{exc}。请检查麦克风是否已插好。") from exc
        # Started after the stream: blocks delivered meanwhile simply wait in the queue.
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
        self._writer.start()

    def _discard_file(self) -> None:
        self._file.close()
        for p in (self.path, _sidecar_path(self.path)):
            p.unlink(missing_ok=True)

    def pause(self) -> None:
        if self.state == "recording":
            self.state = "paused"

    def resume(self) -> None:
        if self.state == "paused":
            self.state = "recording"

    def add_marker(self, label: str = "") -> Marker:
        marker = Marker(round(self.elapsed, 2), label)
        self.markers.append(marker)
        try:  # so a crash keeps the markers too
            _write_sidecar(self.path, self._info(), finished=False, extra=self.meta)
        except OSError as exc:
            log.warning("saving the marker failed: %s", exc)
        return marker

    def stop(self, timeout: float | None = None) -> RecordingInfo:
        """Stop the device; the writer then drains the backlog and finalises the file in its own thread.

        Waits at most `timeout` seconds for that (None: until the file is final). With timeout=0 the
        call returns at once, so the UI never waits on the disk: poll `finished` (or wait_finished())
        and call info() then. Safe to call twice.
        """
        if self.state == "idle":
            return self._info()
        if self.state in ("recording", "paused"):
            stream, self._stream = self._stream, None
            if stream is not None:
                try:
                    stream.stop()
                    stream.close()
                except Exception as exc:  # an unplugged device may fail to stop; the data is already queued
                    log.warning("closing the input stream failed: %s", exc)
            with self._cond:  # after the stream stopped, so no block can follow
                self.state = "stopping"
                self._stopping = True
                self._cond.notify_all()
        self.finished.wait(timeout)
        return self._info()

    def wait_finished(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def info(self) -> RecordingInfo:
        return self._info()

    # ------------------------------------------------ status for the UI

    @property
    def elapsed(self) -> float:
        """Seconds of audio recorded (pauses excluded)."""
        return self.frames_received / self.samplerate if self.samplerate else 0.0

    @property
    def frames_written(self) -> int:
        return self.bytes_written // self._frame_bytes

    @property
    def _frame_bytes(self) -> int:
        return self.channels * 2

    @property
    def backlog_seconds(self) -> float:
        """Audio received but not yet on disk: it lives only in memory, so a crash would lose it."""
        rate = (self.samplerate or 0) * self._frame_bytes
        return self._backlog / rate if rate else 0.0

    @property
    def write_warning(self) -> str:
        """A Chinese warning while the disk refuses writes or falls behind ("" when all is well)."""
        backlog = self.backlog_seconds
        failure = self._write_failure
        if failure is not None:
            if failure.errno in (errno.ENOSPC, errno.EDQUOT):
                return (f"磁盘已满：已有 {backlog:.0f} 秒录音暂存在内存中，请立即释放磁盘空间，"
                        "空间恢复后会自动继续写入（请勿关闭程序）。")
            return (f"录音写入磁盘失败（{os_reason(failure)}）：已有 {backlog:.0f} 秒录音暂存在内存中，"
                    "正在自动重试（请勿关闭程序）。")
        if backlog >= BACKLOG_WARN_SECONDS:
            return f"磁盘写入较慢，已积压 {backlog:.0f} 秒录音（暂存在内存中，正在写入）。"
        return ""

    @property
    def level_db(self) -> float:
        return 20 * np.log10(max(self.level, 1e-5))

    def seconds_since_sound(self) -> float:
        """How long the microphone has been silent (a muted or dead microphone shows here)."""
        return time.monotonic() - self._last_sound if self.state == "recording" else 0.0

    def seconds_since_block(self) -> float:
        """How long no audio arrived at all (an unplugged device shows here)."""
        return time.monotonic() - self._last_block if self.state == "recording" else 0.0

    def free_seconds(self) -> float | None:
        if self._free_bytes is None or not self.samplerate:
            return None
        return self._free_bytes / (self.samplerate * self.channels * 2)

    @property
    def low_disk(self) -> bool:
        free = self.free_seconds()
        return free is not None and free < LOW_DISK_SECONDS

    def wait_written(self, frames: int, timeout: float | None = None) -> bool:
        """Block until at least `frames` are on disk (or the file is final)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.frames_written >= frames or self.finished.is_set(), timeout)

    def _info(self) -> RecordingInfo:
        return RecordingInfo(self.path, int(self.samplerate or 0), self.channels, self.frames_written,
                             list(self.markers), self.overflows, self.frames_dropped)

    # ------------------------------------------------ threads

    def _callback(self, indata, frames, time_info, status) -> None:
        """Runs on the audio thread: copy, enqueue, measure. Never blocks; drops only past the memory budget."""
        now = time.monotonic()
        self._last_block = now
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        peak = float(np.abs(indata).max()) / 32768.0 if len(indata) else 0.0
        self.level = peak
        if peak > SILENCE_LEVEL:
            self._last_sound = now
        if self.state != "recording":
            return
        data = np.ascontiguousarray(indata, dtype=np.int16).tobytes()
        with self._cond:
            if self._stopping:  # a device that failed to stop: the writer may have taken its last batch
                return
            self.frames_received += frames
            if self._backlog + len(data) > self.max_backlog_bytes:
                self.frames_dropped += frames
                lost = self.frames_dropped / self.samplerate
                self.error = AudioError(f"磁盘长时间无法写入，内存暂存已满，已丢失 {lost:.0f} 秒录音："
                                        "请立即释放磁盘空间。")
                return
            self._blocks.append(data)
            self._backlog += len(data)
            self.max_backlog_seconds = max(self.max_backlog_seconds, self.backlog_seconds)
            self._cond.notify_all()

    def _write_loop(self) -> None:
        pending = bytearray()  # taken from the queue, not yet accepted by the OS
        unsynced = False
        last_sync = time.monotonic()  # start() fsynced the header just before
        retry_at = 0.0  # after the disk refused a write: when to try again
        last_space_check = last_sync
        while True:
            with self._cond:
                if not self._blocks:
                    delay = self._idle_delay(pending, unsynced, last_sync, retry_at)
                    if delay > 0:
                        self._cond.wait(delay)
                blocks, self._blocks = self._blocks, []
                stopping = self._stopping
            for block in blocks:  # every queued block goes out in one write
                pending += block
            if pending and time.monotonic() >= retry_at:
                before = self.bytes_written
                if not self._write_pending(pending):
                    retry_at = time.monotonic() + self.retry_seconds
                unsynced = unsynced or self.bytes_written > before
            # The interval counts from the end of the last fsync: a disk slower than the interval then
            # gets one fsync per batch of blocks, never one per block.
            now = time.monotonic()
            if unsynced and now >= retry_at and now - last_sync >= self.fsync_seconds:
                try:
                    os.fsync(self._file.fileno())
                    self.fsyncs += 1
                    unsynced = False
                except OSError as exc:
                    log.warning("fsync of the recording failed: %s", exc)
                    self._write_failure = OSError(exc.errno, exc.strerror)
                    retry_at = time.monotonic() + self.retry_seconds
                last_sync = time.monotonic()
            if time.monotonic() - last_space_check >= SPACE_CHECK_SECONDS:
                last_space_check = time.monotonic()
                with contextlib.suppress(OSError):
                    self._free_bytes = shutil.disk_usage(self.path.parent).free
            if stopping and not pending:
                break  # stop() came after the last block; _finish() fsyncs what is left
        self._finish()

    def _idle_delay(self, pending: bytearray, unsynced: bool, last_sync: float, retry_at: float) -> float:
        """How long the writer may sleep when no block is queued: until a retry, an fsync or the end."""
        now = time.monotonic()
        if pending:  # the disk refused it: wait for the retry
            return retry_at - now
        if self._stopping:
            return 0.0
        if unsynced:
            return max(last_sync + self.fsync_seconds, retry_at) - now
        return SPACE_CHECK_SECONDS

    def _write_pending(self, pending: bytearray) -> bool:
        """Write as much of `pending` as the OS takes, counting only bytes it accepted. False when refused."""
        done = 0
        ok = True
        with memoryview(pending) as view:
            try:
                if self._write_failure is not None:  # after a refusal, resume exactly after the last good byte
                    self._file.seek(HEADER_BYTES + self.bytes_written)
                while done < len(view):
                    with view[done:] as chunk:
                        n = self._file.write(chunk)
                    if not n:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    done += n
                    with self._cond:
                        self.bytes_written += n
                        self._backlog -= n
                        self._cond.notify_all()
                self._write_failure = None
            except OSError as exc:
                if self._write_failure is None:
                    log.error("writing the recording failed, keeping the audio in memory: %s", exc)
                self._write_failure = OSError(exc.errno, exc.strerror)  # no traceback: it would pin `chunk`
                ok = False
        del pending[:done]
        return ok

    def _finish(self) -> None:
        """Header sizes from the bytes actually written, fsync, close, mark the sidecar finished."""
        try:
            data_bytes = self.bytes_written // self._frame_bytes * self._frame_bytes
            self._file.truncate(HEADER_BYTES + data_bytes)  # a torn last frame never counts
            self._file.seek(0)
            self._file.write(wav_header(self.samplerate, self.channels, data_bytes))
            os.fsync(self._file.fileno())
            self._file.close()
            _write_sidecar(self.path, self._info(), finished=True, extra=self.meta)
        except OSError as exc:
            self.error = self.error or AudioError(f"录音文件收尾失败：{os_reason(exc)}（可在下次启动时恢复）")
        with self._cond:
            self.state = "stopped"
            self.finished.set()
            self._cond.notify_all()
