"""Each meeting's platform state (issue #8) in the meetings list and the meeting's header."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.sync.client import TOKEN_ENV
from app.sync.ledger import finalize
from app.sync.outbox import outbox_items
from app.ui.sync_status import sync_statuses
from core.settings import load_settings, save_settings
from tests.sync.platform_server import PlatformServer
from tests.ui.conftest import make_result, shoot, wait_done

TOKEN = "ui-token"


@pytest.fixture
def platform(monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # never the real keyring
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    server = PlatformServer(tokens={TOKEN: "write"}).start()
    settings = load_settings()
    settings.platform_url = server.url
    save_settings(settings)
    yield server
    server.stop()


def sync_cell(window, meeting_id: str):
    model = window.home.model
    row = next(i for i in range(model.rowCount()) if model.meeting_id(i) == meeting_id)
    return model.index(row, model.SYNC)


def test_states_follow_the_outbox_and_the_platforms_review(qtbot, window, store, platform):
    window.settings = load_settings()
    unsent = store.save_result(make_result(title="未定稿的会议", date="2026-09-01"))
    meeting_id = store.save_result(make_result())
    finalize(store, meeting_id, with_documents=False)
    window.home.refresh()
    model = window.home.model
    assert model.headerData(model.SYNC, Qt.Orientation.Horizontal) == "党建平台"
    assert model.data(sync_cell(window, meeting_id)) == "待发送"
    assert model.data(sync_cell(window, unsent)) == ""  # never finalised: nothing to send
    window.open_meeting(meeting_id)
    assert "党建平台：待发送" in window.title_label.text()

    worker = window.sync()
    wait_done(qtbot, window, worker, timeout=60000)
    assert window.last_error == ""
    assert sync_statuses(store)[meeting_id].label == "待审核"  # delivered, and the review fetched
    assert model.data(sync_cell(window, meeting_id)) == "待审核"
    assert "党建平台：待审核" in window.title_label.text()

    platform.set_review(outbox_items(store)[0].platform_id, "已退回", "缺少会议签到表")
    wait_done(qtbot, window, window.sync(), timeout=60000)
    cell = sync_cell(window, meeting_id)
    assert model.data(cell) == "已退回"
    assert "缺少会议签到表" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole) is not None  # shown in red
    assert "党建平台：已退回" in window.title_label.text() and "缺少会议签到表" in window.title_label.toolTip()
    window.show_home()
    shoot(window, "home_sync")


def test_refused_and_delivered_labels(store):
    meeting_id = store.save_result(make_result())
    finalize(store, meeting_id, with_documents=False)
    with store.db.conn:
        store.db.execute("UPDATE outbox SET state = 'rejected', last_error = '字段 meeting.date 无效'")
    status = sync_statuses(store)[meeting_id]
    assert (status.label, status.needs_attention) == ("被平台拒收", True) and "meeting.date" in status.detail
    with store.db.conn:
        store.db.execute("UPDATE outbox SET state = 'delivered', last_error = NULL")
    assert sync_statuses(store)[meeting_id].label == "已发送"  # delivered, review not asked yet


def test_the_open_window_retries_a_failed_send_by_itself(qtbot, window, store, platform):
    """The window keeps the promise "稍后会自动重试": a send that failed while the platform was down
    goes out once its backoff passes, without the secretary pressing 同步."""
    import time

    from app.sync.client import PlatformClient
    from app.sync.outbox import Sender

    window.settings = load_settings()
    meeting_id = store.save_result(make_result())
    finalize(store, meeting_id, with_documents=False)
    report = Sender(store, PlatformClient("http://127.0.0.1:9", TOKEN, timeout=0.5), base_delay=0.0,
                    max_attempts=1).run()
    assert "稍后会自动重试" in report.error
    with store.transaction() as conn:
        conn.execute("UPDATE outbox SET next_attempt_at = ?", [time.time() + 0.5])
    window.retry.min_gap = 0.05
    assert window.retry.schedule() is not None
    qtbot.waitUntil(lambda: outbox_items(store)[0].state == "delivered", timeout=20000)
    assert len(platform.state.received) == 1
