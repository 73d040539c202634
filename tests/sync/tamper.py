"""What someone with the database file and an SQLite tool can do to the ledger, for tests and
bench/sync_faults.py. Each case edits the database behind the software's back (triggers dropped)
and, where it can, covers its tracks: fixes sqlite_sequence, recomputes hashes, rehashes the
audit chain. The anchor file beside the database is left alone (except in `delete_anchor`)."""

from __future__ import annotations

import json
from collections.abc import Callable

from app.sync.anchor import anchor_path, audit_hash
from app.sync.canonical import ZERO_SHA256, canonical_json, content_sha256
from core.storage import Store


def drop_triggers(store: Store) -> None:
    with store.transaction() as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')


def rehash_audit_chain(conn) -> None:
    """Recompute the whole audit chain from the audit rows, as a careful forger would."""
    conn.execute("DELETE FROM audit_chain")
    prev = ZERO_SHA256
    for row in conn.execute("SELECT id, at, action, meeting_id, version, detail FROM audit ORDER BY id").fetchall():
        prev = audit_hash(prev, row)
        conn.execute("INSERT INTO audit_chain (audit_id, sha256) VALUES (?, ?)", [row[0], prev])


def _rewrite(conn, seq: int, body: dict) -> str:
    body["content_sha256"] = content_sha256(body)
    conn.execute("UPDATE records SET body = ?, content_sha256 = ?, prev_sha256 = ? WHERE seq = ?",
                 [canonical_json(body).decode(), body["content_sha256"], body["prev_sha256"], seq])
    return body["content_sha256"]


def truncate_tail(store: Store) -> None:
    """Remove the newest record with everything that mentions it, fix sqlite_sequence and the audit chain,
    and put its meeting back to 已处理: only the anchor still knows it existed."""
    drop_triggers(store)
    with store.transaction() as conn:
        seq, mid, version = conn.execute("SELECT seq, meeting_id, version FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        for table, column in (("record_files", "record_seq"), ("outbox", "record_seq"), ("records", "seq")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", [seq])
        conn.execute("DELETE FROM audit WHERE meeting_id = ? AND version = ?", [mid, version])
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'records'", [seq - 1])
        conn.execute("UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM audit) WHERE name = 'audit'")
        if not conn.execute("SELECT 1 FROM records WHERE meeting_id = ?", [mid]).fetchone():
            conn.execute("UPDATE meetings SET status = '已处理' WHERE id = ?", [mid])
        rehash_audit_chain(conn)


def _edit(body: dict) -> None:
    body["minutes"]["agenda"] = ["篡改后的议程"]


def _branch_records(conn, seq: int) -> list[tuple[int, dict]]:
    branch = conn.execute("SELECT branch FROM records WHERE seq = ?", [seq]).fetchone()[0]
    return [(s, json.loads(b)) for s, b in conn.execute(
        "SELECT seq, body FROM records WHERE branch = ? AND seq >= ? ORDER BY seq", [branch, seq]).fetchall()]


def _fix_finalize_audit(conn, body: dict, old: str) -> None:
    conn.execute("UPDATE audit SET detail = replace(detail, ?, ?) WHERE meeting_id = ? AND version = ?",
                 [old, body["content_sha256"], body["id"], body["version"]])


def rehash_chain(store: Store) -> None:
    """Edit the first record of a branch (and its meeting's working copy), then recompute every later
    record's link and hash, the hashes the audit log wrote down, and the audit chain: the whole
    database is consistent again."""
    drop_triggers(store)
    with store.transaction() as conn:
        first = conn.execute("SELECT MIN(seq) FROM records").fetchone()[0]
        prev = None
        for seq, body in _branch_records(conn, first):
            old = body["content_sha256"]
            if prev is None:
                _edit(body)
                working = json.loads(conn.execute("SELECT result_json FROM meetings WHERE id = ?", [body["id"]]).fetchone()[0])
                _edit(working)  # and the working copy, so the finalised meeting still matches its version
                conn.execute("UPDATE meetings SET result_json = ? WHERE id = ?",
                             [json.dumps(working, ensure_ascii=False), body["id"]])
            else:
                body["prev_sha256"] = prev
            prev = _rewrite(conn, seq, body)
            _fix_finalize_audit(conn, body, old)
        rehash_audit_chain(conn)


def change_record_and_rehash(store: Store) -> None:
    """Edit one record in the middle and recompute its own hash (the next record's link now breaks)."""
    drop_triggers(store)
    with store.transaction() as conn:
        seq = conn.execute("SELECT seq FROM records ORDER BY seq LIMIT 1 OFFSET 1").fetchone()[0]
        body = json.loads(conn.execute("SELECT body FROM records WHERE seq = ?", [seq]).fetchone()[0])
        _edit(body)
        _rewrite(conn, seq, body)


def delete_audit_row(store: Store) -> None:
    """Delete one line of the audit log (say, the export of a package) from the middle."""
    drop_triggers(store)
    with store.transaction() as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM audit ORDER BY id").fetchall()]
        conn.execute("DELETE FROM audit WHERE id = ?", [ids[len(ids) // 2]])


def change_outbox(store: Store) -> None:
    """Mark a record that was never sent as delivered, so it never reaches the platform."""
    with store.transaction() as conn:
        seq = conn.execute("SELECT record_seq FROM outbox WHERE state = 'queued' ORDER BY record_seq").fetchone()[0]
        conn.execute("UPDATE outbox SET state = 'delivered', delivered_at = '2026-10-12T10:00:00+08:00', "
                     "review_status = '待审核' WHERE record_seq = ?", [seq])


def change_working_copy(store: Store) -> None:
    """Edit the working copy (meetings.result_json) of a finalised meeting with SQL."""
    with store.transaction() as conn:
        mid, text = conn.execute("SELECT id, result_json FROM meetings WHERE status = '已定稿' ORDER BY id").fetchone()
        data = json.loads(text)
        data["meeting"]["title"] = "篡改后的标题"
        conn.execute("UPDATE meetings SET result_json = ? WHERE id = ?", [json.dumps(data, ensure_ascii=False), mid])


def delete_anchor(store: Store) -> None:
    anchor_path(store).unlink()


CASES: dict[str, Callable[[Store], None]] = {
    "截断末尾记录并修正 sqlite_sequence": truncate_tail,
    "整条哈希链重算": rehash_chain,
    "改动一条记录并重算其校验值": change_record_and_rehash,
    "删除一条审计日志": delete_audit_row,
    "改动待发送队列": change_outbox,
    "改动已定稿会议的工作副本": change_working_copy,
    "删除链头锚点文件": delete_anchor,
}
