"""The outbox: finalised records delivered to the platform in order, each version exactly once.

State lives in SQLite (table outbox) and is saved after every step (the POST's receipt, each
document), so a sender killed at any point resumes where it stopped and never repeats what the
platform acknowledged; a POST whose answer was lost is sent again with the same Idempotency-Key and
the platform answers 200 without storing it twice. One sender at a time (app.sync.lock). Transient
failures back off exponentially with full jitter; a bad token stops the run and keeps everything
queued; a record the platform refuses (409/422, or a receipt whose hash is not ours) is set aside
with the reason and the rest go on; `sanhui sync --retry` puts it back. While the app is open,
records whose send failed transiently are retried in the background on a longer schedule
(retry_due; the Qt timer is app.ui.sync_status.BackgroundRetry).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.sync.anchor import ensure_tables, ledger_write
from app.sync.client import (
    AuthError,
    ConfigError,
    ConflictError,
    PlatformClient,
    RejectedError,
    TransientError,
    parse_review,
)
from app.sync.ledger import audit_row, now_iso, record_files
from app.sync.lock import DEFAULT_LEASE, SendLease, SyncBusy
from core.errors import SanhuiError
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


# The key: the record's own, unless a receipt with a wrong hash made `requeue` issue a fresh one.
_ITEM_SQL = """
    SELECT r.seq, r.meeting_id, r.version, COALESCE(k.idempotency_key, r.idempotency_key), r.content_sha256, r.body,
           o.state, o.attempts, o.next_attempt_at, o.last_error, o.platform_id, o.received_sha256,
           o.files_sent, o.delivered_at, o.review_status, o.review_reason
    FROM outbox o JOIN records r ON r.seq = o.record_seq LEFT JOIN outbox_keys k ON k.record_seq = r.seq
"""


def _item(row: tuple) -> OutboxItem:
    values = list(row)
    values[12] = json.loads(values[12] or "[]")
    return OutboxItem(*values)


def outbox_items(store: Store, state: str | None = None) -> list[OutboxItem]:
    """Every outbox entry in delivery order (optionally one state): what `sanhui sync --status` and the app show."""
    ensure_tables(store)
    sql, args = _ITEM_SQL, []
    if state:
        sql += " WHERE o.state = ?"
        args.append(state)
    return [_item(r) for r in store.db.execute(sql + " ORDER BY r.seq", args).fetchall()]


def _next_queued(store: Store) -> OutboxItem | None:
    ensure_tables(store)
    row = store.db.execute(_ITEM_SQL + " WHERE o.state = ? ORDER BY r.seq LIMIT 1", [QUEUED]).fetchone()
    return _item(row) if row else None


def _newer_sent(store: Store, meeting_id: str, version: int) -> int | None:
    """The newest version of the meeting above `version` that the platform already has (or acknowledged)."""
    row = store.db.execute(
        "SELECT MAX(r.version) FROM records r JOIN outbox o ON o.record_seq = r.seq WHERE r.meeting_id = ? "
        "AND r.version > ? AND (o.state = ? OR o.platform_id IS NOT NULL)", [meeting_id, version, DELIVERED]
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def requeue(store: Store, meeting_id: str, version: int | None = None) -> int:
    """Put one refused version back in the queue — the one named, else the newest refused — and return it.

    Its progress is reset (platform id, receipt, documents sent), so it starts again with its own
    POST and its documents can only follow that POST: the document endpoint writes to the newest
    version stored under the id, so an older version is never requeued once a newer one reached the
    platform. After a receipt with a wrong hash it also gets a fresh Idempotency-Key, since the
    platform would answer the old key with the same receipt forever.
    """
    ensure_tables(store)
    with ledger_write(store) as conn:
        rows = conn.execute(
            "SELECT r.seq, r.version, o.state, o.received_sha256, r.content_sha256 FROM records r "
            "JOIN outbox o ON o.record_seq = r.seq WHERE r.meeting_id = ? ORDER BY r.version", [meeting_id]
        ).fetchall()
        if not rows:
            raise SanhuiError(f"会议“{meeting_id}”没有定稿记录，无需重发。")
        if version is None:
            refused = [r for r in rows if r[2] in (REJECTED, CONFLICT)]
            if not refused:
                raise SanhuiError(f"会议“{meeting_id}”没有被平台退回的记录，无需重发。")
            target = refused[-1]
        else:
            target = next((r for r in rows if r[1] == version), None)
            if target is None:
                raise SanhuiError(f"会议“{meeting_id}”没有第 {version} 版。")
            if target[2] not in (REJECTED, CONFLICT):
                raise SanhuiError(f"会议“{meeting_id}”第 {version} 版{STATE_LABELS.get(target[2], target[2])}，无需重发。")
        seq, version, _, received, content = target
        newer = _newer_sent(store, meeting_id, version)
        if newer is not None:
            raise SanhuiError(f"会议“{meeting_id}”更新的第 {newer} 版已发送到平台，第 {version} 版不再重发"
                              "（平台只接受更新的版本，旧版的文档会附到新版上）。")
        note = ""
        if received and received != content:
            conn.execute("INSERT OR REPLACE INTO outbox_keys (record_seq, idempotency_key, reason, at) VALUES (?, ?, ?, ?)",
                         [seq, str(uuid.uuid4()), f"回执校验值 {received} 与本地不符", now_iso()])
            note = "，因平台回执的校验值不符而换用新的幂等键"
        conn.execute(
            "UPDATE outbox SET state = ?, attempts = 0, next_attempt_at = 0, last_error = NULL, platform_id = NULL,"
            " received_sha256 = NULL, files_sent = '[]' WHERE record_seq = ?", [QUEUED, seq])
        audit_row(store, "sync-requeue", meeting_id, version, f"第 {version} 版重新排队{note}")
    return version


class ReceiptMismatch(RejectedError):
    """The platform's receipt names another hash than the record's: it may hold different content."""


@dataclass
class SyncReport:
    delivered: list[tuple[str, int]] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    pending: int = 0
    error: str | None = None  # why the run stopped with records still queued; Chinese
    reviews: int = 0  # review statuses refreshed
    busy: bool = False  # another sender held the lease: nothing was sent


# The background schedule (the app, while open): after the n-th failed attempt the next comes within
# RETRY_BASE * 2**(n-1) seconds, never more than RETRY_CAP, drawn with full jitter.
RETRY_BASE = 30.0
RETRY_CAP = 3600.0


def retry_schedule(attempt: int, base: float = RETRY_BASE, cap: float = RETRY_CAP) -> float:
    """The longest wait after the attempt-th failure: base * 2**(attempt-1), capped."""
    return min(cap, base * 2 ** max(0, attempt - 1))


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**(attempt-1)))."""
    return rng.uniform(0.0, retry_schedule(attempt, base, cap))


def next_retry_at(store: Store) -> float | None:
    """When the background should try again (epoch seconds), None when it has nothing to do: the queue's
    head has not failed transiently yet (only a sync the secretary asked for sends a record first)."""
    item = _next_queued(store)
    return item.next_attempt_at if item is not None and item.attempts > 0 else None


def retry_due(store: Store, client: PlatformClient, *, stop: threading.Event | None = None,
              rng: random.Random | None = None, clock: Callable[[], float] = time.time) -> SyncReport | None:
    """The background retry: one run on the long schedule when the queue's head is due, else None.
    It sends only records a sync already tried and stops at the first failure or the first record not due."""
    due = next_retry_at(store)
    if due is None or due > clock():
        return None
    sender = Sender(store, client, base_delay=RETRY_BASE, max_delay=RETRY_CAP, max_attempts=1, stop=stop,
                    rng=rng, clock=clock)
    return sender.run(respect_schedule=True, retry_only=True)


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
        lease: float = DEFAULT_LEASE,
    ):
        self.store, self.client = store, client
        self.base_delay, self.max_delay, self.max_attempts = base_delay, max_delay, max_attempts
        self.deadline = deadline
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self.clock = clock
        self.lease = SendLease(store, lease=max(lease, 4 * getattr(client, "timeout", 0.0)))

    # ---------------------------------------------------------------- one record

    def deliver(self, item: OutboxItem) -> None:
        """POST the record (unless already acknowledged), PUT its documents, mark it delivered.

        Progress is saved after each step: once the platform acknowledged the POST or a document,
        a crash or kill never sends it again. Only the window between an answer and its save is
        repeated, and the platform answers that idempotently (same Idempotency-Key, same bytes).
        The lease is renewed before each request, so a sender that lost it stops before sending.
        """
        newer = _newer_sent(self.store, item.meeting_id, item.version)
        if newer is not None:  # the document endpoint writes to the newest version under the id
            raise ConflictError(f"本会议更新的第 {newer} 版已发送到平台，第 {item.version} 版不再发送，"
                                "以免旧版的文档附到新版上。")
        if not item.platform_id:
            self.lease.renew()
            answer = self.client.post_meeting(item.body_text.encode("utf-8"), item.idempotency_key)
            item.platform_id, item.received_sha256 = str(answer["id"]), str(answer.get("received_sha256") or "")
            with ledger_write(self.store):
                self._save(item)
        if item.received_sha256 != item.content_sha256:
            raise ReceiptMismatch(
                f"平台回执的校验值（{item.received_sha256 or '空'}）与本地记录（{item.content_sha256}）不一致，"
                f"平台收到的内容可能与本地不同。请联系平台管理员核对，处理后运行 sanhui sync --retry {item.meeting_id} 重新发送。"
            )
        digests = dict(
            self.store.db.execute("SELECT name, sha256 FROM record_files WHERE record_seq = ?", [item.seq]).fetchall()
        )
        files = record_files(self.store, item.seq)
        unsent = [name for name in files if name not in item.files_sent]
        for name in unsent:
            self.lease.renew()
            self.client.put_file(item.platform_id, name, files[name], digests[name])
            item.files_sent.append(name)
            if name != unsent[-1]:  # the last one is saved with the outcome below
                with ledger_write(self.store):
                    self._save(item)
        with ledger_write(self.store):
            self._save(item, state=DELIVERED, delivered_at=now_iso(), last_error=None, review_status="待审核")
            audit_row(self.store, "sync", item.meeting_id, item.version,
                       f"已送达平台，平台编号 {item.platform_id}，回执校验值 {item.received_sha256}")

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

    def run(self, respect_schedule: bool = False, retry_only: bool = False) -> SyncReport:
        """Send until the queue is empty, the token is refused, a record keeps failing, or time is up.

        respect_schedule=False (`sanhui sync`: send now) ignores the waits left by earlier runs;
        retry_only (the background retry) stops at the first record never tried or not yet due.
        Another sender holding the lease makes the run return at once with busy set.
        """
        report = SyncReport()
        try:
            self.lease.acquire()
        except SyncBusy as exc:
            report.error, report.busy = str(exc), True
            report.pending = len(outbox_items(self.store, QUEUED))
            return report
        try:
            self._run(report, respect_schedule, retry_only)
        finally:
            self.lease.release()
        report.pending = len(outbox_items(self.store, QUEUED))
        return report

    def _run(self, report: SyncReport, respect_schedule: bool, retry_only: bool) -> None:
        started = self.clock()
        tried: dict[int, int] = {}
        while not self.stop.is_set():
            item = _next_queued(self.store)
            if item is None:
                break
            if retry_only and (item.attempts == 0 or item.next_attempt_at > self.clock()):
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
            except SyncBusy as exc:
                report.error, report.busy = str(exc), True
                break
            except (AuthError, ConfigError) as exc:
                with ledger_write(self.store):
                    self._save(item, last_error=str(exc))
                    audit_row(self.store, "sync-failed", item.meeting_id, item.version, str(exc))
                report.error = str(exc)
                break
            except RejectedError as exc:
                state = CONFLICT if isinstance(exc, ConflictError) else REJECTED
                with ledger_write(self.store):
                    self._save(item, state=state, last_error=str(exc))
                    audit_row(self.store, "sync-refused", item.meeting_id, item.version, str(exc))
                report.refused.append((item.meeting_id, item.version, str(exc)))
            except TransientError as exc:
                attempts = item.attempts + 1
                tried[item.seq] = tried.get(item.seq, 0) + 1
                delay = backoff_delay(attempts, self.base_delay, self.max_delay, self.rng)
                with self.store.transaction():  # retry bookkeeping only: not pinned by the anchor
                    self._save(item, attempts=attempts, next_attempt_at=self.clock() + delay, last_error=str(exc))
                log.info("sync of %s v%s failed (attempt %s), retry in %.2fs", item.meeting_id, item.version, attempts, delay)
                if tried[item.seq] >= self.max_attempts:
                    with ledger_write(self.store):
                        audit_row(self.store, "sync-failed", item.meeting_id, item.version, str(exc))
                    report.error = f"{exc}（已重试 {tried[item.seq]} 次，记录仍在待发送队列中，稍后会自动重试，也可稍后再同步）"
                    break

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
                with ledger_write(self.store):
                    self.store.db.execute(
                        "UPDATE outbox SET review_status = ?, review_reason = ?, review_checked_at = ? WHERE record_seq = ?",
                        [status, reason, now_iso(), item.seq],
                    )
                    audit_row(self.store, "review", item.meeting_id, item.version, f"平台审核状态：{status} {reason}".strip())
            done += 1
        return done
