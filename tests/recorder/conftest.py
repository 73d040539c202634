"""Audio sources for the recorder: the sample meeting decoded once, a hand-driven device, a filling disk."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest

from tests.conftest import SAMPLE_AUDIO

RATE = 16000


@pytest.fixture(scope="session")
def sample_pcm() -> np.ndarray:
    """The sample meeting as int16 at 16 kHz, exactly as FileStream feeds it."""
    from asr.decode import read_audio

    return np.clip(read_audio(SAMPLE_AUDIO) * 32767.0, -32768, 32767).astype(np.int16)


class ManualStream:
    """A device the test drives block by block through the recorder's callback, like PortAudio would."""

    def __init__(self, *, samplerate, channels=1, callback, **_kwargs):
        self.samplerate, self.channels, self.callback = samplerate, channels, callback
        self.started = self.closed = False

    def start(self):
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True

    def push(self, block: np.ndarray) -> None:
        assert self.started, "a stopped device delivers nothing"
        self.callback(block.reshape(len(block), -1), len(block), None, None)


@pytest.fixture
def manual_device():
    """A factory that remembers the stream it made, so the test can push blocks into it."""
    made: list[ManualStream] = []

    def factory(**kwargs):
        stream = ManualStream(**kwargs)
        made.append(stream)
        return stream

    factory.made = made
    return factory


class FillingDisk:
    """Stands in for the recorder's file: takes at most `space` more bytes (None: unlimited), then
    refuses with ENOSPC; `chunk` caps every write (a short write even with space)."""

    def __init__(self, real, space: int | None = None, chunk: int | None = None):
        self.real, self.space, self.chunk = real, space, chunk
        self.refused = 0

    def write(self, data) -> int:
        n = len(data)
        if self.chunk is not None:
            n = min(n, self.chunk)
        if self.space is not None:
            if self.space == 0:
                self.refused += 1
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            n = min(n, self.space)
            self.space -= n
        return self.real.write(bytes(data[:n]))

    def __getattr__(self, name):
        return getattr(self.real, name)
