"""The window reflects one meeting session (app/session.py): enabled actions, imports that ask for
their meeting, edits that reach the report and the documents, the 回收站, per-meeting file names."""

from __future__ import annotations

import dataclasses
import shutil

import docx
import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.pipeline import audio_sha256
from app.session import derive, snapshot
from app.ui.main_window import TAB_REPORT
from core.types import Meeting, SpeechPoint
from tests.conftest import write_wav
from tests.ui.conftest import make_result, shoot, wait_done, wait_saved


def close_dialogs_later(ms: int = 3000) -> None:
    """A dialog nobody answers (the old code's file dialog) is closed, so the test fails instead of hanging."""
    def close():
        for w in QApplication.topLevelWidgets():
            if w.isModal() and w.isVisible():
                w.close()

    QTimer.singleShot(ms, close)


def docx_text(path) -> str:
    d = docx.Document(str(path))
    return "\n".join(p.text for p in d.paragraphs) + "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)


def started_workers(window) -> list:
    seen: list = []
    window.processing_started.connect(seen.append)
    return seen


def test_every_action_follows_the_session(qtbot, window, store):
    def enabled():
        return {name for name, w in (("export", window.export_button), ("finalize", window.finalize_button),
                                     ("revise", window.revise_button), ("reprocess", window.reprocess_button),
                                     ("add", window.minutes.add_button), ("remove", window.minutes.remove_button),
                                     ("reextract", window.minutes.reextract_button),
                                     ("rename", window.transcript.rename_button)) if w.isEnabled()}

    window.begin_meeting(Meeting(title="十月支委会", date="2026-10-12"))
    assert enabled() & {"export", "finalize", "revise", "reprocess"} == set()
    assert not window.act_export.isEnabled() and "还没有处理结果" in window.export_button.toolTip()
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    assert {"export", "finalize", "reprocess", "add", "remove", "reextract", "rename"} <= enabled()
    assert "revise" not in enabled() and window.revise_button.isHidden()
    wait_done(qtbot, window, window.finalize(confirmed=True), timeout=120000)
    assert window.last_error == "" and window.status == "已定稿"
    assert enabled() == {"export", "revise"} and not window.revise_button.isHidden()
    # Refused by the session, not only greyed out: no edit reaches a finalised meeting.
    assert window.reextract() is None and "修订" in window.last_error
    assert window.reprocess() is None and window.finalize(confirmed=True) is None
    model = window.transcript.model
    assert not model.setData(model.index(0, model.TEXT), "定稿后的修改")
    assert window.revise(confirmed=True)
    assert {"export", "finalize", "add", "remove", "reextract", "rename"} <= enabled() and window.status == "修订中"


def test_a_result_never_lands_in_another_open_meeting(qtbot, window, store):
    """m02 is processed while the secretary opens m01: the result stays m02's."""
    window.begin_meeting(Meeting(title="机关第二党支部党员大会", type="支部党员大会", date="2026-10-20"))
    ticket = window.session.start_processing("/录音/m02.m4a")
    m01 = store.save_result(make_result())
    assert window.open_meeting(m01)
    m02 = make_result(title="机关第二党支部党员大会", meeting_type="支部党员大会", date="2026-10-20")
    store.save_result(m02)
    window.on_processed(m02, ticket)
    assert window.result.id == m01 and window.meeting.title == "第一党支部2026年10月支委会"
    assert "机关第二党支部党员大会" in window.statusBar().currentMessage()


def test_import_asks_for_the_meeting_prefilled_from_the_file(qtbot, window, store, tmp_path):
    """Ctrl+O from the meeting list, after opening m01: the recording is not filed under m01."""
    m01 = store.save_result(make_result())
    window.open_meeting(m01)
    window.show_home()
    audio = write_wav(tmp_path / "20261020-机关第二党支部党员大会.wav", np.zeros(16000))
    asked: list[Meeting] = []
    window.ask_meeting = lambda prefill: asked.append(prefill) or dataclasses.replace(prefill, host="李娜")
    window.choose_audio_file = lambda: str(audio)
    started = started_workers(window)
    close_dialogs_later()
    window.act_import.trigger()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    worker = started[0]
    worker.cancel()  # the model is not needed: only where the recording goes
    prefill = asked[0]
    assert (prefill.date, prefill.type, prefill.branch) == ("2026-10-20", "支部党员大会", "机关第二党支部")
    assert prefill.roster == make_result().meeting.roster  # the last roster
    _, processed_audio, meeting, options, _ = worker.args
    assert processed_audio == audio and meeting.title == "机关第二党支部党员大会" and meeting.host == "李娜"
    assert options.replace_id == "" and window.result is None and window.meeting.title == meeting.title
    wait_done(qtbot, window, worker)
    assert [r["id"] for r in store.list_meetings()] == [m01]
    assert store.load_result(m01).meeting.title == "第一党支部2026年10月支委会"
    assert "重新处理" in window.capture.detail_label.text() and window.reprocess_button.isEnabled()


def test_the_same_recording_again_offers_to_replace_its_meeting(qtbot, window, store, tmp_path):
    audio = write_wav(tmp_path / "m02.wav", np.zeros(16000))
    meeting_id = store.save_result(make_result(audio=audio.resolve()), audio_sha256=audio_sha256(audio))
    copy = tmp_path / "U盘" / "副本.wav"  # the same content under another name
    copy.parent.mkdir()
    shutil.copy(audio, copy)
    offered: list[dict] = []
    answers = iter(["replace", "new"])
    window.ask_duplicate = lambda path, row: offered.append(row) or next(answers)
    window.ask_meeting = lambda prefill: dataclasses.replace(prefill, title="另存的会议")
    started = started_workers(window)
    close_dialogs_later()
    window._import(copy)
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    started[0].cancel()
    assert offered[0]["id"] == meeting_id
    options = started[0].args[3]
    assert options.replace_id == meeting_id and options.keep_names_from == meeting_id
    assert window.result.id == meeting_id  # shown: it is that meeting being processed again
    wait_done(qtbot, window, started[0])
    window._import(copy)  # this time: 另存为新会议
    qtbot.waitUntil(lambda: len(started) == 2, timeout=10000)
    started[1].cancel()
    assert started[1].args[3].replace_id == "" and started[1].args[2].title == "另存的会议"
    wait_done(qtbot, window, started[1])
    assert [r["id"] for r in store.list_meetings()] == [meeting_id]


def test_a_rename_and_a_filled_owner_reach_the_report_and_the_documents(qtbot, window, store, tmp_path):
    """One truth from edit to Word: 发言人1 → 王建国, a corrected sentence and a filled owner are in the
    report tab, in minutes.docx and in report.docx, without 根据转写重新提取."""
    result = make_result()
    for seg in result.segments:
        seg.speaker = "发言人1" if seg.speaker == "王建国" else seg.speaker
    result.segments[0].text = "同志们，现在开会。今天召开第一党支部十月份支委会，应到舞人，十道4人。"
    result.minutes.points = [SpeechPoint("发言人1", result.segments[0].text, None, 0.0, 5.5)]
    result.assessment = derive(snapshot(result)).assessment
    assert "发言人1" in {p.speaker for p in result.assessment.participation}
    meeting_id = store.save_result(result)
    window.open_meeting(meeting_id)
    view, mv = window.transcript, window.minutes
    assert view.rename_speaker("发言人1", "王建国") == 7
    assert view.model.setData(view.model.index(0, view.model.TEXT),
                              "同志们，现在开会。今天召开第一党支部十月份支委会，应到五人，实到四人，赵敏同志出差请假。")
    assert mv.res_model.setData(mv.res_model.index(1, 1), "陈志强")
    assert mv.res_model.setData(mv.res_model.index(1, 2), "2026-11-30")
    out = tmp_path / "out"
    export = window.export(out)  # at once: the export derives what is pending itself
    wait_done(qtbot, window, export, timeout=180000)
    assert window.last_error == ""
    minutes_doc = docx_text(window.last_export["minutes"])
    report_doc = docx_text(window.last_export["report"])
    assert "王建国" in minutes_doc and "发言人1" not in minutes_doc and "舞人" not in minutes_doc
    assert "王建国" in report_doc and "发言人1" not in report_doc
    assert "陈志强" in minutes_doc and "2026" in minutes_doc
    # The window took the same derivation: the report tab says the same as report.docx.
    window.tabs.setCurrentIndex(TAB_REPORT)
    rv = window.report
    speakers = {rv.part_model.items[i].speaker for i in range(rv.part_model.rowCount())}
    assert "王建国" in speakers and "发言人1" not in speakers and rv.pending_label.isHidden()
    findings = [rv.findings.item(i).text() for i in range(rv.findings.count())]
    assert not any(f.startswith("✗") and "责任人" in f for f in findings), findings
    assert window.result.minutes.resolutions[1].owner == "陈志强"  # hand-edited, kept through re-extraction
    assert window.result.minutes.attendance.expected == 5  # re-extracted from the corrected sentence
    wait_saved(qtbot, window)
    stored = store.load_result(meeting_id)
    assert "发言人1" not in {p.speaker for p in stored.assessment.participation}
    assert store.working_state(meeting_id).pending == ""


def test_the_report_shows_the_score_parts_in_chinese(qtbot, window, store):
    result = make_result()
    result.assessment = derive(snapshot(result)).assessment
    score = result.assessment.score
    window.open_meeting(store.save_result(result))
    window.tabs.setCurrentIndex(TAB_REPORT)
    rv = window.report
    model = rv.score_model
    cells = [str(model.data(model.index(r, c))) for r in range(model.rowCount()) for c in range(model.columnCount())]
    shown = " ".join([rv.score_label.text(), rv.score_detail.text(), *cells])
    for key in ("grade", "formula", "version", "parts", "measures", "weights", "overall", "{", "None"):
        assert key not in shown, (key, shown)
    assert rv.score_label.text() == f"综合得分：{score.overall} 分（{score.grade}）"
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [p.name for p in score.parts]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["分项", "得分", "权重", "计算依据"]
    assert rv.suggestions.count() == len(score.suggestions) > 0
    path = shoot(window, "report")
    shutil.copy(path, "/tmp/sanhui-report-tab.png")


def test_delete_to_the_trash_restore_and_purge(qtbot, window, store):
    from app.sync.ledger import records

    keep = store.save_result(make_result())
    wrong = store.save_result(make_result(title="误建的会议", date="2026-10-13"))
    home = window.home
    home.refresh()
    asked: list[str] = []
    window.confirm = lambda title, text: asked.append(text) or True
    assert home.select(wrong)
    home.delete_button.click()
    assert "回收站" in asked[-1] and [r["id"] for r in home.model.rows] == [keep]
    home.trash_button.click()
    assert home.in_trash and [r["id"] for r in home.model.rows] == [wrong]
    assert not home.restore_button.isHidden() and not home.purge_button.isHidden() and home.delete_button.isHidden()
    assert "删除" in home.model.rows[0]["status"] and "回收站（1" in home.view_label.text()
    home.select(wrong)
    path = shoot(window, "trash")
    shutil.copy(path, "/tmp/sanhui-trash.png")
    home.restore_button.click()
    assert home.model.rows == [] and "回收站是空的" in home.empty_label.text()
    home.trash_button.click()
    assert {r["id"] for r in home.model.rows} == {keep, wrong}

    # A finalised meeting, open in the window: only its working copy goes; the ledger keeps its version.
    window.open_meeting(keep)
    wait_done(qtbot, window, window.finalize(confirmed=True), timeout=120000)
    assert window.delete_meeting(keep)
    assert "台账" in asked[-1] and window.result is None and window.stack.currentWidget() is home
    assert [r.version for r in records(store, keep)] == [1]
    assert [r["id"] for r in store.list_meetings()] == [wrong]
    home.trash_button.click()
    home.select(keep)
    home.purge_button.click()
    assert "无法恢复" in asked[-1] and "台账" in asked[-1]
    assert store.list_meetings(trash=True) == [] and [r.version for r in records(store, keep)] == [1]


def test_exports_of_meetings_in_one_folder_never_overwrite_each_other(qtbot, window, store, tmp_path):
    out = tmp_path / "导出"
    october = store.save_result(make_result())
    november = store.save_result(make_result(title="第一党支部2026年11月支委会", date="2026-11-09"))
    twin = store.save_result(make_result())  # another meeting with the same date and title
    for meeting_id in (october, november, twin, october):
        window.open_meeting(meeting_id)
        wait_done(qtbot, window, window.export(out), timeout=120000)
        assert window.last_error == ""
    names = sorted(p.name for p in out.iterdir())
    assert "2026-10-12-第一党支部2026年10月支委会-会议记录.docx" in names
    assert "2026-11-09-第一党支部2026年11月支委会-会议记录.docx" in names
    assert f"2026-10-12-第一党支部2026年10月支委会-{twin}-会议记录.docx" in names
    assert len([n for n in names if n.endswith("会议记录.docx")]) == 3 and "minutes.docx" not in names
    assert not [n for n in names if n.startswith(".")]  # no scratch folder left behind


def test_search_results_follow_edits(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    home = window.home
    home.search_edit.setText("隐患排查")
    qtbot.waitUntil(home.hits_box.isVisible)
    assert home.hits.count() == 1
    window.open_meeting(meeting_id)
    model = window.transcript.model
    assert model.setData(model.index(3, model.TEXT), "我补充一下，十一月份要开展一次安全检查，我建议由设备部牵头。")
    window.show_home()
    wait_saved(qtbot, window)
    assert [home.hits.item(i).text() for i in range(home.hits.count())] == ["没有找到。"]


def _draws_as_missing(ch: str, font) -> bool:
    """The character is drawn as the font's 'missing glyph' box."""
    def image(text: str) -> QImage:
        img = QImage(48, 48, QImage.Format.Format_RGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setFont(font)
        p.setPen(QColor("black"))
        p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        return img

    return image(ch) == image("\U000f0000")  # a private-use code point no font has


def test_the_play_button_draws_no_empty_boxes(qtbot, window):
    button = window.transcript.play_button
    for playing in (False, True):
        window.transcript.player.playing_changed.emit(playing)
        assert not button.icon().isNull()
        assert [ch for ch in button.text() if _draws_as_missing(ch, button.font())] == [], button.text()
    assert button.text() == "暂停"


def test_an_edit_just_before_finalise_is_in_the_record_and_no_stale_save_follows(qtbot, window, store, monkeypatch):
    """A save still on its way when 定稿 is pressed (a slow disk) must not land after it."""
    import time

    import app.ui.main_window as main_window
    from app.sync.ledger import latest_record, result_part

    real_save = main_window.save_job

    def slow_save(*args, **kwargs):
        time.sleep(12.0)  # longer than a 定稿 takes: with the old window, this save landed after it
        return real_save(*args, **kwargs)

    monkeypatch.setattr(main_window, "save_job", slow_save)
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    model = window.transcript.model
    assert model.setData(model.index(0, model.TEXT), "同志们，现在开会（最后一刻的修改）。")
    window.transcript.flush()  # the save starts, slowly
    wait_done(qtbot, window, window.finalize(confirmed=True), timeout=120000)
    wait_saved(qtbot, window)
    qtbot.wait(500)
    assert window.last_error == "" and window.status == "已定稿"
    body = result_part(latest_record(store, meeting_id).body)
    assert body["segments"][0]["text"] == "同志们，现在开会（最后一刻的修改）。"


def test_the_recorder_panels_import_in_a_new_meeting_keeps_what_was_typed(qtbot, window, tmp_path):
    """Import from the recorder panel of a meeting just described: the form again, with what the
    secretary typed and the date the file's name says; the recording goes to that meeting."""
    from app.ui.meeting_form import MeetingForm

    window.begin_meeting(Meeting(type="支委会", title="第一党支部11月支委会", date="2026-11-01", roster=["王建国"],
                                 agenda=["研究发展党员工作"]))
    audio = write_wav(tmp_path / "20261105-090000.wav", np.zeros(16000))
    asked: list[Meeting] = []
    window.ask_meeting = lambda prefill: asked.append(prefill) or prefill
    window.choose_audio_file = lambda: str(audio)
    started = started_workers(window)
    close_dialogs_later()
    window.capture.import_button.click()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    started[0].cancel()
    assert (asked[0].title, asked[0].date, asked[0].agenda) == ("第一党支部11月支委会", "2026-11-05", ["研究发展党员工作"])
    assert started[0].args[2].title == "第一党支部11月支委会"
    wait_done(qtbot, window, started[0])
    form = MeetingForm(asked[0], window, store=window.store)
    assert form.type_combo.currentText() == "支部委员会"  # an alias shown as its type, never another one
    form.reject()
