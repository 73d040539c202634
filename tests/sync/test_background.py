"""The app keeps its promise "稍后会自动重试": BackgroundRetry's timer sends again what failed."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("pytestqt")

from app.sync.client import PlatformClient  # noqa: E402
from app.sync.ledger import finalize  # noqa: E402
from app.sync.outbox import Sender, next_retry_at, outbox_items  # noqa: E402
from tests.sync.conftest import TOKEN, make_meeting, tiny_docs  # noqa: E402
from tests.sync.platform_server import PlatformServer  # noqa: E402


def test_a_failed_send_is_retried_in_the_background_when_its_backoff_passes(qtbot, store):
    from app.ui.sync_status import BackgroundRetry
    from app.ui.worker import WorkerPool

    rec = finalize(store, make_meeting(store, 1), render=tiny_docs)
    down = PlatformClient("http://127.0.0.1:9", TOKEN, timeout=0.5)
    report = Sender(store, down, base_delay=0.0, max_attempts=1).run()  # the platform is down
    assert "稍后会自动重试" in report.error
    with store.transaction() as conn:  # its backoff ends in a second
        conn.execute("UPDATE outbox SET next_attempt_at = ?", [time.time() + 1.0])
    server = PlatformServer(tokens={TOKEN: "write"}).start()
    pool = WorkerPool()
    reports = []
    hook = BackgroundRetry(pool, store.path, client_factory=lambda: PlatformClient(server.url, TOKEN, timeout=5),
                           on_done=reports.append, min_gap=0.05)
    try:
        gap = hook.schedule()
        assert 0.05 <= gap <= 1.0 and hook.timer.isActive()
        qtbot.waitUntil(lambda: outbox_items(store)[0].state == "delivered", timeout=15000)
        assert [s.body["content_sha256"] for s in server.state.received] == [rec.content_sha256]
        qtbot.waitUntil(lambda: reports and reports[-1] is not None, timeout=5000)
        assert reports[-1].delivered == [(rec.meeting_id, 1)]
        qtbot.waitUntil(lambda: not hook.timer.isActive(), timeout=5000)  # nothing left to retry: idle
        assert next_retry_at(store) is None
    finally:
        hook.stop()
        assert pool.shutdown(10000)
        server.stop()


def test_a_record_never_tried_is_left_to_the_secretary(qtbot, store):
    from app.ui.sync_status import BackgroundRetry
    from app.ui.worker import WorkerPool

    finalize(store, make_meeting(store, 1), render=tiny_docs)
    pool = WorkerPool()
    hook = BackgroundRetry(pool, store.path, client_factory=lambda: pytest.fail("no client needed"))
    try:
        assert hook.schedule() is None and not hook.timer.isActive()
    finally:
        pool.shutdown(1000)
