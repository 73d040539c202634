"""Home, transcript, minutes and report views on stored meetings (no speech model needed)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.main_window import TAB_TRANSCRIPT
from core.errors import SanhuiError
from tests.ui.conftest import make_result, shoot, wait_done, wait_saved


def test_home_lists_filters_and_searches(qtbot, window, store):
    store.save_result(make_result())
    store.save_result(make_result(title="第一党小组2026年9月党小组会", date="2026-09-20", meeting_type="党小组会"))
    store.save_result(make_result(title="2026年第三季度党课", date="2026-09-05", meeting_type="党课"))
    home = window.home
    home.refresh()
    assert home.model.rowCount() == 3
    assert [r["date"] for r in home.model.rows] == ["2026-10-12", "2026-09-20", "2026-09-05"]
    home.type_combo.setCurrentText("党课")
    assert [r["title"] for r in home.model.rows] == ["2026年第三季度党课"]
    home.type_combo.setCurrentText("全部")
    home.month_combo.setCurrentText("2026-09")
    assert home.model.rowCount() == 2
    home.month_combo.setCurrentText("全部")

    home.search_edit.setText("隐患排查")
    qtbot.waitUntil(lambda: home.hits_box.isVisible())
    assert home.hits.count() == 3  # one sentence in each of three meetings
    shoot(window, "home")
    # A hit opens its meeting at that sentence.
    item = home.hits.item(0)
    meeting_id, start = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(home.open_meeting):
        home.hits.itemClicked.emit(item)
    assert window.result.id == meeting_id and window.tabs.currentIndex() == TAB_TRANSCRIPT
    assert window.transcript.model.current == window.transcript.model.row_at(start) >= 0


def test_transcript_click_to_seek_and_highlight(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    view = window.transcript
    assert view.player.available, "Qt Multimedia (PySide6-Addons) is a dependency"
    qtbot.waitUntil(lambda: view.player.duration() > 100, timeout=10000)
    view.player.pause()
    row = 4
    rect = view.table.visualRect(view.model.index(row, 2))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view.player.pause()
    want = view.model.segments[row].start
    qtbot.waitUntil(lambda: abs(view.player.position() - want) < 1.0, timeout=10000)
    assert view.model.current == row
    cell = view.model.index(row, 2)
    assert view.model.data(cell, Qt.ItemDataRole.BackgroundRole) is not None
    assert view.model.data(view.model.index(row + 1, 2), Qt.ItemDataRole.BackgroundRole) is None
    # A playback tick inside a later sentence moves the highlight there (bisect on the starts).
    view.on_position(view.model.segments[7].start + 2.0)
    assert view.model.current == 7
    view.on_position(0.5)
    assert view.model.current == 0
    shoot(window, "transcript")


def test_edits_and_speaker_rename_are_saved(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    view = window.transcript
    model = view.model
    assert model.setData(model.index(2, model.TEXT), "我谈一点体会，安全生产要落实到每一个班组。")
    assert view.rename_speaker("陈志强", "孙磊") == 1  # merge: 陈志强 was 孙磊 all along
    assert "陈志强" not in model.speakers()
    with qtbot.waitSignal(view.changed, timeout=3000):
        pass  # the debounced save fires by itself
    wait_saved(qtbot, window)
    saved = store.load_result(meeting_id)
    assert saved.segments[2].text == "我谈一点体会，安全生产要落实到每一个班组。"
    assert [s.speaker for s in saved.segments].count("孙磊") == 2
    assert store.search("每一个班组")  # the full-text index follows the edit
    view.search_edit.setText("发展党员")
    assert view.find_next() == 4 and view.find_next() == 6


def test_minutes_flags_stand_out_and_edits_save(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    window.tabs.setCurrentIndex(2)
    mv = window.minutes
    assert "2 处待人工补齐" in mv.banner.text()
    flagged = mv.res_model.index(1, 1)
    assert mv.res_model.data(flagged) == "待人工补齐"
    assert mv.res_model.data(flagged, Qt.ItemDataRole.BackgroundRole) is not None
    assert mv.res_model.data(mv.res_model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is None
    shoot(window, "minutes")
    assert not mv.res_model.setData(mv.res_model.index(1, 2), "月底")  # not a date: refused
    assert mv.res_model.setData(mv.res_model.index(1, 1), "陈志强")
    assert mv.res_model.setData(mv.res_model.index(1, 2), "2026-11-30")
    assert "纪要要素齐全" in mv.banner.text()
    mv.ft_leader.setText("")
    assert "待人工补齐" in mv.banner.text() and mv.ft_leader.styleSheet()
    mv.ft_leader.setText("王建国")
    mv.absent_edit.setPlainText("赵敏：出差")
    mv.flush()
    wait_saved(qtbot, window)
    saved = store.load_result(meeting_id).minutes
    assert (saved.resolutions[1].owner, saved.resolutions[1].deadline) == ("陈志强", "2026-11-30")
    assert saved.resolutions[1].flags == []
    assert [(a.name, a.reason) for a in saved.attendance.absent] == [("赵敏", "出差")]
    assert mv.manual == {"resolutions", "first_topic", "attendance"}


def test_report_view(qtbot, window, store):
    window.open_meeting(store.save_result(make_result()))
    window.tabs.setCurrentIndex(3)
    rv = window.report
    assert rv.score_label.text() == "综合得分：82 分（较好）"
    assert rv.part_model.rowCount() == 4
    assert "走过场" in rv.risks.item(0).text()
    assert rv.findings.item(1).text().startswith("✗ 决议要素")
    assert [rv.score_model.items[i].name for i in range(rv.score_model.rowCount())] == ["参与度", "发言均衡"]
    assert rv.score_model.data(rv.score_model.index(1, 1)) == "未计算"
    assert "(75×0.20) ÷ 0.20 = 82 分" in rv.score_detail.text()


def test_two_thousand_segments_open_and_an_edit_is_saved(qtbot, window, store):
    # How fast is bench/ui_open.py's business (target: under 1 s); this checks what it measures works.
    meeting_id = store.save_result(make_result(n_segments=2000))
    window.open_meeting(meeting_id)
    window.transcript.table.viewport().repaint()  # layout and paint, not just model reset
    assert window.transcript.model.rowCount() == 2000
    # The last sentence is reachable and highlightable at once.
    window.transcript.seek_to_time(1999 * 6.0 + 1)
    assert window.transcript.model.current == 1999
    # Saving an edit rewrites 2,000 rows and their search index: in a worker, not the UI thread.
    model = window.transcript.model
    model.setData(model.index(1999, model.TEXT), "最后一句已校对。")
    window.transcript.flush()
    assert window.save_worker is not None or window._save_again
    wait_saved(qtbot, window)
    assert store.load_result(meeting_id).segments[1999].text == "最后一句已校对。"


def test_finalise_locks_the_record(qtbot, window, store):
    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    worker = window.finalize(confirmed=True)
    wait_done(qtbot, window, worker, timeout=60000)
    assert window.last_error == ""
    assert window.status == "已定稿"
    assert {r["id"]: r["status"] for r in store.list_meetings()}[meeting_id] == "已定稿"
    model = window.transcript.model
    assert not model.setData(model.index(0, 2), "改不了")
    assert not (model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable)
    assert not window.finalize_button.isEnabled()
    # Nothing in the minutes changes either, and a stale save from before the 定稿 is refused by storage.
    assert not window.minutes.add_button.isEnabled() and not window.minutes.remove_button.isEnabled()
    assert window.minutes.res_model.add() == -1
    with pytest.raises(SanhuiError, match="已定稿"):
        store.save_result(store.load_result(meeting_id))


def test_revise_then_finalise_again_records_a_new_version(qtbot, window, store):
    from app.sync.ledger import records

    meeting_id = store.save_result(make_result())
    window.open_meeting(meeting_id)
    wait_done(qtbot, window, window.finalize(confirmed=True), timeout=60000)
    assert not window.revise_button.isHidden()
    assert window.revise(confirmed=True)
    assert window.status == "修订中" and window.finalize_button.isEnabled()
    assert window.minutes.add_button.isEnabled()
    model = window.transcript.model
    assert model.setData(model.index(0, model.TEXT), "更正后的第一句。")
    window.transcript.flush()
    wait_saved(qtbot, window)
    wait_done(qtbot, window, window.finalize(confirmed=True), timeout=60000)
    assert window.last_error == "" and window.status == "已定稿"
    versions = [r.version for r in records(store) if r.meeting_id == meeting_id]
    assert versions == [1, 2]
    window.open_meeting(meeting_id)  # shown as the last finalised version
    assert window.result.segments[0].text == "更正后的第一句。"
