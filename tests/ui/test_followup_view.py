"""The 决议落实台账 view: filters, 逾期 in red (also on the home view), confirming heard progress, export;
its screenshot is the README's."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from app import followup
from app.ui.followup_view import RED, FollowupDialog
from core.storage import Store
from core.types import Assessment, Meeting, Minutes, Resolution, Result, Segment
from tests.followup.pairs import follow_up
from tests.ui.conftest import shoot


def _overdue_meeting(store: Store) -> None:
    store.save_result(Result(Meeting(type="支部委员会", title="第一党支部2020年1月支委会", branch="第一党支部", date="2020-01-06"),
                             [Segment(0, 5, "会议决定，更新支部宣传栏。", "王建国")],
                             Minutes(resolutions=[Resolution("更新支部宣传栏", "陈志强", "2020-01-10")]), Assessment()))


def test_overdue_items_are_red_on_the_home_view(qtbot, window, store):
    _overdue_meeting(store)
    window.home.refresh()
    rows = [window.home.ledger_list.item(i) for i in range(window.home.ledger_list.count())]
    overdue = [r for r in rows if "逾期" in r.text() and "更新支部宣传栏" in r.text()]
    assert overdue and overdue[0].foreground().color() == RED


def test_the_ledger_view_filters_confirms_and_exports(qtbot, store, tmp_path):
    pair = follow_up(store, "m06")
    _overdue_meeting(store)
    dialog = FollowupDialog(store, today=dt.date(2026, 12, 10))
    qtbot.addWidget(dialog)
    dialog.show()
    everything = dialog.model.rowCount()
    assert everything >= 8 and dialog.proposals.count() == len(followup.proposals(store)) >= 4
    dialog.status_combo.setCurrentText("逾期")
    assert dialog.model.rowCount() >= 1
    assert all(dialog.model.index(r, 6).data() == "逾期" for r in range(dialog.model.rowCount()))
    assert dialog.model.index(0, 6).data(Qt.ItemDataRole.ForegroundRole).color() == RED
    dialog.status_combo.setCurrentText("全部")
    dialog.owner_combo.setCurrentText("谷佩兰")
    assert 0 < dialog.model.rowCount() < everything
    dialog.owner_combo.setCurrentText("全部")
    dialog.quarter_combo.setCurrentText("2020Q1")
    assert dialog.model.rowCount() == 1
    dialog.quarter_combo.setCurrentText("全部")
    dialog.body_combo.setCurrentText("支部党员大会")
    assert dialog.model.rowCount() == everything - 1  # m06 is a 党员大会; the 2020 one a 支委会
    dialog.body_combo.setCurrentText("全部")
    before = dialog.proposals.count()
    dialog.proposals.setCurrentRow(0)
    pid = dialog.proposals.item(0).data(Qt.ItemDataRole.UserRole)
    (proposal,) = [p for p in followup.proposals(store) if p.id == pid]
    dialog.confirm_button.click()
    assert dialog.proposals.count() == before - 1
    assert followup.followup.item(store.db.conn, proposal.item_id).status == proposal.status
    assert dialog.export_to(tmp_path / "台账.xlsx").is_file()
    assert pair.second_id
    shoot(dialog, "followup")
