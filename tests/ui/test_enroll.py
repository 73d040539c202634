"""Naming a speaker in the transcript can enroll the member's voiceprint, only with consent (issue #4)."""

from __future__ import annotations

import json

import numpy as np

from app.ui.transcript import RenameDialog
from app.voice_enroll import cut_spans, speaker_spans
from core.types import Meeting, Result, Segment
from tests.conftest import SAMPLE_AUDIO
from tests.ui.conftest import make_result, shoot, wait_done


def corpus_meeting(corpus_dir) -> Result:
    """m01 with the true sentence times, every speaker still anonymous as diarization leaves them."""
    truth = json.loads((corpus_dir / "synthetic" / "m01.truth.json").read_text(encoding="utf-8"))
    labels = {s: f"发言人{i + 1}" for i, s in enumerate(sorted({x["speaker"] for x in truth["segments"]}))}
    segments = [Segment(x["start"], x["end"], x["text"], labels[x["speaker"]]) for x in truth["segments"]]
    names = {labels[x["speaker"]]: x["name"] for x in truth["segments"]}
    meeting = Meeting(title="m01", date="2026-10-12", roster=sorted(set(names.values())))
    result = Result(meeting, segments, make_result().minutes, make_result().assessment,
                    audio_path=str(corpus_dir / "synthetic" / "m01.wav"), duration=truth["duration"])
    result.names = names  # test-only: who each label really is
    return result


def test_spans_take_the_longest_sentences_and_cut_them_from_the_file():
    segs = [Segment(0, 2, "a", "甲"), Segment(2, 12, "b", "乙"), Segment(12, 40, "c", "甲"), Segment(40, 45, "d", "甲")]
    assert speaker_spans(segs, "甲", max_seconds=30) == [(12.15, 39.85), (40.15, 42.45)]  # longest first, capped
    audio = cut_spans(SAMPLE_AUDIO, [(1.0, 2.0), (3.0, 3.5)])
    assert len(audio) == 24000 and audio.dtype == np.float32


def test_consent_box_only_for_a_real_name(qtbot):
    dialog = RenameDialog("发言人2", ["王建国", "刘芳"], can_enroll=True)
    qtbot.addWidget(dialog)
    assert dialog.name() == "" and not dialog.enroll_check.isEnabled()
    dialog.name_combo.setCurrentText("刘芳")
    assert dialog.enroll_check.isEnabled() and not dialog.enroll_check.isChecked()  # never ticked for the user
    assert "刘芳" in dialog.enroll_check.text() and not dialog.enroll()
    dialog.enroll_check.setChecked(True)
    dialog.name_combo.setCurrentText("发言人3")  # another anonymous label: nothing to enroll
    assert not dialog.enroll() and not dialog.enroll_check.isChecked()
    no_audio = RenameDialog("发言人2", ["刘芳"], can_enroll=False)
    qtbot.addWidget(no_audio)
    no_audio.name_combo.setCurrentText("刘芳")
    no_audio.enroll_check.setChecked(True)
    assert not no_audio.enroll()


def test_naming_without_consent_only_renames(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    view = window.transcript
    view.speaker_combo.setCurrentText("陈志强")
    dialog = view.rename_dialog()
    dialog.name_combo.setCurrentText("孙磊")
    asked = []
    view.enroll_requested.connect(lambda *a: asked.append(a))
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, dialog.accept)
    view.ask_rename(dialog)
    assert "陈志强" not in view.model.speakers() and asked == []


def test_naming_a_speaker_enrolls_the_voice(qtbot, window, store, corpus_dir):
    from PySide6.QtCore import QTimer

    result = corpus_meeting(corpus_dir)
    label = next(lab for lab, name in result.names.items() if name == "刘芳")
    window.open_meeting(store.save_result(result))
    view = window.transcript
    view.speaker_combo.setCurrentText(label)
    dialog = view.rename_dialog()
    dialog.name_combo.setCurrentText("刘芳")
    dialog.enroll_check.setChecked(True)
    shoot(dialog, "rename_enroll")
    workers = []
    view.enroll_requested.connect(lambda *_: workers.append(next(iter(window.pool.active), None)))
    QTimer.singleShot(0, dialog.accept)
    view.ask_rename(dialog)
    assert label not in view.model.speakers() and "刘芳" in view.model.speakers()
    assert workers and workers[0] is not None
    wait_done(qtbot, window, workers[0], timeout=120000)
    assert window.last_error == ""
    infos = {v.name: v for v in store.list_voiceprints()}
    assert infos["刘芳"].samples == 1 and infos["刘芳"].consent
    # It is 刘芳's voice: closer to her own enrollment recording than to anyone else's.
    from asr.decode import read_audio
    from asr.speakers import embed_voice

    enrolled = store.voiceprints()["刘芳"]
    sims = {p.name.split(".")[-2]: float(enrolled @ embed_voice(read_audio(p)))
            for p in sorted((corpus_dir / "synthetic").glob("m01.enroll.*.wav"))}
    assert max(sims, key=sims.get) == "刘芳", sims
    assert "已登记“刘芳”的声纹" in window.statusBar().currentMessage()


def test_too_little_speech_is_refused_with_a_clear_message(qtbot, window, store):
    result = make_result()  # the sample recording, with 孙磊 speaking one 5.5 s sentence
    window.open_meeting(store.save_result(result))
    worker = window.enroll_voice("孙磊", speaker_spans(result.segments, "孙磊"))
    wait_done(qtbot, window, worker, timeout=120000)
    assert "未能登记“孙磊”的声纹" in window.last_error and ("太短" in window.last_error or "太少" in window.last_error)
    assert store.list_voiceprints() == []


def _enroll_in_settings(qtbot, window, store, name: str, audio):
    from PySide6.QtCore import QTimer

    from app.ui.settings_dialog import EnrollDialog, SettingsDialog

    dialog = SettingsDialog(window.settings, store, window, enroll=window.enroll_voice_file)
    qtbot.addWidget(dialog)
    ask = EnrollDialog(store.members(), dialog)
    ask.name_combo.setCurrentText(name)
    ask.file_edit.setText(str(audio))
    assert not ask.ok.isEnabled()  # consent first
    ask.consent_check.setChecked(True)
    assert ask.ok.isEnabled()
    QTimer.singleShot(0, ask.accept)
    worker = dialog.ask_enroll(ask)
    assert worker is not None and not dialog.add_voice.isEnabled()
    wait_done(qtbot, window, worker, timeout=120000)
    return dialog


def test_settings_enrolls_from_a_recording(qtbot, window, store, corpus_dir):
    store.set_members(["王建国", "刘芳"])
    dialog = _enroll_in_settings(qtbot, window, store, "王建国", corpus_dir / "synthetic" / "m01.enroll.王建国.wav")
    assert dialog.voice_list.count() == 1 and "王建国" in dialog.voice_list.item(0).text()
    assert "已登记“王建国”的声纹" in dialog.voice_status.text() and dialog.add_voice.isEnabled()
    shoot(dialog, "settings_voices")


def test_settings_refuses_a_silent_recording(qtbot, window, store, tmp_path):
    import wave

    silent = tmp_path / "静音.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(16000 * 12, dtype=np.int16).tobytes())
    dialog = _enroll_in_settings(qtbot, window, store, "刘芳", silent)
    assert "未能登记“刘芳”的声纹" in dialog.voice_status.text() and "静音" in dialog.voice_status.text()
    assert dialog.voice_list.count() == 0 and store.list_voiceprints() == []
