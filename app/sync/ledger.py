"""Finalised records: immutable, versioned, hash-chained per branch; plus the audit log.

Finalising copies the meeting's result.json into an append-only ledger as the next version,
with its rendered documents, and queues it in the outbox. Later edits to the meeting change
only the working copy; a correction is finalised again as a new version. Each branch's records
form a chain (prev_sha256 -> the branch's previous content_sha256), so `verify_chain` finds an
edited, removed or inserted record even when someone bypassed the database triggers.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.sync.canonical import (
    HASH_FIELD,
    ZERO_SHA256,
    build_body,
    canonical_json,
    content_sha256,
    sha256_hex,
)
from core.errors import SanhuiError, StoreError
from core.result import result_from_dict
from core.storage import Store
from core.types import Result

DOCUMENT_NAMES = ("minutes.docx", "report.docx")
FINALIZED_STATUS = "已定稿"
# Fields the ledger adds to result.json; the rest of a body is the meeting's result.
RECORD_FIELDS = ("version", "finalized_at", "prev_sha256", HASH_FIELD, "documents")

Renderer = Callable[[Result, Path], dict[str, Path]]


@dataclass(frozen=True)
class Record:
    seq: int
    meeting_id: str
    version: int
    branch: str
    finalized_at: str
    idempotency_key: str
    prev_sha256: str
    content_sha256: str
    body_text: str

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.body_text)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    branch: str
    meeting_id: str
    version: int
    reason: str  # Chinese, shown as is

    def __str__(self) -> str:
        branch = self.branch or "（未填支部）"
        return f"第 {self.seq} 条记录（{branch}，会议 {self.meeting_id} 第 {self.version} 版）：{self.reason}"


@dataclass(frozen=True)
class ChainReport:
    records: int
    branches: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def now_iso() -> str:
    """Local time with its UTC offset: ISO 8601 that a platform elsewhere reads unambiguously."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ audit log


def _audit_row(store: Store, action: str, meeting_id: str | None, version: int | None, detail: str) -> None:
    store.db.execute(
        "INSERT INTO audit (at, action, meeting_id, version, detail) VALUES (?, ?, ?, ?, ?)",
        [now_iso(), action, meeting_id, version, detail],
    )


def audit(store: Store, action: str, meeting_id: str | None = None, version: int | None = None, detail: str = "") -> None:
    """Append one line to the audit log (finalise, export and sync actions). Never holds the token."""
    with store.db.conn:
        _audit_row(store, action, meeting_id, version, detail)


def audit_log(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))


# ------------------------------------------------------------------ records

_RECORD_COLUMNS = "seq, meeting_id, version, branch, finalized_at, idempotency_key, prev_sha256, content_sha256, body"


def _record(row: tuple) -> Record:
    return Record(*row)


def records(store: Store, meeting_id: str | None = None) -> list[Record]:
    sql = f"SELECT {_RECORD_COLUMNS} FROM records"
    args: list[Any] = []
    if meeting_id is not None:
        sql += " WHERE meeting_id = ?"
        args.append(meeting_id)
    return [_record(r) for r in store.db.execute(sql + " ORDER BY seq", args).fetchall()]


def latest_record(store: Store, meeting_id: str) -> Record | None:
    row = store.db.execute(
        f"SELECT {_RECORD_COLUMNS} FROM records WHERE meeting_id = ? ORDER BY version DESC LIMIT 1", [meeting_id]
    ).fetchone()
    return _record(row) if row else None


def record_files(store: Store, seq: int) -> dict[str, bytes]:
    rows = store.db.execute("SELECT name, data FROM record_files WHERE record_seq = ? ORDER BY name", [seq])
    return {name: bytes(data) for name, data in rows.fetchall()}


def result_part(body: dict[str, Any]) -> dict[str, Any]:
    """The meeting's result.json inside a record body."""
    return {k: v for k, v in body.items() if k not in RECORD_FIELDS}


# ------------------------------------------------------------------ finalise


def render_documents(result: Result, out_dir: Path) -> dict[str, Path]:
    """The Word minutes and report, exactly as `sanhui export` writes them."""
    from app.export import write_outputs

    files = write_outputs(result, out_dir)
    return {path.name: path for path in files.values() if path.name in DOCUMENT_NAMES}


def _load_working_copy(store: Store, meeting_id: str) -> dict[str, Any]:
    row = store.db.execute("SELECT result_json FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    if not row:
        raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
    data = json.loads(row[0])
    data["id"] = meeting_id
    return json.loads(canonical_json(data))  # as a receiver will parse it


def finalize(store: Store, meeting_id: str, *, render: Renderer | None = None, with_documents: bool = True,
             finalized_at: str | None = None) -> Record:
    """Freeze the meeting's current result as its next version and queue it for the platform.

    render writes the documents (default: render_documents, the Word minutes and report);
    with_documents=False finalises the record alone. Raises SanhuiError when nothing changed since the
    last version, so the same content is never recorded (or sent) twice.
    """
    result = _load_working_copy(store, meeting_id)
    previous = latest_record(store, meeting_id)
    if previous is not None and canonical_json(result_part(previous.body)) == canonical_json(result):
        raise SanhuiError(f"会议“{meeting_id}”已定稿为第 {previous.version} 版，内容没有改动，无需重新定稿。")
    documents = _render(result, render or render_documents) if with_documents else {}
    branch = str((result.get("meeting") or {}).get("branch") or "")
    stamp = finalized_at or now_iso()
    conn = store.db.conn
    try:
        with conn:
            conn.execute("BEGIN IMMEDIATE")  # version and chain head are read and written atomically
            version = 1 + conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM records WHERE meeting_id = ?", [meeting_id]
            ).fetchone()[0]
            head = conn.execute(
                "SELECT content_sha256 FROM records WHERE branch = ? ORDER BY seq DESC LIMIT 1", [branch]
            ).fetchone()
            prev = head[0] if head else ZERO_SHA256
            body = dict(result)
            if documents:
                body["documents"] = {n: {"sha256": sha256_hex(d), "size": len(d)} for n, d in documents.items()}
            body = build_body(body, version, stamp, prev)
            key = str(uuid.uuid4())
            cur = conn.execute(
                "INSERT INTO records (meeting_id, version, branch, finalized_at, idempotency_key, prev_sha256,"
                " content_sha256, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [meeting_id, version, branch, stamp, key, prev, body[HASH_FIELD], canonical_json(body).decode()],
            )
            seq = cur.lastrowid
            for name, data in documents.items():
                conn.execute(
                    "INSERT INTO record_files (record_seq, name, sha256, data) VALUES (?, ?, ?, ?)",
                    [seq, name, sha256_hex(data), data],
                )
            conn.execute("INSERT INTO outbox (record_seq) VALUES (?)", [seq])
            conn.execute(
                "UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?", [FINALIZED_STATUS, stamp, meeting_id]
            )
            _audit_row(store, "finalize", meeting_id, version, f"定稿第 {version} 版，校验值 {body[HASH_FIELD]}")
    except sqlite3.Error as exc:
        raise StoreError(f"定稿失败：{exc}") from exc
    return latest_record(store, meeting_id)  # type: ignore[return-value]


def _render(result: dict[str, Any], render: Renderer) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="sanhui-finalize-") as tmp:
        paths = render(result_from_dict(result), Path(tmp))
        return {name: Path(path).read_bytes() for name, path in sorted(paths.items()) if name in DOCUMENT_NAMES}


# ------------------------------------------------------------------ verification


def verify_chain(store: Store) -> ChainReport:
    """Re-hash every record and file and follow each branch's links; report the first broken one."""
    rows = records(store)
    heads: dict[str, str] = {}
    highest = store.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
    expected_seq = 1

    def report(r: Record, reason: str) -> ChainReport:
        return ChainReport(len(rows), len({x.branch for x in rows}), ChainBreak(r.seq, r.branch, r.meeting_id, r.version, reason))

    for r in rows:
        if r.seq != expected_seq:
            return report(r, f"此前第 {expected_seq}–{r.seq - 1} 条记录缺失（被删除）")
        expected_seq = r.seq + 1
        try:
            body = json.loads(r.body_text)
        except ValueError:
            return report(r, "记录内容不是有效的 JSON（被改动）")
        if not isinstance(body, dict) or body.get(HASH_FIELD) != r.content_sha256:
            return report(r, "记录中的校验值与索引不符（被改动）")
        if content_sha256(body) != r.content_sha256:
            return report(r, "记录内容与其校验值不符（被改动）")
        indexed = (body.get("id"), body.get("version"), body.get("prev_sha256"), str((body.get("meeting") or {}).get("branch") or ""))
        if indexed != (r.meeting_id, r.version, r.prev_sha256, r.branch):
            return report(r, "记录的编号、版本或支部与内容不符（被改动）")
        expected_prev = heads.get(r.branch, ZERO_SHA256)
        if r.prev_sha256 != expected_prev:
            return report(r, "与本支部上一条记录的链接断开（记录被改动、删除或插入）")
        declared = body.get("documents") or {}
        stored = store.db.execute("SELECT name, sha256, data FROM record_files WHERE record_seq = ?", [r.seq]).fetchall()
        if {name for name, _, _ in stored} != set(declared):
            return report(r, "记录附带的文档与登记的不符（被删除或添加）")
        for name, digest, data in stored:
            if sha256_hex(bytes(data)) != digest or digest != (declared[name] or {}).get("sha256"):
                return report(r, f"文档“{name}”被改动")
        heads[r.branch] = r.content_sha256
    if rows and highest and highest[0] != rows[-1].seq:
        return report(rows[-1], f"其后的第 {rows[-1].seq + 1}–{highest[0]} 条记录缺失（被删除）")
    if not rows and highest and highest[0]:
        return ChainReport(0, 0, ChainBreak(1, "", "", 0, "所有定稿记录都已缺失（被删除）"))
    return ChainReport(len(rows), len(heads), None)
