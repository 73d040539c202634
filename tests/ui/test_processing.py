"""Recording, processing, cancelling, closing and recovering in the real window, with the real pipeline."""

from __future__ import annotations

import functools
import time
import wave

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.ui.main_window import TAB_TRANSCRIPT, MainWindow
from asr.recorder import FileStream, Recorder, unfinished_recordings
from core import paths
from core.types import Meeting
from tests.conftest import SAMPLE_AUDIO, SAMPLE_META
from tests.recorder.conftest import ManualStream
from tests.ui.conftest import shoot, wait_done, wait_saved


def sample_meeting() -> Meeting:
    from core.result import load_meta

    return load_meta(SAMPLE_META)


def fill_and_accept_form(meeting: Meeting):
    """Answer the modal new-meeting form the way a secretary would type it."""
    from app.ui.meeting_form import MeetingForm

    def answer():
        form = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MeetingForm) and w.isVisible())
        form.type_combo.setCurrentText(meeting.type)
        form.title_edit.setText(meeting.title)
        form.branch_edit.setText(meeting.branch)
        form.location_edit.setText(meeting.location)
        form.host_edit.setText(meeting.host)
        form.recorder_edit.setText(meeting.recorder)
        form.roster_edit.setPlainText("、".join(meeting.roster))
        y, m, d = map(int, meeting.date.split("-"))
        from PySide6.QtCore import QDate

        form.date_edit.setDate(QDate(y, m, d))
        shoot(form, "new_meeting")
        form.accept()

    QTimer.singleShot(0, answer)


@pytest.mark.slow
def test_full_flow_record_process_export(qtbot, store, tmp_path):
    """New meeting -> record (the sample replayed through the audio callback) -> process -> edit -> .docx."""
    factory = functools.partial(FileStream, SAMPLE_AUDIO)
    window = MainWindow(store=store, stream_factory=factory)
    window.setProperty("quiet_errors", True)
    qtbot.addWidget(window)
    window.show()
    meeting = sample_meeting()

    fill_and_accept_form(meeting)
    assert window.new_meeting()
    assert window.meeting.title == meeting.title and window.meeting.roster == meeting.roster

    window.act_record.trigger()
    recorder = window.capture.recorder
    assert recorder is not None and recorder.state == "recording"
    stream = recorder._stream
    assert stream.wait(timeout=60)
    window.capture._poll()
    shoot(window, "recording")
    with qtbot.waitSignal(window.capture.audio_ready, timeout=30000) as ready:
        window.act_stop.trigger()
    wav = ready.args[0]
    with wave.open(str(wav), "rb") as w:
        assert w.getnframes() == stream.frames_fed  # every sample reached the file
    worker = window.process_worker
    assert worker is not None
    seen_stages = []
    worker.signals.progress.connect(lambda e: seen_stages.append(e.stage))
    qtbot.waitUntil(lambda: window.capture.stage_bars["asr"].value() > 200, timeout=120000)
    shoot(window, "processing")
    wait_done(qtbot, window, worker, timeout=600000)
    assert window.last_error == ""
    result = window.result
    assert result is not None and result.id and window.tabs.currentIndex() == TAB_TRANSCRIPT
    assert len(result.segments) > 5 and {"asr", "minutes", "analytics", "save"} <= set(seen_stages)

    # Correct a sentence, then export: the documents carry the correction.
    model = window.transcript.model
    model.setData(model.index(0, model.TEXT), "同志们，现在开会（已校对）。")
    out = tmp_path / "export"
    export = window.export(out)
    wait_done(qtbot, window, export, timeout=120000)
    assert window.last_error == ""
    files = window.last_export  # named by meeting: <日期>-<标题>-会议记录.docx …
    assert files["minutes"].name == f"{meeting.date}-{meeting.title}-会议记录.docx" and files["minutes"].parent == out
    assert files["minutes"].stat().st_size > 0 and files["report"].exists()
    import docx

    text = "\n".join(p.text for p in docx.Document(str(files["minutes"])).paragraphs)
    assert meeting.host in text
    assert "已校对" in files["transcript"].read_text(encoding="utf-8")
    wait_saved(qtbot, window)
    saved = store.load_result(result.id)
    assert saved.segments[0].text == "同志们，现在开会（已校对）。"
    window.close()
    assert not window.pool.active


def test_cancel_a_run(qtbot, window, store):
    window.begin_meeting(sample_meeting())
    worker = window.start_processing(SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: window.capture.stage_bars["asr"].value() > 0, timeout=120000)
    with qtbot.waitSignals([worker.signals.cancelled, worker.signals.done], timeout=60000):
        window.capture.cancel_button.click()
    assert window.result is None and store.list_meetings() == []  # nothing half-saved
    assert window.capture.record_button.isEnabled() and not window.capture.cancel_button.isEnabled()
    # Not stuck at 正在取消…: it says what happened, and 重新处理 takes the same recording again.
    assert "已取消" in window.capture.detail_label.text() and "重新处理" in window.capture.detail_label.text()
    assert window.reprocess_button.isEnabled() and window.act_reprocess.isEnabled()
    again = window.reprocess()
    assert again is not None and again.args[1] == SAMPLE_AUDIO and not window.reprocess_button.isEnabled()
    with qtbot.waitSignals([again.signals.cancelled, again.signals.done], timeout=60000):
        window.cancel_processing()
    assert store.list_meetings() == [] and window.reprocess_button.isEnabled()


def test_close_while_processing_waits_for_the_worker(qtbot, window):
    window.begin_meeting(sample_meeting())
    worker = window.start_processing(SAMPLE_AUDIO)
    qtbot.waitUntil(lambda: window.capture.stage_bars["decode"].value() > 0, timeout=60000)
    t0 = time.monotonic()
    window.close()  # cancels and waits; never terminates a thread
    assert time.monotonic() - t0 < 6  # closing stays prompt even in the middle of recognition
    assert worker.finished.is_set() and worker.is_cancelled
    assert window.pool.pool.activeThreadCount() == 0 and not window.pool.active


def test_processing_error_is_shown_in_chinese(qtbot, window, tmp_path):
    bad = tmp_path / "坏文件.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    window.begin_meeting(Meeting(title="测试", date="2026-10-12"))
    worker = window.start_processing(bad)
    wait_done(qtbot, window, worker, timeout=60000)
    assert "坏文件.mp3" in window.last_error and window.result is None


def test_recording_controls_and_shortcuts(qtbot, store):
    made: list[ManualStream] = []

    def factory(**kw):
        made.append(ManualStream(**kw))
        return made[-1]

    window = MainWindow(store=store, stream_factory=factory)
    qtbot.addWidget(window)
    window.show()
    window.begin_meeting(Meeting(title="党小组会", type="党小组会", date="2026-10-20"))
    window.act_record.trigger()
    device, panel = made[0], window.capture
    assert panel.recording and not panel.record_button.isEnabled() and panel.stop_button.isEnabled()
    tone = (np.sin(np.arange(16000) / 8) * 12000).astype(np.int16)
    device.push(tone)
    window.act_pause.trigger()
    assert panel.pause_button.text() == "继续"
    device.push(tone)  # not recorded while paused
    window.act_pause.trigger()
    window.act_marker.trigger()
    device.push(tone)
    panel._poll()
    assert panel.level.value() > 80 and panel.elapsed_label.text() == "0:00:02"
    assert "0:00:01" in panel.markers_label.text()
    with qtbot.waitSignal(panel.audio_ready) as ready:
        window.act_stop.trigger()
    with wave.open(str(ready.args[0]), "rb") as w:
        assert w.getnframes() == 32000
    assert device.closed and not panel.recording
    window.cancel_processing()
    window.close()


def test_silent_and_unplugged_microphone_warnings(qtbot, store, monkeypatch):
    made: list[ManualStream] = []
    window = MainWindow(store=store, stream_factory=lambda **kw: made.append(ManualStream(**kw)) or made[-1])
    qtbot.addWidget(window)
    window.begin_meeting(Meeting(title="支委会", date="2026-10-20"))
    window.capture.start_recording()
    rec = window.capture.recorder
    made[0].push(np.zeros(1600, dtype=np.int16))
    monkeypatch.setattr(rec, "seconds_since_sound", lambda: 20.0)
    window.capture._poll()
    assert "静音" in window.capture.warning_label.text()
    assert "录音提醒" in window.statusBar().currentMessage()  # seen from any page, not only this tab
    monkeypatch.setattr(rec, "seconds_since_block", lambda: 5.0)
    window.capture._poll()
    assert "拔出" in window.capture.warning_label.text()
    monkeypatch.setattr(rec, "free_seconds", lambda: 600.0)
    monkeypatch.setattr(type(rec), "low_disk", property(lambda self: True))
    window.capture._poll()
    assert "磁盘空间不足" in window.capture.warning_label.text()
    window.close()  # closing while recording finalises the file instead of losing it
    assert rec.state == "stopped" and unfinished_recordings(paths.recordings_dir()) == []


def test_unfinished_recording_is_recovered_on_start(qtbot, window):
    # A recording whose program died: blocks on disk, header never finalised, sidecar still open.
    made: list[ManualStream] = []
    path = paths.recordings_dir() / "20261012-090000.wav"
    rec = Recorder(path, samplerate=16000, stream_factory=lambda **kw: made.append(ManualStream(**kw)) or made[-1])
    rec.start()
    for i in range(30):
        made[0].push(np.full(1600, i, dtype=np.int16))
    assert rec.wait_written(30 * 1600, timeout=10)
    assert unfinished_recordings(paths.recordings_dir()) == [path]
    assert window.check_unfinished_recordings(ask=False) == [path]
    with wave.open(str(path), "rb") as w:
        assert w.getnframes() == 30 * 1600
    assert unfinished_recordings(paths.recordings_dir()) == []


def test_settings_dialog_saves_and_about_shows_data_folder(qtbot, window, store):
    from app.ui.settings_dialog import SettingsDialog, about_text
    from core.settings import load_settings

    store.save_voiceprint("王建国", np.ones(8, dtype=np.float32), consent=True)

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())
        assert dialog.voice_list.count() == 1
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("small"))
        dialog.hotwords_edit.setPlainText("第一议题\n三重一大")
        dialog.diarize_check.setChecked(False)
        shoot(dialog, "settings")
        dialog.done(QDialog.DialogCode.Accepted)

    QTimer.singleShot(0, answer)
    window.open_settings()
    saved = load_settings()
    assert (saved.model, saved.extra_hotwords, saved.diarize) == ("small", ["第一议题", "三重一大"], False)
    assert window.settings.model == "small"
    text = about_text()
    assert str(paths.data_dir()) in text and "Qt" in text


def test_window_state_is_remembered(qtbot, store):
    first = MainWindow(store=store)
    qtbot.addWidget(first)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    second = MainWindow(store=store)
    qtbot.addWidget(second)
    second.show()
    assert second.isMaximized()  # restored from window.ini in the data folder
    second.close()


def test_sync_needs_a_platform_address(qtbot, window):
    assert window.settings.platform_url == ""
    assert window.sync() is None and "党建平台地址" in window.last_error
