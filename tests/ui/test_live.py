"""The live transcript beside the level meter: real speech through the recorder's callback, in real time.

Also the capture panel under disk faults (slow fsync, full disk), a second recording started while
the first is saved or processed, and closing the window during a recording."""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
import wave

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import capture
from app.ui.capture import CANCEL, KEEP_RECORDING, STOP_AND_SAVE, CapturePanel
from asr.decode import SAMPLE_RATE, read_audio
from asr.recorder import FileStream, unfinished_recordings
from core import paths
from core.types import Meeting
from tests.conftest import SAMPLE_AUDIO
from tests.recorder.conftest import FillingDisk, ManualStream
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


# ------------------------------------------------------------------ disk faults, second recordings, closing


def manual_factory():
    made: list[ManualStream] = []

    def factory(**kw):
        made.append(ManualStream(**kw))
        return made[-1]

    factory.made = made
    return factory


def read_frames(path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_stop_with_a_slow_disk_returns_at_once_and_processes_once_saved(qtbot, sanhui_home, monkeypatch):
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (time.sleep(1.2), real_fsync(fd)))
    tone = (np.sin(np.arange(2 * SAMPLE_RATE) / 8) * 8000).astype(np.int16)
    panel = CapturePanel(stream_factory=functools.partial(FileStream, tone, realtime=True))
    qtbot.addWidget(panel)
    panel.refresh_devices()
    assert panel.start_recording()
    recorder = panel.recorder
    assert recorder._stream.wait(timeout=10)
    ready: list = []
    panel.audio_ready.connect(ready.append)
    t0 = time.monotonic()
    panel.stop_recording()
    assert time.monotonic() - t0 < 0.3  # the fsyncs happen in the writer, not on the UI thread
    assert panel.saving and not panel.recording and not ready and "正在保存录音" in panel.status_label.text()
    assert not panel.record_button.isEnabled()
    qtbot.waitUntil(lambda: bool(ready), timeout=10000)
    assert recorder.finished.is_set() and not panel.saving and "录音已保存" in panel.status_label.text()
    assert read_frames(ready[0]).tobytes() == tone.tobytes()  # handed on only once the file was final


def test_full_disk_and_backlog_warnings_are_shown_in_chinese(qtbot, sanhui_home, monkeypatch):
    factory = manual_factory()
    panel = CapturePanel(stream_factory=factory)
    qtbot.addWidget(panel)
    panel.start_recording()
    recorder = panel.recorder
    recorder.retry_seconds = 0.05
    disk = recorder._file = FillingDisk(recorder._file, space=0)
    tone = (np.sin(np.arange(SAMPLE_RATE) / 8) * 8000).astype(np.int16)
    for _ in range(3):
        factory.made[0].push(tone)
    qtbot.waitUntil(lambda: disk.refused > 0, timeout=5000)
    panel._poll()
    assert "磁盘已满" in panel.warning_label.text() and "3 秒" in panel.warning_label.text()
    disk.space = None
    assert recorder.wait_written(3 * SAMPLE_RATE, timeout=5)
    panel._poll()
    assert panel.warning_label.text() == ""
    monkeypatch.setattr(type(recorder), "backlog_seconds", property(lambda self: 12.0))
    panel._poll()
    assert "磁盘写入较慢，已积压 12 秒录音" in panel.warning_label.text()
    monkeypatch.undo()
    with qtbot.waitSignal(panel.recording_saved):
        panel.stop_recording(process=False)
    assert len(read_frames(recorder.path)) == 3 * SAMPLE_RATE


def test_recording_again_in_the_same_second_never_touches_the_first_file(qtbot, sanhui_home, monkeypatch):
    class FrozenClock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 10, 12, 9, 0, 0)

    monkeypatch.setattr(capture.dt, "datetime", FrozenClock)
    factory = manual_factory()
    panel = CapturePanel(stream_factory=factory)
    qtbot.addWidget(panel)
    ready: list = []
    panel.audio_ready.connect(ready.append)
    panel.start_recording()
    factory.made[0].push(np.full(1600, 1, dtype=np.int16))
    with qtbot.waitSignal(panel.recording_saved):
        panel.stop_recording()
    first = ready[0]
    assert first.name == "20261012-090000.wav"
    assert panel.start_recording()  # a new meeting at once: a new file, however quick
    factory.made[1].push(np.full(1600, 2, dtype=np.int16))
    with qtbot.waitSignal(panel.recording_saved):
        panel.stop_recording()
    assert ready[1].name == "20261012-090000-2.wav"
    assert set(read_frames(first)) == {1} and set(read_frames(ready[1])) == {2}


def recording_window(qtbot, store):
    from app.ui.main_window import MainWindow

    factory = manual_factory()
    window = MainWindow(store=store, stream_factory=factory)
    window.setProperty("quiet_errors", True)
    qtbot.addWidget(window)
    window.show()
    window.begin_meeting(Meeting(title="支委会", date="2026-10-20"))
    window.act_record.trigger()
    assert window.capture.recording
    factory.made[0].push(np.full(1600, 7, dtype=np.int16))
    return window, factory


def test_ctrl_r_while_the_last_recording_is_saved_or_processed_is_refused(qtbot, store):
    window, factory = recording_window(qtbot, store)
    panel = window.capture
    first = panel.recorder
    first.retry_seconds = 0.05
    disk = first._file = FillingDisk(first._file, space=0)  # the save cannot finish yet
    factory.made[0].push(np.full(1600, 8, dtype=np.int16))
    panel.stop_recording(process=False)  # processing it would start the model: not needed here
    assert panel.saving
    window.act_record.trigger()
    assert not panel.recording and panel.recorder is first and len(factory.made) == 1
    assert "上一段录音正在保存" in panel.warning_label.text()
    disk.space = None
    qtbot.waitUntil(lambda: not panel.saving, timeout=5000)
    panel.set_processing(True)  # as start_processing does: the file is being transcribed
    window.act_record.trigger()
    assert not panel.recording and panel.recorder is first and len(factory.made) == 1
    assert "上一段录音正在转写" in panel.warning_label.text()
    assert "录音提醒" in window.statusBar().currentMessage()
    assert set(read_frames(first.path)) == {7, 8}
    panel.set_processing(False)
    window.act_record.trigger()
    assert panel.recording and panel.recorder.path != first.path
    window.capture.ask_close = lambda: STOP_AND_SAVE
    window.close()


@pytest.mark.parametrize("answer", [KEEP_RECORDING, CANCEL])
def test_closing_while_recording_can_keep_recording(qtbot, store, answer):
    window, factory = recording_window(qtbot, store)
    asked: list[str] = []
    window.capture.ask_close = lambda: asked.append(answer) or answer
    assert not window.close()
    assert asked == [answer] and window.isVisible() and window.capture.recording
    factory.made[0].push(np.full(1600, 9, dtype=np.int16))  # still recording
    window.capture.ask_close = lambda: STOP_AND_SAVE
    assert window.close()
    rec = window.capture.recorder
    assert rec.state == "stopped" and set(read_frames(rec.path)) == {7, 9}


def test_closing_with_stop_and_save_finalises_the_file_without_processing(qtbot, store):
    window, _ = recording_window(qtbot, store)
    window.capture.ask_close = lambda: STOP_AND_SAVE
    assert window.close()
    rec = window.capture.recorder
    assert rec.state == "stopped" and rec.info().frames == 1600 and window.process_worker is None
    assert unfinished_recordings(paths.recordings_dir()) == []


def test_closing_while_the_disk_refuses_the_backlog_is_refused(qtbot, store, monkeypatch):
    monkeypatch.setattr(capture, "CLOSE_WAIT_SECONDS", 0.3)
    window, _ = recording_window(qtbot, store)
    rec = window.capture.recorder
    rec.retry_seconds = 0.05
    disk = rec._file = FillingDisk(rec._file, space=0)
    window.capture.ask_close = lambda: STOP_AND_SAVE
    assert not window.close()  # quitting now would lose the audio still in memory
    assert window.isVisible() and "未写入磁盘" in window.capture.warning_label.text()
    disk.space = None
    assert window.close()
    assert rec.state == "stopped" and set(read_frames(rec.path)) == {7}


def test_the_close_question_offers_keep_stop_cancel_in_chinese(qtbot, sanhui_home, monkeypatch):
    panel = CapturePanel(stream_factory=manual_factory())
    qtbot.addWidget(panel)
    monkeypatch.setattr(capture.QGuiApplication, "platformName", staticmethod(lambda: "xcb"))  # a real desktop
    seen: list[list[str]] = []

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "正在录音" in box.text()
        seen.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == "停止并保存").click()

    QTimer.singleShot(0, answer)
    assert panel._ask_close() == STOP_AND_SAVE
    assert sorted(seen[0]) == sorted(["继续录音", "停止并保存", "取消"])
