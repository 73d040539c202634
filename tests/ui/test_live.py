"""The live transcript beside the level meter: real speech through the recorder's callback, in real time."""

from __future__ import annotations

import functools
import wave

import numpy as np

from app.ui.capture import CapturePanel
from asr.decode import SAMPLE_RATE, read_audio
from asr.recorder import FileStream
from tests.conftest import SAMPLE_AUDIO
from tests.ui.conftest import shoot

SECONDS = 14.0  # the opening of the sample 支委会: "同志们，现在开会……"


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_live_text_appears_while_recording_and_stopping_keeps_the_file_whole(qtbot):
    audio = read_audio(SAMPLE_AUDIO)[: int(SECONDS * SAMPLE_RATE)]
    pcm = np.clip(audio * 32767.0, -32768, 32767).astype(np.int16)
    panel = CapturePanel(stream_factory=functools.partial(FileStream, pcm, realtime=True))
    panel.live_enabled = True
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh_devices()
    assert not panel.live_box.isVisible()

    panel.start_recording()
    assert panel.recording and panel.live_box.isVisible() and panel.live_pane.isReadOnly()
    qtbot.waitUntil(lambda: has_chinese(panel.live_pane.toPlainText()), timeout=30000)
    text = panel.live_pane.toPlainText()
    print(f"live text at {panel.recorder.elapsed:.1f} s of recording: {text!r}")
    assert "[0:00:" in text and panel.recorder.elapsed < SECONDS  # shown during the recording, not after it
    assert "不可用" not in panel.live_status.text()
    panel.resize(1100, 640)
    shoot(panel, "capture_live")

    recorder = panel.recorder
    with qtbot.waitSignal(panel.audio_ready) as ready:
        panel.stop_recording()
    assert not panel.live_box.isVisible() and panel.live_worker is None
    # Everything the device delivered is in the file, header sizes included.
    with wave.open(str(ready.args[0]), "rb") as w:
        frames = w.getnframes()
        data = np.frombuffer(w.readframes(frames), dtype="<i2")
    assert frames == recorder.frames_received == recorder.frames_written > 0
    assert data.tobytes() == pcm[:frames].tobytes()
    # The live child stops with the recording (cancelled between two decodes, or killed).
    qtbot.waitUntil(lambda: not panel.live_pool.active, timeout=10000)


def test_without_a_model_the_pane_says_so_and_recording_goes_on(qtbot):
    tone = (np.sin(np.arange(3 * SAMPLE_RATE) / 8) * 8000).astype(np.int16)
    panel = CapturePanel(stream_factory=functools.partial(FileStream, tone, realtime=True))
    panel.live_enabled = True
    panel.live_model = "nosuchmodel"
    qtbot.addWidget(panel)
    panel.refresh_devices()
    panel.start_recording()
    qtbot.waitUntil(lambda: "实时转写不可用" in panel.live_status.text(), timeout=20000)
    assert "nosuchmodel" in panel.live_status.text() and panel.recording
    recorder = panel.recorder
    with qtbot.waitSignal(panel.audio_ready):
        panel.stop_recording()
    assert recorder.frames_written == recorder.frames_received > 0 and recorder.error is None
