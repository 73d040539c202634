"""Test audio made on the fly with PyAV, so the decoder is checked on real encoders' output."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

TONE_HZ = 440.0


def tone(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.3 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    return np.tile(mono, (channels, 1))


def write_audio(path: Path, codec: str, seconds: float = 2.0, rate: int = 44100, channels: int = 2,
                video: bool = False) -> Path:
    """Encode a tone with PyAV (optionally beside a small video track) and return the path."""
    import av

    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as out:
        if video:
            vstream = out.add_stream("mpeg4", rate=10)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
        astream = out.add_stream(codec, rate=rate, layout=layout)
        fmt = astream.codec_context.format.name if astream.codec_context.format else "fltp"
        samples = tone(seconds, rate, channels)
        frame_size = astream.codec_context.frame_size or 1024
        pts = 0
        for start in range(0, samples.shape[1], frame_size):
            block = np.ascontiguousarray(samples[:, start:start + frame_size])
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = rate, pts, Fraction(1, rate)
            pts += block.shape[1]
            if fmt != "fltp":
                frame = av.AudioResampler(format=fmt, layout=layout, rate=rate).resample(frame)[0]
            for packet in astream.encode(frame):
                out.mux(packet)
        for packet in astream.encode(None):
            out.mux(packet)
        if video:
            for i in range(int(seconds * 10)):
                img = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10 % 255, np.uint8), format="rgb24")
                img.pts = i
                for packet in vstream.encode(img.reformat(format="yuv420p")):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)
    return path


@pytest.fixture
def make_audio(tmp_path: Path):
    def make(name: str, codec: str, **kwargs) -> Path:
        return write_audio(tmp_path / name, codec, **kwargs)

    return make
