"""The outbox: finalised records delivered to the platform in order, each version exactly once.

State lives in SQLite (table outbox), so a sender killed at any point resumes where it stopped:
a record whose POST reached the platform but whose answer was lost is sent again with the same
Idempotency-Key and the platform answers 200 without storing it twice. Transient failures back
off exponentially with full jitter; a bad token stops the run and keeps everything queued; a
record the platform refuses (409/422) is set aside with the reason and the rest go on.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.sync.client import (
    AuthError,
    ConfigError,
    ConflictError,
    PlatformClient,
    RejectedError,
    TransientError,
    parse_review,
)
from app.sync.ledger import _audit_row, now_iso, record_files
from core.storage import Store

log = logging.getLogger(__name__)

QUEUED, DELIVERED, REJECTED, CONFLICT = "queued", "delivered", "rejected", "conflict"
STATE_LABELS = {QUEUED: "待发送", DELIVERED: "已送达", REJECTED: "被平台退回", CONFLICT: "平台已有更新版本"}


@dataclass
class OutboxItem:
    seq: int
    meeting_id: str
    version: int
    idempotency_key: str
    content_sha256: str
    body_text: str
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    platform_id: str | None
    received_sha256: str | None
    files_sent: list[str]
    delivered_at: str | None
    review_status: str | None
    review_reason: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


_ITEM_SQL = """
    SELECT r.seq, r.meeting_id, r.version, r.idempotency_key, r.content_sha256, r.body,
           o.state, o.attempts, o.next_attempt_at, o.last_error, o.platform_id, o.received_sha256,
           o.files_sent, o.delivered_at, o.review_status, o.review_reason
    FROM outbox o JOIN records r ON r.seq = o.record_seq
"""


def _item(row: tuple) -> OutboxItem:
    values = list(row)
    values[12] = json.loads(values[12] or "[]")
    return OutboxItem(*values)


def outbox_items(store: Store, state: str | None = None) -> list[OutboxItem]:
    """Every outbox entry in delivery order (optionally one state): what `sanhui sync --status` and the app show."""
    sql, args = _ITEM_SQL, []
    if state:
        sql += " WHERE o.state = ?"
        args.append(state)
    return [_item(r) for r in store.db.execute(sql + " ORDER BY r.seq", args).fetchall()]


def _next_queued(store: Store) -> OutboxItem | None:
    row = store.db.execute(_ITEM_SQL + " WHERE o.state = ? ORDER BY r.seq LIMIT 1", [QUEUED]).fetchone()
    return _item(row) if row else None


def requeue(store: Store, meeting_id: str) -> int:
    """Put a meeting's refused records back in the queue (after the platform side was fixed)."""
    with store.db.conn:
        cur = store.db.execute(
            "UPDATE outbox SET state = ?, attempts = 0, next_attempt_at = 0 WHERE state IN (?, ?) AND record_seq IN "
            "(SELECT seq FROM records WHERE meeting_id = ?)",
            [QUEUED, REJECTED, CONFLICT, meeting_id],
        )
        _audit_row(store, "sync-requeue", meeting_id, None, f"重新排队 {cur.rowcount} 条记录")
    return cur.rowcount


@dataclass
class SyncReport:
    delivered: list[tuple[str, int]] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    pending: int = 0
    error: str | None = None  # why the run stopped with records still queued; Chinese
    reviews: int = 0  # review statuses refreshed


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**(attempt-1)))."""
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, attempt - 1)))


class Sender:
    """Delivers queued records one at a time, oldest first.

    base_delay/max_delay shape the backoff (tests pass 0); max_attempts bounds the retries of one
    record within one run; deadline (seconds) bounds the whole run; stop ends it early (the app's
    close button). The clock and sleep are injectable; sleeping happens on the stop event so a
    stop request is never kept waiting.
    """

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        *,
        base_delay: float = 2.0,
        max_delay: float = 120.0,
        max_attempts: int = 6,
        deadline: float | None = None,
        rng: random.Random | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.store, self.client = store, client
        self.base_delay, self.max_delay, self.max_attempts = base_delay, max_delay, max_attempts
        self.deadline = deadline
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self.clock = clock

    # ---------------------------------------------------------------- one record

    def deliver(self, item: OutboxItem) -> None:
        """POST the record (unless already acknowledged), PUT its documents, mark it delivered.

        Progress (platform id, documents sent) is kept on the item and written with the outcome in
        one transaction; losing it in a crash costs only a repeat, which the platform answers
        idempotently (the same Idempotency-Key, the same document bytes).
        """
        if not item.platform_id:
            answer = self.client.post_meeting(item.body_text.encode("utf-8"), item.idempotency_key)
            item.platform_id, item.received_sha256 = str(answer["id"]), str(answer.get("received_sha256") or "")
        if item.received_sha256 != item.content_sha256:
            raise RejectedError(
                f"平台回执的校验值（{item.received_sha256 or '空'}）与本地记录（{item.content_sha256}）不一致，"
                "平台收到的内容可能与本地不同，请联系平台管理员核对。"
            )
        digests = dict(
            self.store.db.execute("SELECT name, sha256 FROM record_files WHERE record_seq = ?", [item.seq]).fetchall()
        )
        for name, data in record_files(self.store, item.seq).items():
            if name not in item.files_sent:
                self.client.put_file(item.platform_id, name, data, digests[name])
                item.files_sent.append(name)
        with self.store.db.conn:
            self._save(item, state=DELIVERED, delivered_at=now_iso(), last_error=None, review_status="待审核")
            _audit_row(self.store, "sync", item.meeting_id, item.version, f"已送达平台，平台编号 {item.platform_id}")

    def _save(self, item: OutboxItem, **changes: object) -> None:
        """Write the item's progress plus the given columns (inside the caller's transaction)."""
        values = {
            "platform_id": item.platform_id,
            "received_sha256": item.received_sha256,
            "files_sent": json.dumps(item.files_sent),
            **changes,
        }
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.store.db.execute(
            f"UPDATE outbox SET {assignments} WHERE record_seq = ?", [*values.values(), item.seq]
        )

    # ---------------------------------------------------------------- the queue

    def run(self, respect_schedule: bool = False) -> SyncReport:
        """Send until the queue is empty, the token is refused, a record keeps failing, or time is up.

        respect_schedule=False (`sanhui sync`: send now) ignores the waits left by earlier runs.
        """
        report = SyncReport()
        started = self.clock()
        tried: dict[int, int] = {}
        db = self.store.db
        while not self.stop.is_set():
            item = _next_queued(self.store)
            if item is None:
                break
            if tried.get(item.seq) or respect_schedule:
                wait = item.next_attempt_at - self.clock()
                if self.deadline is not None and self.clock() + max(wait, 0) - started > self.deadline:
                    report.error = f"{item.last_error or '平台暂时无法送达'}（已到本次同步的时限，记录仍在待发送队列中）"
                    break
                if wait > 0 and self.stop.wait(wait):
                    break
            try:
                self.deliver(item)
                report.delivered.append((item.meeting_id, item.version))
            except (AuthError, ConfigError) as exc:
                with db.conn:
                    self._save(item, last_error=str(exc))
                    _audit_row(self.store, "sync-failed", item.meeting_id, item.version, str(exc))
                report.error = str(exc)
                break
            except RejectedError as exc:
                state = CONFLICT if isinstance(exc, ConflictError) else REJECTED
                with db.conn:
                    self._save(item, state=state, last_error=str(exc))
                    _audit_row(self.store, "sync-refused", item.meeting_id, item.version, str(exc))
                report.refused.append((item.meeting_id, item.version, str(exc)))
            except TransientError as exc:
                attempts = item.attempts + 1
                tried[item.seq] = tried.get(item.seq, 0) + 1
                delay = backoff_delay(attempts, self.base_delay, self.max_delay, self.rng)
                with db.conn:
                    self._save(item, attempts=attempts, next_attempt_at=self.clock() + delay, last_error=str(exc))
                log.info("sync of %s v%s failed (attempt %s), retry in %.2fs", item.meeting_id, item.version, attempts, delay)
                if tried[item.seq] >= self.max_attempts:
                    with db.conn:
                        _audit_row(self.store, "sync-failed", item.meeting_id, item.version, str(exc))
                    report.error = f"{exc}（已重试 {tried[item.seq]} 次，记录仍在待发送队列中，可稍后再同步）"
                    break
        report.pending = len(outbox_items(self.store, QUEUED))
        return report

    def refresh_reviews(self, limit: int = 50) -> int:
        """GET the review status of delivered records not yet approved; stops quietly at the first network error."""
        items = [i for i in outbox_items(self.store, DELIVERED) if i.review_status != "已通过"][-limit:]
        done = 0
        for item in items:
            if self.stop.is_set():
                break
            try:
                status, reason = parse_review(self.client.get_meeting(item.platform_id or ""))
            except (TransientError, RejectedError, AuthError, ConfigError) as exc:
                log.info("review refresh stopped: %s", type(exc).__name__)
                break
            if status and (status, reason) != (item.review_status, item.review_reason or ""):
                with self.store.db.conn:
                    self.store.db.execute(
                        "UPDATE outbox SET review_status = ?, review_reason = ?, review_checked_at = ? WHERE record_seq = ?",
                        [status, reason, now_iso(), item.seq],
                    )
                    _audit_row(self.store, "review", item.meeting_id, item.version, f"平台审核状态：{status} {reason}".strip())
            done += 1
        return done
