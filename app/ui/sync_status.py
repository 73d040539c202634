"""Each meeting's state on the party-building platform, in the words of issue #8:
待发送 / 已发送 / 待审核 / 已通过 / 已退回 (plus the two refusals the outbox can record), and the
background retry while the window is open (BackgroundRetry; Qt is imported only there)."""

from __future__ import annotations

from dataclasses import dataclass

from app.sync.outbox import CONFLICT, DELIVERED, QUEUED, REJECTED, outbox_items
from core.storage import Store

REVIEW_LABELS = ("待审核", "已通过", "已退回")
BAD = ("已退回", "被平台拒收", "平台已有更新版本")


@dataclass(frozen=True)
class SyncStatus:
    label: str  # what the list and the header show
    detail: str  # a tooltip: version, attempts, the platform's reason
    version: int

    @property
    def needs_attention(self) -> bool:
        return self.label in BAD


def status_of(item) -> SyncStatus:
    """One outbox entry (app.sync.outbox.OutboxItem) in the secretary's words."""
    version = f"第{item.version}版"
    if item.state == QUEUED:
        tried = f"，已尝试 {item.attempts} 次：{item.last_error}" if item.attempts and item.last_error else ""
        return SyncStatus("待发送", f"{version}等待发送到党建平台{tried}", item.version)
    if item.state == DELIVERED:
        label = item.review_status if item.review_status in REVIEW_LABELS else "已发送"
        reason = f"：{item.review_reason}" if item.review_reason else ""
        when = f"，{item.delivered_at[:16].replace('T', ' ')} 送达" if item.delivered_at else ""
        return SyncStatus(label, f"{version}{when}；平台审核：{item.review_status or '尚未查询'}{reason}", item.version)
    if item.state == REJECTED:
        return SyncStatus("被平台拒收", f"{version}：{item.last_error or '平台拒收'}", item.version)
    if item.state == CONFLICT:
        return SyncStatus("平台已有更新版本", f"{version}：{item.last_error or '版本冲突'}", item.version)
    return SyncStatus(item.state, version, item.version)


def sync_statuses(store: Store) -> dict[str, SyncStatus]:
    """meeting id -> the status of its newest finalised version (meetings never finalised are absent)."""
    out: dict[str, SyncStatus] = {}
    for item in outbox_items(store):  # delivery order: a later version overrides an earlier one
        if item.meeting_id not in out or item.version >= out[item.meeting_id].version:
            out[item.meeting_id] = status_of(item)
    return out


# ------------------------------------------------------------------ background retry (the app, while open)


def retry_job(store_path, client_factory=None, stop=None):
    """One background attempt (app.sync.outbox.retry_due) on its own connection; None when nothing was due."""
    from app.sync.outbox import retry_due

    store = Store(store_path)
    try:
        if client_factory is None:
            from app.sync.cli import make_client

            client_factory = make_client
        return retry_due(store, client_factory(), stop=stop)
    finally:
        store.close()


class BackgroundRetry:
    """Keeps the promise "稍后会自动重试": while the window is open, records whose send failed transiently
    are sent again when their backoff (outbox.next_attempt_at) has passed. Records never tried are left
    to a sync the secretary asks for. The Qt part is one single-shot QTimer; the sending runs on the
    window's WorkerPool, and pool.shutdown() in closeEvent stops it like any other job.

    The window calls schedule() after start-up and after each sync; `enabled` (e.g. "a platform URL
    is set") is asked before each attempt; on_done(report) lets it refresh the lists.
    """

    def __init__(self, pool, store_path, *, enabled=lambda: True, client_factory=None, on_done=None,
                 min_gap: float = 5.0, idle_gap: float = 300.0):
        from PySide6.QtCore import QTimer

        self.pool, self.store_path = pool, store_path
        self.enabled, self.client_factory, self.on_done = enabled, client_factory, on_done
        self.min_gap, self.idle_gap = min_gap, idle_gap
        self.worker = None
        self.timer = QTimer(pool)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)

    def schedule(self, gap: float | None = None) -> float | None:
        """Arm the timer for the queue's next due retry (or in `gap` seconds); returns the wait, None if idle."""
        import time

        from app.sync.outbox import next_retry_at

        if gap is None:
            store = Store(self.store_path)
            try:
                due = next_retry_at(store)
            finally:
                store.close()
            if due is None:
                self.timer.stop()
                return None
            gap = due - time.time()
        gap = max(self.min_gap, gap)
        self.timer.start(int(gap * 1000))
        return gap

    def stop(self) -> None:
        self.timer.stop()
        if self.worker is not None:
            self.worker.cancel()

    def _tick(self) -> None:
        if self.worker is not None:
            return
        if not self.enabled():
            self.schedule(self.idle_gap)
            return
        from app.ui.worker import Worker

        worker = Worker(retry_job, self.store_path, self.client_factory)
        worker.kwargs["stop"] = worker.stop_event
        worker.signals.result.connect(self._finished)
        worker.signals.failed.connect(lambda message: self._finished(None, failed=message))
        self.worker = worker
        self.pool.start(worker)

    def _finished(self, report, failed: str | None = None) -> None:
        self.worker = None
        if self.on_done is not None:
            self.on_done(report)
        if failed:  # no client (settings, token): wait long; the window schedules again after a sync
            self.schedule(self.idle_gap)
            return
        gap = self.schedule()
        if gap is not None and gap <= self.min_gap and report is not None and report.error and not report.delivered:
            self.schedule(self.idle_gap)  # failed without moving the schedule: a refused token, another sender
