"""The ledger's anchor: its head kept outside the database, and the audit log hash-chained.

A hash chain inside one SQLite file proves little against someone who can rewrite the file: drop
the triggers, delete the last records and fix sqlite_sequence, or rehash every record. So each
write to the ledger (records, outbox, audit) also writes, beside the database, an anchor file
holding the state the database must be in: per branch the record count and head hash, the audit
log's row count and chain head, and a short digest of every outbox row. `verify_chain` compares.

Crash safety: the anchor is written (and fsynced) with the new state as `pending` while the write
transaction still holds the lock, then the transaction commits, then the anchor is promoted (under
the lock again). After a crash the database matches either `state` or `pending`; anything else was
changed outside the software. A write that finds the database off its anchor does not launder it:
it records an alarm in the anchor, and every later `verify` reports it.

The audit log gets a chain of its own (table audit_chain): sha256 = SHA-256(previous sha256 +
canonical row), so a deleted or edited audit line is found and located.

None of this is a signature: whoever can rewrite both the database and the anchor file can forge
both. Packages (app.sync.package) and the platform's copy carry the head further away.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.sync.canonical import ZERO_SHA256, canonical_json, sha256_hex
from core.files import atomic_path
from core.storage import Store

ANCHOR_FORMAT = "sanhui.chain-anchor/1"
# What the anchor pins of an outbox row: where it stands and what the platform acknowledged. Not the
# retry bookkeeping (attempts, next_attempt_at, last_error, review_checked_at): it changes on every
# failed request, is saved without the anchor, and changing it cannot make a record skip or repeat.
_OUTBOX_COLUMNS = "state, platform_id, received_sha256, files_sent, delivered_at, review_status, review_reason"
_ready: weakref.WeakSet[Store] = weakref.WeakSet()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ tables the ledger owns


def ensure_tables(store: Store) -> None:
    """Create the ledger's own tables once per database (CREATE IF NOT EXISTS); the first time, chain
    the audit rows already there, which is the baseline this version of the software starts from."""
    if store in _ready:
        return
    present = {name for (name,) in store.db.execute(
        "SELECT name FROM sqlite_master WHERE name IN ('audit_chain', 'ledger_meta', 'outbox_keys', "
        "'audit_chain_no_update', 'audit_chain_no_delete')").fetchall()}
    if len(present) == 5:  # nothing to create: no write lock needed (a reader must not wait for one)
        _ready.add(store)
        return
    with store.transaction() as conn:
        had_chain = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_chain'").fetchone()
        conn.execute("CREATE TABLE IF NOT EXISTS audit_chain (audit_id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL)")
        conn.execute("CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        # A fresh Idempotency-Key for a record whose first delivery got a receipt with a wrong hash
        # (the platform would otherwise replay that receipt forever); records.idempotency_key is immutable.
        conn.execute("CREATE TABLE IF NOT EXISTS outbox_keys (record_seq INTEGER PRIMARY KEY, "
                     "idempotency_key TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, at TEXT NOT NULL)")
        for op in ("UPDATE", "DELETE"):
            conn.execute(f"CREATE TRIGGER IF NOT EXISTS audit_chain_no_{op.lower()} BEFORE {op} ON audit_chain "
                         "BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END")
        if not had_chain:
            prev = ZERO_SHA256
            for row in conn.execute("SELECT id, at, action, meeting_id, version, detail FROM audit ORDER BY id").fetchall():
                prev = audit_hash(prev, row)
                conn.execute("INSERT INTO audit_chain (audit_id, sha256) VALUES (?, ?)", [row[0], prev])
    _ready.add(store)


def audit_hash(prev: str, row: tuple | list) -> str:
    """(id, at, action, meeting_id, version, detail) chained onto the previous row's hash."""
    return sha256_hex(prev.encode("ascii") + canonical_json(list(row)))


def append_audit(conn: sqlite3.Connection, action: str, meeting_id: str | None, version: int | None,
                 detail: str) -> None:
    """One audit line and its link in the audit chain (inside the caller's transaction)."""
    cur = conn.execute("INSERT INTO audit (at, action, meeting_id, version, detail) VALUES (?, ?, ?, ?, ?)",
                       [_now(), action, meeting_id, version, detail])
    row = conn.execute("SELECT id, at, action, meeting_id, version, detail FROM audit WHERE id = ?",
                       [cur.lastrowid]).fetchone()
    head = conn.execute("SELECT sha256 FROM audit_chain ORDER BY audit_id DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO audit_chain (audit_id, sha256) VALUES (?, ?)",
                 [row[0], audit_hash(head[0] if head else ZERO_SHA256, row)])


# ------------------------------------------------------------------ the state the anchor holds


_digests: dict[tuple, str] = {}  # row -> digest: a write changes one row, the others are not hashed again


def outbox_digest(row: tuple) -> str:
    digest = _digests.get(row)
    if digest is None:
        if len(_digests) > 50_000:
            _digests.clear()
        # json.dumps with default arguments uses its cached C encoder; a row is a flat list of scalars.
        digest = _digests[row] = sha256_hex(json.dumps(list(row)).encode("ascii"))[:16]
    return digest


def chain_state(conn: sqlite3.Connection) -> dict[str, Any]:
    """What the anchor pins: per-branch count and head, audit count and head, each outbox row's digest."""
    branches = {}
    for branch, count, last in conn.execute("SELECT branch, COUNT(*), MAX(seq) FROM records GROUP BY branch"):
        head = conn.execute("SELECT content_sha256 FROM records WHERE seq = ?", [last]).fetchone()[0]
        branches[branch] = {"records": count, "head": head}
    records, last_seq = conn.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM records").fetchone()
    rows, last_id = conn.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM audit").fetchone()
    head = conn.execute("SELECT sha256 FROM audit_chain ORDER BY audit_id DESC LIMIT 1").fetchone()
    outbox = {
        str(row[0]): outbox_digest(row)
        for row in conn.execute(
            f"SELECT o.record_seq, {_OUTBOX_COLUMNS}, k.idempotency_key FROM outbox o "
            "LEFT JOIN outbox_keys k ON k.record_seq = o.record_seq ORDER BY o.record_seq")
    }
    return {
        "records": records,
        "last_seq": last_seq,
        "branches": branches,
        "audit": {"rows": rows, "last_id": last_id, "head": head[0] if head else ZERO_SHA256},
        "outbox": outbox,
    }


# ------------------------------------------------------------------ the anchor file


def anchor_path(store: Store) -> Path:
    """Beside the database: sanhui.db -> sanhui.chain_anchor.json."""
    return store.path.with_name(f"{store.path.stem}.chain_anchor.json")


def read_anchor(store: Store) -> dict[str, Any] | None:
    """The anchor, None when there is none; an unreadable one is an alarm of its own."""
    path = anchor_path(store)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"format": ANCHOR_FORMAT, "state": None, "pending": None,
                "alarms": [{"at": _now(), "reason": f"链头锚点文件“{path.name}”无法读取（被改动或损坏）"}]}
    if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT:
        return {"format": ANCHOR_FORMAT, "state": None, "pending": None,
                "alarms": [{"at": _now(), "reason": f"链头锚点文件“{path.name}”格式不对（被改动）"}]}
    return data


def _write_anchor(store: Store, state: dict | None, pending: dict | None, alarms: list[dict],
                  durable: bool = True) -> None:
    """Atomically; durable: on disk before the caller commits, so a power cut never leaves the
    database ahead of its anchor. (A promotion need not be: losing it leaves the pending state.)"""
    path = anchor_path(store)
    data = {"format": ANCHOR_FORMAT, "database": store.path.name, "updated_at": _now(),
            "state": state, "pending": pending, "alarms": alarms}
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
        if durable:
            f.flush()
            os.fsync(f.fileno())
    if durable and os.name == "posix":  # the rename itself must survive a power cut too
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _anchored_before(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT 1 FROM ledger_meta WHERE key = 'anchored'").fetchone())


def matches(anchor: dict[str, Any] | None, state: dict[str, Any]) -> bool:
    return anchor is not None and state in (anchor.get("state"), anchor.get("pending"))


def _has_content(state: dict[str, Any]) -> bool:
    return bool(state["records"] or state["audit"]["rows"] or state["outbox"])


@contextlib.contextmanager
def ledger_write(store: Store) -> Iterator[sqlite3.Connection]:
    """One write transaction on the ledger (records, outbox, audit) that keeps the anchor in step."""
    ensure_tables(store)
    conn = store.db.conn
    conn.execute("PRAGMA synchronous=FULL")  # the commit is on disk when the anchor says so
    try:
        with store.transaction() as conn:
            before = chain_state(conn)
            anchor = read_anchor(store)
            alarms = list((anchor or {}).get("alarms") or [])
            if anchor is None:
                if _anchored_before(conn):
                    alarms.append({"at": _now(), "reason": "链头锚点文件缺失（被删除或移走）"})
            elif not matches(anchor, before):
                alarms.append({"at": _now(), "reason": "；".join(describe(conn, anchor.get("state"), before))})
            yield conn
            after = chain_state(conn)
            conn.execute("INSERT OR REPLACE INTO ledger_meta (key, value) VALUES ('anchored', ?)", [_now()])
            _write_anchor(store, before, after, alarms)
        _promote(store, after, _data_version(conn))
    finally:
        conn.execute("PRAGMA synchronous=NORMAL")


def _data_version(conn: sqlite3.Connection) -> int:
    """Changes when another connection commits (never for this connection's own commits)."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


def _promote(store: Store, after: dict[str, Any], version: int) -> None:
    """pending -> state, under the write lock so no other commit slips in between."""
    with store.transaction() as conn:
        anchor = read_anchor(store)
        if anchor is not None and anchor.get("pending") is not None:
            state = after if _data_version(conn) == version else chain_state(conn)
            if state == anchor["pending"]:
                _write_anchor(store, state, None, list(anchor.get("alarms") or []), durable=False)


def adopt_if_new(store: Store) -> bool:
    """A database this version never anchored (older software wrote it): anchor what is there now.
    True when it did; `verify` says so, since nothing before this moment is pinned."""
    ensure_tables(store)
    with store.transaction() as conn:
        if _anchored_before(conn) or read_anchor(store) is not None:
            return False
        state = chain_state(conn)
        if not _has_content(state):
            return False
        conn.execute("INSERT OR REPLACE INTO ledger_meta (key, value) VALUES ('anchored', ?)", [_now()])
        _write_anchor(store, state, None, [])
    return True


# ------------------------------------------------------------------ what differs, in words


def _branch_name(branch: str) -> str:
    return branch or "（未填支部）"


def describe(conn: sqlite3.Connection, anchored: dict[str, Any] | None, actual: dict[str, Any]) -> list[str]:
    """How the database differs from the anchored state, in Chinese (empty when it does not)."""
    if not anchored:
        return ["链头锚点文件无法读取，无法核对"]
    out: list[str] = []
    for branch, pin in anchored["branches"].items():
        have = actual["branches"].get(branch, {"records": 0, "head": ""})
        n = pin["records"]
        if have["records"] < n:
            out.append(f"{_branch_name(branch)}：锚点登记有 {n} 条定稿记录，现在只有 {have['records']} 条（末尾的记录被删除）")
            continue
        row = conn.execute("SELECT content_sha256 FROM records WHERE branch = ? ORDER BY seq LIMIT 1 OFFSET ?",
                           [branch, n - 1]).fetchone()
        if row is None or row[0] != pin["head"]:
            out.append(f"{_branch_name(branch)}：第 {n} 条定稿记录的校验值与锚点不符（哈希链被改写或整体重算）")
        elif have["records"] > n:
            out.append(f"{_branch_name(branch)}：锚点之后多出 {have['records'] - n} 条未经本软件定稿的记录")
    for branch in sorted(actual["branches"].keys() - anchored["branches"].keys()):
        out.append(f"{_branch_name(branch)}：有 {actual['branches'][branch]['records']} 条锚点中没有的定稿记录（未经本软件写入）")
    if not out and actual["last_seq"] != anchored["last_seq"]:
        out.append(f"定稿记录的编号与锚点不符（锚点为第 {anchored['last_seq']} 条，现为第 {actual['last_seq']} 条）")
    a, b = anchored["audit"], actual["audit"]
    if b["rows"] < a["rows"] or b["last_id"] < a["last_id"]:
        out.append(f"审计日志少了 {max(a['rows'] - b['rows'], 1)} 条（被删除）")
    else:
        row = conn.execute("SELECT sha256 FROM audit_chain WHERE audit_id = ?", [a["last_id"]]).fetchone()
        if a["last_id"] and (row is None or row[0] != a["head"]):
            out.append("审计日志与锚点不符（被改动后重算）")
        elif b["rows"] > a["rows"]:
            out.append(f"审计日志中多出 {b['rows'] - a['rows']} 条未经本软件写入的记录")
    from app.sync.outbox import STATE_LABELS

    for seq, digest in anchored["outbox"].items():
        now = actual["outbox"].get(seq)
        if now != digest:
            row = conn.execute("SELECT r.meeting_id, r.version, o.state FROM records r LEFT JOIN outbox o "
                               "ON o.record_seq = r.seq WHERE r.seq = ?", [int(seq)]).fetchone()
            what = f"会议 {row[0]} 第 {row[1]} 版" if row else f"第 {seq} 条记录"
            out.append(f"{what}的待发送状态被删除" if now is None else f"{what}的发送状态被改动（现为“{STATE_LABELS.get(row[2], row[2])}”）")
    for seq in sorted(actual["outbox"].keys() - anchored["outbox"].keys(), key=int):
        out.append(f"待发送队列中多出第 {seq} 条记录（未经本软件写入）")
    return out
