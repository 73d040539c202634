"""Audio in: any common container (wav, mp3, m4a, flac, ogg/opus, mp4) -> float32 mono 16 kHz.

PyAV decodes and resamples packet by packet, so a three-hour meeting never sits in memory whole:
iter_chunks hands out fixed-length blocks and keeps at most one block plus one decoded frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from core.errors import AudioError

SAMPLE_RATE = 16000
MAX_BAD_PACKETS = 8  # consecutive undecodable packets tolerated before the file counts as corrupt


def _open(path: Path):
    """Open a container that has an audio stream, or raise AudioError saying what is wrong."""
    import av

    path = Path(path)
    if not path.exists():
        raise AudioError(f"找不到录音文件“{path}”。")
    if path.is_dir():
        raise AudioError(f"“{path}”是文件夹，不是录音文件。")
    if path.stat().st_size == 0:
        raise AudioError(f"录音文件“{path.name}”是空的（0 字节）。")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioError(f"无法读取“{path.name}”：不是可识别的音频文件，或文件已损坏。") from exc
    if not container.streams.audio:
        container.close()
        raise AudioError(f"“{path.name}”中没有音轨，无法转写。")
    return container


def _declared_duration(container) -> float | None:
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base is microseconds
    return None


def probe_duration(path: Path) -> float:
    """Length of the audio in seconds; decodes the file only when the container does not say."""
    container = _open(path)
    try:
        seconds = _declared_duration(container)
    finally:
        container.close()
    if seconds is None:
        # Some streams (raw ADTS, certain ogg) carry no duration: count decoded samples instead.
        seconds = sum(len(c) for c in iter_chunks(path)) / SAMPLE_RATE
    if seconds <= 0:
        raise AudioError(f"录音“{Path(path).name}”长度为零，没有可转写的声音。")
    return seconds


def iter_chunks(path: Path, seconds: float = 30.0, start_sample: int = 0) -> Iterator[np.ndarray]:
    """Yield consecutive float32 mono 16 kHz blocks of `seconds` (the last one shorter).

    Blocks are contiguous: sample i of the file is at i / SAMPLE_RATE seconds, so callers can keep
    absolute timestamps by counting samples. start_sample: begin there (blocks counted from it): a
    recording of our own is read from that byte on, any other file is decoded and the start skipped.
    """
    import av

    block = max(1, int(round(seconds * SAMPLE_RATE)))
    if start_sample > 0:
        data_at = _pcm16_data_offset(Path(path))
        if data_at is not None:
            yield from _pcm16_blocks(Path(path), data_at + 2 * start_sample, block)
            return
        yield from _blocks_after(iter_chunks(path, seconds=seconds), start_sample, block)
        return
    container = _open(path)
    name = Path(path).name
    pending: list[np.ndarray] = []
    pending_len = 0
    produced = 0
    decoded = 0
    try:
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        # s16 then /32768, exactly as faster-whisper's own decode_audio: the same file gives the same
        # samples, so our transcript differs from plain faster-whisper only where we mean it to
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

        def frames():
            # Demux only the audio stream, so a video track in an mp4 is skipped without decoding.
            # A few damaged packets are skipped (one glitch should not lose a 3-hour meeting);
            # a run of them means the data is corrupt.
            bad_run = 0
            packets = container.demux(stream)
            while True:
                try:
                    packet = next(packets)
                except StopIteration:
                    break
                try:
                    decoded = packet.decode()
                except (av.error.FFmpegError, ValueError):
                    bad_run += 1
                    if bad_run > MAX_BAD_PACKETS:
                        raise
                    continue
                bad_run = 0
                for frame in decoded:
                    yield from resampler.resample(frame)
            yield from resampler.resample(None)  # flush the resampler's tail

        try:
            for frame in frames():
                samples = frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
                pending.append(samples)
                pending_len += len(samples)
                decoded += len(samples)
                while pending_len >= block:
                    joined = np.concatenate(pending)
                    out, rest = joined[:block], joined[block:]
                    pending, pending_len = ([rest] if len(rest) else []), len(rest)
                    produced += len(out)
                    yield out
        except (av.error.FFmpegError, ValueError) as exc:
            raise AudioError(
                f"录音“{name}”的数据已损坏，无法继续解码（约第 {decoded // SAMPLE_RATE} 秒处）。"
            ) from exc
        if pending_len:
            produced += pending_len
            yield np.concatenate(pending)
        if produced == 0:
            raise AudioError(f"录音“{name}”中没有可解码的声音，文件可能已损坏或长度为零。")
    finally:
        container.close()


def _blocks_after(chunks: Iterator[np.ndarray], start: int, block: int) -> Iterator[np.ndarray]:
    """The samples from `start` on, in blocks of `block` counted from there."""
    held, position = np.zeros(0, dtype=np.float32), 0
    for chunk in chunks:
        if position + len(chunk) > start:
            held = np.concatenate([held, chunk[max(0, start - position):]])
            while len(held) >= block:
                yield held[:block]
                held = held[block:]
        position += len(chunk)
    if len(held):
        yield held


def _pcm16_data_offset(path: Path) -> int | None:
    """Where the samples start in a 16 kHz mono 16-bit PCM WAV (what the recorder writes), else None.
    Its samples read straight from the file are what decoding gives (s16 / 32768, nothing resampled)."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            fmt_ok = False
            while True:
                chunk = f.read(8)
                if len(chunk) < 8:
                    return None
                kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if kind == b"fmt ":
                    body = f.read(size + (size & 1))
                    tag, channels, rate = struct.unpack("<HHI", body[:8])
                    bits = struct.unpack("<H", body[14:16])[0] if len(body) >= 16 else 0
                    fmt_ok = (tag, channels, rate, bits) == (1, 1, SAMPLE_RATE, 16)
                elif kind == b"data":
                    return f.tell() if fmt_ok else None
                else:
                    f.seek(size + (size & 1), 1)
    except (OSError, struct.error):
        return None


def _pcm16_blocks(path: Path, offset: int, block: int) -> Iterator[np.ndarray]:
    # to the end of the file, not the header's size: a recording cut off keeps its placeholder sizes
    with open(path, "rb") as f:
        f.seek(offset)
        while True:
            raw = f.read(2 * block)
            if len(raw) < 2:
                return
            yield np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0


def read_audio(path: Path) -> np.ndarray:
    """The whole file at once: only for short clips (enrollment, tests)."""
    chunks = list(iter_chunks(path, seconds=60.0))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
