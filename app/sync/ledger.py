"""Finalised records: immutable, versioned, hash-chained per branch; plus the audit log.

Finalising copies the meeting's result.json into an append-only ledger as the next version,
with its rendered documents, and queues it in the outbox. Later edits to the meeting change
only the working copy; a correction is finalised again as a new version. Each branch's records
form a chain (prev_sha256 -> the branch's previous content_sha256), so `verify_chain` finds an
edited, removed or inserted record even when someone bypassed the database triggers; the chain's
head, the audit log's chain and the outbox are pinned by the anchor beside the database
(app.sync.anchor), so a truncated tail or a rehashed chain is found too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.followup_report import followup_report
from app.sync.anchor import (
    adopt_if_new,
    anchor_path,
    append_audit,
    audit_hash,
    chain_state,
    describe,
    ensure_tables,
    ledger_write,
    matches,
    read_anchor,
)
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
from core.storage import MeetingStatus, Store
from core.types import Result

DOCUMENT_NAMES = ("minutes.docx", "report.docx")
# Fields the ledger adds to result.json; the rest of a body is the meeting's result.
RECORD_FIELDS = ("version", "finalized_at", "prev_sha256", HASH_FIELD, "documents", "followup")

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
    """One problem `verify` found: a record's (seq > 0), a meeting's, or the ledger's as a whole."""

    seq: int
    branch: str
    meeting_id: str
    version: int
    reason: str  # Chinese, shown as is

    def __str__(self) -> str:
        if self.seq:
            branch = self.branch or "（未填支部）"
            return f"第 {self.seq} 条记录（{branch}，会议 {self.meeting_id} 第 {self.version} 版）：{self.reason}"
        if self.meeting_id:
            return f"会议 {self.meeting_id}{f' 第 {self.version} 版' if self.version else ''}：{self.reason}"
        return self.reason


@dataclass(frozen=True)
class ChainReport:
    records: int
    branches: int
    problems: tuple[ChainBreak, ...] = ()
    notes: tuple[str, ...] = ()  # Chinese, not problems (e.g. the anchor was set up just now)

    @property
    def first_break(self) -> ChainBreak | None:
        return self.problems[0] if self.problems else None

    @property
    def ok(self) -> bool:
        return not self.problems


def now_iso() -> str:
    """Local time with its UTC offset: ISO 8601 that a platform elsewhere reads unambiguously."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ audit log


def audit_row(store: Store, action: str, meeting_id: str | None, version: int | None, detail: str) -> None:
    """One audit line, hash-chained; only inside a ledger_write transaction."""
    append_audit(store.db.conn, action, meeting_id, version, detail)


def audit(store: Store, action: str, meeting_id: str | None = None, version: int | None = None, detail: str = "") -> None:
    """Append one line to the audit log (finalise, export and sync actions). Never holds the token."""
    with ledger_write(store):
        audit_row(store, action, meeting_id, version, detail)


def reopen(store: Store, meeting_id: str) -> None:
    """修订: a finalised meeting made editable again, with an audit line in the same transaction, so
    `verify` tells a correction under way from a working copy changed behind the app's back. The
    versions stay; the next finalize records the correction as a new one."""
    previous = latest_record(store, meeting_id)
    with ledger_write(store):
        store.reopen(meeting_id)
        version = previous.version if previous else None
        audit_row(store, "reopen", meeting_id, version, f"修订：第 {version} 版重新打开，改完须重新定稿")


def trash(store: Store, meeting_id: str) -> None:
    """删除 to the 回收站, with an audit line in the same transaction (ledger versions stay)."""
    with ledger_write(store):
        store.trash_meeting(meeting_id)
        audit_row(store, "trash", meeting_id, None, "移入回收站")


def restore(store: Store, meeting_id: str) -> None:
    with ledger_write(store):
        store.restore_meeting(meeting_id)
        audit_row(store, "restore", meeting_id, None, "从回收站恢复")


def purge(store: Store, meeting_id: str) -> None:
    """永久删除 the working copy from the 回收站; a finalised meeting's versions stay in the ledger."""
    with ledger_write(store):
        store.purge_meeting(meeting_id)
        audit_row(store, "purge", meeting_id, None, "永久删除工作副本（定稿版本仍保留在台账中）")


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


def _refuse_unchanged(result: dict[str, Any], previous: Record | None, meeting_id: str) -> None:
    if previous is not None and canonical_json(result_part(previous.body)) == canonical_json(result):
        raise SanhuiError(f"会议“{meeting_id}”已定稿为第 {previous.version} 版，内容没有改动，无需重新定稿。")


def finalize(store: Store, meeting_id: str, *, render: Renderer | None = None, with_documents: bool = True,
             finalized_at: str | None = None) -> Record:
    """Freeze the meeting's current result as its next version and queue it for the platform.

    render writes the documents (default: render_documents, the Word minutes and report);
    with_documents=False finalises the record alone. Raises SanhuiError when nothing changed since the
    last version, so the same content is never recorded (or sent) twice — checked again under the
    write lock, so two finalize of one meeting at once record one version, not two identical ones.
    """
    result = _load_working_copy(store, meeting_id)
    _refuse_unchanged(result, latest_record(store, meeting_id), meeting_id)  # early: skip the rendering
    documents = _render(result, render or render_documents) if with_documents else {}
    branch = str((result.get("meeting") or {}).get("branch") or "")
    stamp = finalized_at or now_iso()
    try:
        with ledger_write(store) as conn:  # version, chain head and the checks read and written atomically
            if canonical_json(_load_working_copy(store, meeting_id)) != canonical_json(result):
                raise SanhuiError(f"会议“{meeting_id}”在定稿过程中又被修改，请重新定稿。")
            _refuse_unchanged(result, latest_record(store, meeting_id), meeting_id)
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
            # the 决议落实台账 and its warnings, for the superior committee (app/followup_report)
            body["followup"] = followup_report(store, meeting_id, dt.date.fromisoformat(stamp[:10]))
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
                "UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?", [MeetingStatus.FINALIZED.value, stamp, meeting_id]
            )
            audit_row(store, "finalize", meeting_id, version, f"定稿第 {version} 版，校验值 {body[HASH_FIELD]}")
    except sqlite3.Error as exc:
        raise StoreError(f"定稿失败：{exc}") from exc
    return latest_record(store, meeting_id)  # type: ignore[return-value]


def _render(result: dict[str, Any], render: Renderer) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="sanhui-finalize-") as tmp:
        paths = render(result_from_dict(result), Path(tmp))
        return {name: Path(path).read_bytes() for name, path in sorted(paths.items()) if name in DOCUMENT_NAMES}


# ------------------------------------------------------------------ verification


_HASH_IN_TEXT = re.compile(r"[0-9a-f]{64}")


def _finalized_hashes(store: Store) -> dict[tuple[str, int], str]:
    """(meeting, version) -> the content hash the audit log wrote down when it was finalised."""
    out = {}
    for mid, version, detail in store.db.execute(
            "SELECT meeting_id, version, detail FROM audit WHERE action = 'finalize' ORDER BY id").fetchall():
        found = _HASH_IN_TEXT.search(detail or "")
        if found and mid is not None and version is not None:
            out[(mid, int(version))] = found.group(0)
    return out


def _check_records(store: Store, rows: list[Record]) -> list[ChainBreak]:
    """Each record re-hashed, its documents, its branch link and the hash its finalise wrote in the audit log."""
    problems: list[ChainBreak] = []
    heads: dict[str, str] = {}
    last_of: dict[str, Record] = {}
    blamed: set[int] = set()
    finalized = _finalized_hashes(store)
    all_hashes = {r.content_sha256 for r in rows}
    expected_seq, gaps = 1, False

    def add(r: Record, reason: str) -> None:
        blamed.add(r.seq)
        problems.append(ChainBreak(r.seq, r.branch, r.meeting_id, r.version, reason))

    for r in rows:
        if r.seq != expected_seq:
            add(r, f"此前第 {expected_seq}–{r.seq - 1} 条记录缺失（被删除）")
            gaps = True
        expected_seq = r.seq + 1
        try:
            body = json.loads(r.body_text)
        except ValueError:
            add(r, "记录内容不是有效的 JSON（被改动）")
            continue
        if not isinstance(body, dict) or body.get(HASH_FIELD) != r.content_sha256:
            add(r, "记录中的校验值与索引不符（被改动）")
            continue
        if content_sha256(body) != r.content_sha256:
            add(r, "记录内容与其校验值不符（被改动）")
            continue
        indexed = (body.get("id"), body.get("version"), body.get("prev_sha256"),
                   str((body.get("meeting") or {}).get("branch") or ""))
        if indexed != (r.meeting_id, r.version, r.prev_sha256, r.branch):
            add(r, "记录的编号、版本或支部与内容不符（被改动）")
            continue
        expected_prev = heads.get(r.branch, ZERO_SHA256)
        if r.prev_sha256 != expected_prev:
            before = last_of.get(r.branch)
            if r.prev_sha256 not in all_hashes and gaps:
                add(r, "链接指向的上一条记录缺失（被删除）")
            elif before is not None and before.seq not in blamed and r.prev_sha256 not in all_hashes:
                # This record is intact and names its predecessor's hash: the predecessor changed since.
                add(before, "记录在定稿后被改动并重新计算了校验值（下一条记录登记的校验值与它不符）")
            elif before is None or before.seq not in blamed:
                add(r, "与本支部上一条记录的链接断开（记录被改动、删除或插入）")
        audited = finalized.get((r.meeting_id, r.version))
        if audited is not None and audited != r.content_sha256:
            add(r, "记录在定稿后被改动并重新计算了校验值（与定稿时审计日志登记的校验值不符）")
            heads[r.branch] = audited  # the next record links to the original: it is not to blame
        else:
            heads[r.branch] = r.content_sha256
        last_of[r.branch] = r
        declared = body.get("documents") or {}
        stored = store.db.execute("SELECT name, sha256, data FROM record_files WHERE record_seq = ?", [r.seq]).fetchall()
        if {name for name, _, _ in stored} != set(declared):
            add(r, "记录附带的文档与登记的不符（被删除或添加）")
            continue
        for name, digest, data in stored:
            if sha256_hex(bytes(data)) != digest or digest != (declared[name] or {}).get("sha256"):
                add(r, f"文档“{name}”被改动")
                break
    highest = store.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
    if rows and highest and highest[0] != rows[-1].seq:
        add(rows[-1], f"其后的第 {rows[-1].seq + 1}–{highest[0]} 条记录缺失（被删除）")
    if not rows and highest and highest[0]:
        problems.append(ChainBreak(0, "", "", 0, "所有定稿记录都已缺失（被删除）"))
    present = {(r.meeting_id, r.version) for r in rows}
    for (mid, version) in sorted(finalized.keys() - present):
        problems.append(ChainBreak(0, "", mid, version, "审计日志记有这一版的定稿，但定稿记录缺失（被删除）"))
    return problems


def _check_audit(store: Store) -> list[ChainBreak]:
    """Each audit line against its link in the audit chain (stored links, so one bad line is named alone)."""
    rows = {row[0]: row for row in store.db.execute(
        "SELECT id, at, action, meeting_id, version, detail FROM audit ORDER BY id").fetchall()}
    chain = store.db.execute("SELECT audit_id, sha256 FROM audit_chain ORDER BY audit_id").fetchall()
    problems, prev = [], ZERO_SHA256
    for audit_id, digest in chain:
        row = rows.get(audit_id)
        if row is None:
            problems.append(ChainBreak(0, "", "", 0, f"审计日志第 {audit_id} 条被删除"))
        elif audit_hash(prev, row) != digest:
            problems.append(ChainBreak(0, "", "", 0, f"审计日志第 {audit_id} 条与审计链不符（该条或其前一条被改动、删除）"))
        prev = digest
    for audit_id in sorted(rows.keys() - {a for a, _ in chain}):
        problems.append(ChainBreak(0, "", "", 0, f"审计日志第 {audit_id} 条未登记在审计链中（未经本软件写入）"))
    return problems


def _check_anchor(store: Store) -> tuple[list[ChainBreak], list[str]]:
    if adopt_if_new(store):
        return [], [f"本机账本此前没有链头锚点，已按当前状态建立（{anchor_path(store).name}）；此前的改动无法核对。"]
    anchor = read_anchor(store)
    problems = [ChainBreak(0, "", "", 0, f"此前记录的异常（{a.get('at', '')}）：{a.get('reason', '')}")
                for a in (anchor or {}).get("alarms") or []]
    state = chain_state(store.db.conn)
    if anchor is None:
        if state["records"] or state["audit"]["rows"]:
            problems.append(ChainBreak(0, "", "", 0, f"链头锚点文件“{anchor_path(store).name}”缺失（被删除或移走）"))
    elif not matches(anchor, state):
        problems += [ChainBreak(0, "", "", 0, f"与链头锚点不符：{reason}")
                     for reason in describe(store.db.conn, anchor.get("state"), state) or ["账本被改动"]]
    return problems, []


_FIELD_NAMES = {"meeting": "会议信息", "segments": "发言记录", "minutes": "纪要", "analytics": "分析",
                "audio": "录音", "timings": "耗时"}


def _differences(a: Any, b: Any, path: str = "", limit: int = 3) -> list[str]:
    """Up to `limit` paths where the finalised version a and the working copy b differ, in words."""
    if type(a) is not type(b) or not isinstance(a, dict | list):
        if a == b:
            return []
        show = lambda v: json.dumps(v, ensure_ascii=False)[:40]  # noqa: E731
        return [f"{path or '整体'}：定稿为 {show(a)}，现为 {show(b)}"]
    out: list[str] = []
    keys = sorted(set(a) | set(b)) if isinstance(a, dict) else range(max(len(a), len(b)))
    for k in keys:
        here = f"{path}.{k}" if path and isinstance(a, dict) else (f"{path}[{k}]" if path else _FIELD_NAMES.get(k, k))
        if isinstance(a, dict):
            va, vb = a.get(k, "（无）"), b.get(k, "（无）")
        else:
            va = a[k] if k < len(a) else "（无）"
            vb = b[k] if k < len(b) else "（无）"
        out += _differences(va, vb, str(here), limit - len(out))
        if len(out) >= limit:
            break
    return out


def _check_working_copies(store: Store) -> list[ChainBreak]:
    """A finalised meeting (已定稿) is frozen: its working copy must be its last finalised version."""
    problems = []
    for mid, text in store.db.execute(
            "SELECT id, result_json FROM meetings WHERE status = ? ORDER BY id", [MeetingStatus.FINALIZED]).fetchall():
        record = latest_record(store, mid)
        if record is None:
            problems.append(ChainBreak(0, "", mid, 0, "标记为已定稿，却没有定稿记录（记录被删除）"))
            continue
        try:
            working = json.loads(text)
            working["id"] = mid
            working = json.loads(canonical_json(working))
        except (ValueError, TypeError):
            problems.append(ChainBreak(0, "", mid, record.version, "工作副本不是有效的 JSON（被改动）"))
            continue
        final = result_part(record.body)
        if canonical_json(working) != canonical_json(final):
            diff = "；".join(_differences(final, working))
            problems.append(ChainBreak(0, "", mid, record.version, f"已定稿会议的工作副本与定稿版本不一致（被改动）：{diff}"))
    return problems


def verify_chain(store: Store) -> ChainReport:
    """Every check `sanhui verify` makes: the records and their chain, the audit chain, the anchor
    (tail, head, outbox) and the working copies of finalised meetings. All problems, in order."""
    ensure_tables(store)
    rows = records(store)
    anchor_problems, notes = _check_anchor(store)
    problems = _check_records(store, rows) + _check_audit(store) + anchor_problems + _check_working_copies(store)
    return ChainReport(len(rows), len({r.branch for r in rows}), tuple(problems), tuple(notes))
