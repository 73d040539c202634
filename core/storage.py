"""The local meeting store: SQLite through sqlite-utils, WAL, numbered migrations, FTS5 search.

The schema lives only here. Each migration runs once, in order, in one explicit transaction with
its PRAGMA user_version bump (SQLite's DDL is transactional; Python's sqlite3 only opens a
transaction before DML, so `with conn:` alone would let each CREATE commit on its own). Never edit
a released migration, add a new one.

Every write goes through `Store.transaction()`: BEGIN IMMEDIATE … COMMIT, with sqlite-utils' own
atomic blocks nested inside as savepoints, so a failed save leaves the previous version whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import sqlite_utils

from core import followup, paths
from core.errors import StoreError, os_reason, sqlite_reason
from core.result import result_from_dict, result_to_dict
from core.types import Result


def _m1_meetings(db: sqlite_utils.Database) -> None:
    db["meetings"].create(
        {
            "id": str,
            "type": str,
            "title": str,
            "branch": str,
            "date": str,
            "status": str,
            "audio_path": str,
            "duration": float,
            "result_json": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db["meetings"].create_index(["date"])
    db["segments"].create(
        {"meeting_id": str, "idx": int, "start": float, "end": float, "speaker": str, "text": str},
        pk=("meeting_id", "idx"),
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    # Chinese has no spaces: index each CJK character as a token and query phrases, so any
    # substring of two or more characters is found (unicode61 would treat a sentence as one token).
    db.execute(
        "CREATE VIRTUAL TABLE segments_fts USING fts5("
        "tokens, meeting_id UNINDEXED, idx UNINDEXED, tokenize='unicode61')"
    )


def _m2_voiceprints(db: sqlite_utils.Database) -> None:
    db["voiceprints"].create(
        {
            "name": str,
            "vector": bytes,
            "dim": int,
            "samples": int,
            "consent": int,
            "enrolled_at": str,
            "updated_at": str,
        },
        pk="name",
    )


def _m3_sync_ledger(db: sqlite_utils.Database) -> None:
    """Finalised records (immutable, hash-chained per branch), their documents, the outbox, the audit log.

    Triggers refuse UPDATE and DELETE on the ledger and the audit log; someone who drops them is
    still caught by the hash chain (app.sync.ledger.verify_chain).
    """
    statements = [
        """CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            meeting_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            branch TEXT NOT NULL,
            finalized_at TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            prev_sha256 TEXT NOT NULL,
            content_sha256 TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            UNIQUE (meeting_id, version),
            UNIQUE (branch, prev_sha256)
        )""",
        """CREATE TABLE record_files (
            record_seq INTEGER NOT NULL REFERENCES records(seq),
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (record_seq, name)
        )""",
        """CREATE TABLE outbox (
            record_seq INTEGER PRIMARY KEY REFERENCES records(seq),
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            last_error TEXT,
            platform_id TEXT,
            received_sha256 TEXT,
            files_sent TEXT NOT NULL DEFAULT '[]',
            delivered_at TEXT,
            review_status TEXT,
            review_reason TEXT,
            review_checked_at TEXT
        )""",
        "CREATE INDEX outbox_state ON outbox(state, record_seq)",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            meeting_id TEXT,
            version INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        )""",
    ]
    for table in ("records", "record_files", "audit"):
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    for sql in statements:
        db.execute(sql)


def _m4_members(db: sqlite_utils.Database) -> None:
    """The branch's member list (党员名册): the roster of a new meeting is filled from it."""
    db["members"].create({"name": str, "position": int, "updated_at": str}, pk="name")


def _m5_trash_and_working_state(db: sqlite_utils.Database) -> None:
    """回收站 and the working copy's own state. A deleted meeting keeps its row with deleted_at set
    (restore clears it; a finalised meeting's ledger records are never touched). audio_sha256 finds a
    recording processed before, under any name. manual lists the minutes sections the secretary
    edited (kept by re-extraction); pending says what derived part waits to be re-derived
    (app.session): "" none, "report" the assessment, "minutes" the minutes and the assessment."""
    db.execute("ALTER TABLE meetings ADD COLUMN deleted_at TEXT")
    db.execute("ALTER TABLE meetings ADD COLUMN audio_sha256 TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE meetings ADD COLUMN manual TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE meetings ADD COLUMN pending TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX meetings_audio_sha256 ON meetings(audio_sha256)")


def _m6_followup(db: sqlite_utils.Database) -> None:
    """决议落实台账 (core.followup): each task a meeting set, the history of its changes, and the progress
    later meetings reported on it, proposed until the secretary confirms or rejects it."""
    for sql in (
        """CREATE TABLE followup_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            meeting_id TEXT NOT NULL,
            branch TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            meeting_date TEXT NOT NULL DEFAULT '',
            meeting_title TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            content TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            deadline TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            progress TEXT NOT NULL DEFAULT '',
            evidence_start REAL NOT NULL DEFAULT 0,
            evidence_end REAL NOT NULL DEFAULT 0,
            evidence_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX followup_items_meeting ON followup_items(meeting_id)",
        """CREATE TABLE followup_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT,
            note TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE followup_proposals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id INTEGER NOT NULL,
            meeting_id TEXT NOT NULL,
            status TEXT NOT NULL,
            evidence_start REAL NOT NULL,
            evidence_end REAL NOT NULL,
            evidence_text TEXT NOT NULL,
            score REAL NOT NULL DEFAULT 0,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (item_id, meeting_id, evidence_start)
        )""",
    ):
        db.execute(sql)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_meetings, _m2_voiceprints, _m3_sync_ledger, _m4_members, _m5_trash_and_working_state, _m6_followup,
]

class MeetingStatus(StrEnum):
    """A saved meeting's status, stored (and shown) as its Chinese word."""

    PROCESSED = "已处理"  # editable
    REVISING = "修订中"  # reopened by 修订: editable, and the next 定稿 records a new version
    FINALIZED = "已定稿"  # frozen: its versions live in the ledger (app.sync.ledger)

_CJK = re.compile(r"([\u3400-\u9fff])")


def _created_objects(migration: Callable[[sqlite_utils.Database], None]) -> list[tuple[str, str]]:
    """(type, name) of what a migration creates, found by running it on an empty in-memory database."""
    scratch = sqlite_utils.Database(memory=True)
    for earlier in MIGRATIONS[: MIGRATIONS.index(migration)]:
        earlier(scratch)
    before = set(scratch.execute("SELECT type, name FROM sqlite_master").fetchall())
    migration(scratch)
    created = [row for row in scratch.execute("SELECT type, name FROM sqlite_master").fetchall() if row not in before]
    scratch.close()
    return created


def _drop_leftovers(db: sqlite_utils.Database, migration: Callable[[sqlite_utils.Database], None]) -> None:
    """Databases that an earlier version half-migrated (each CREATE committed alone, then a full disk or
    a crash) hold empty tables of the failed migration, and every start then failed on "already
    exists". No data can have reached them (the app could not open since), so drop them and run the
    migration whole; a leftover that holds rows is not ours to drop."""
    existing = {name for (name,) in db.execute("SELECT name FROM sqlite_master").fetchall()}
    leftovers = [(kind, name) for kind, name in _created_objects(migration) if name in existing]
    virtual = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall()]
    tables = [name for kind, name in leftovers if kind == "table" and not name.startswith("sqlite_")
              and not any(name.startswith(f"{v}_") for v in virtual)]  # FTS5's shadow tables go with theirs
    for name in tables:
        if db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]:
            raise StoreError(f"会议数据库的结构升级曾中断，表“{name}”中已有数据，无法自动修复；请联系技术支持。")
    for kind, name in leftovers:
        if kind in ("trigger", "index", "view") and not name.startswith("sqlite_"):
            db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for name in reversed(tables):
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone():
            db.execute(f'DROP TABLE "{name}"')


def fts_tokens(text: str) -> str:
    """Space out CJK characters so FTS5 indexes them one by one."""
    return " ".join(_CJK.sub(r" \1 ", text).split())


def _fts_query(text: str) -> str:
    phrase = fts_tokens(re.sub(r'["*^:()]', " ", text)).strip()
    return f'"{phrase}"' if phrase else ""


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class SearchHit:
    meeting_id: str
    title: str
    date: str
    start: float
    speaker: str
    text: str


@dataclass
class WorkingState:
    """What the store keeps about a meeting's working copy beside its result.json."""

    status: str
    deleted_at: str | None  # in the 回收站 since then; None when not deleted
    audio_sha256: str
    manual: set[str]
    pending: str


@dataclass
class VoiceprintInfo:
    name: str
    samples: int
    consent: bool
    enrolled_at: str
    updated_at: str


class Store:
    """One SQLite file holding every processed meeting, its transcript and the members' voiceprints."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else paths.database_path()
        try:
            paths.private_dir(self.path.parent)
            # timeout: several processes opening one fresh home wait for each other's migration
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self.db = sqlite_utils.Database(conn)
            paths.private_file(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash never corrupts, and commits are fast
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"无法打开会议数据库“{self.path}”：{sqlite_reason(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"无法创建数据文件夹“{self.path.parent}”：{os_reason(exc)}") from exc

    def close(self) -> None:
        self.db.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so its reads are current; rolled back
        whole on any error. Inside another one it is a savepoint (the ledger's writes wrap storage's);
        sqlite-utils' methods called inside nest as savepoints too."""
        conn = self.db.conn
        if conn.in_transaction:
            name = f"sanhui_{uuid.uuid4().hex[:12]}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        if self.schema_version > len(MIGRATIONS):
            raise StoreError("会议数据库来自更新版本的软件，请升级本软件后再打开。")
        while self.schema_version < len(MIGRATIONS):
            with self.transaction():
                number = self.schema_version  # read again under the lock: another process may have migrated
                if number >= len(MIGRATIONS):
                    break
                _drop_leftovers(self.db, MIGRATIONS[number])
                MIGRATIONS[number](self.db)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    # ------------------------------------------------------------ meetings

    def save_result(self, result: Result, status: str = MeetingStatus.PROCESSED, *, audio_sha256: str | None = None,
                    manual: Iterable[str] | None = None, pending: str | None = None) -> str:
        """Insert or replace a meeting with its transcript, in one transaction; assigns result.id when empty.

        audio_sha256, manual and pending (see WorkingState) keep their stored values when None.
        Refuses a finalised meeting (修订 first) and one in the 回收站, and never sets 已定稿 itself:
        only the ledger's 定稿 does."""
        if status == MeetingStatus.FINALIZED:
            raise StoreError("“已定稿”只能通过定稿设置，保存时不能直接写入。")
        if not result.id:
            result.id = f"{(result.meeting.date or dt.date.today().isoformat()).replace('-', '')}-{uuid.uuid4().hex[:6]}"
        data = result_to_dict(result)
        now = _now()
        row = {
            "id": result.id,
            "type": result.meeting.type,
            "title": result.meeting.title,
            "branch": result.meeting.branch,
            "date": result.meeting.date,
            "status": MeetingStatus(status).value,
            "audio_path": result.audio_path,
            "duration": result.duration,
            "result_json": json.dumps(data, ensure_ascii=False),
            "updated_at": now,
        }
        if audio_sha256 is not None:
            row["audio_sha256"] = audio_sha256
        if manual is not None:
            row["manual"] = json.dumps(sorted(set(manual)), ensure_ascii=False)
        if pending is not None:
            row["pending"] = pending
        try:
            with self.transaction() as conn:
                current = conn.execute("SELECT status, deleted_at FROM meetings WHERE id = ?", [result.id]).fetchone()
                if current and current[0] == MeetingStatus.FINALIZED:
                    raise StoreError(f"会议“{result.meeting.title or result.id}”已定稿，不能直接修改；"
                                     "如需更正，请先点击“修订”，改完后重新定稿（将记为新的版本）。")
                if current and current[1]:
                    raise StoreError(f"会议“{result.meeting.title or result.id}”已移入回收站，不能修改；如需修改，请先恢复。")
                if current:
                    self.db["meetings"].update(result.id, row)
                else:
                    self.db["meetings"].insert({**row, "created_at": now})
                conn.execute("DELETE FROM segments WHERE meeting_id = ?", [result.id])
                conn.execute("DELETE FROM segments_fts WHERE meeting_id = ?", [result.id])
                conn.executemany(
                    "INSERT INTO segments (meeting_id, idx, start, \"end\", speaker, text) VALUES (?, ?, ?, ?, ?, ?)",
                    [(result.id, i, s.start, s.end, s.speaker, s.text) for i, s in enumerate(result.segments)],
                )
                conn.executemany(
                    "INSERT INTO segments_fts (tokens, meeting_id, idx) VALUES (?, ?, ?)",
                    [(fts_tokens(s.text), result.id, i) for i, s in enumerate(result.segments)],
                )
                followup.refresh_items(conn, result)  # the 决议落实台账 follows the meeting's tasks
        except sqlite3.Error as exc:
            raise StoreError(f"保存会议记录失败：{sqlite_reason(exc)}") from exc
        return result.id

    def working_state(self, meeting_id: str) -> WorkingState:
        row = self.db.execute("SELECT status, deleted_at, audio_sha256, manual, pending FROM meetings WHERE id = ?",
                              [meeting_id]).fetchone()
        if not row:
            raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
        return WorkingState(row[0], row[1], row[2] or "", set(json.loads(row[3] or "[]")), row[4] or "")

    def load_result(self, meeting_id: str) -> Result:
        rows = list(self.db.query("SELECT result_json FROM meetings WHERE id = ?", [meeting_id]))
        if not rows:
            raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
        return result_from_dict(json.loads(rows[0]["result_json"]))

    def status(self, meeting_id: str) -> str:
        row = self.db.execute("SELECT status FROM meetings WHERE id = ?", [meeting_id]).fetchone()
        if not row:
            raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
        return row[0]

    def set_status(self, meeting_id: str, status: str) -> None:
        """Working states only (处理中, 已处理 …): 已定稿 is set by 定稿 and left by reopen()."""
        if status == MeetingStatus.FINALIZED:
            raise StoreError("“已定稿”只能通过定稿设置。")
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM meetings WHERE id = ?", [meeting_id]).fetchone()
            if row and row[0] == MeetingStatus.FINALIZED:
                raise StoreError("会议已定稿，不能更改状态；如需更正，请先点击“修订”。")
            conn.execute("UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?", [MeetingStatus(status).value, _now(), meeting_id])

    def reopen(self, meeting_id: str) -> None:
        """修订: a finalised meeting becomes editable again; its versions stay in the ledger, and the next
        定稿 records the correction as a new version."""
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM meetings WHERE id = ?", [meeting_id]).fetchone()
            if not row:
                raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
            if row[0] != MeetingStatus.FINALIZED:
                raise StoreError("只有已定稿的会议需要“修订”，这次会议本来就可以修改。")
            conn.execute("UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?", [MeetingStatus.REVISING.value, _now(), meeting_id])

    def list_meetings(self, meeting_type: str | None = None, month: str | None = None, trash: bool = False) -> list[dict]:
        """Meetings newest first; month is 'YYYY-MM'. trash=True lists the 回收站 instead (deleted_at set)."""
        where, args = ["deleted_at IS NOT NULL" if trash else "deleted_at IS NULL"], []
        if meeting_type:
            where.append("type = ?")
            args.append(meeting_type)
        if month:
            where.append("substr(date, 1, 7) = ?")
            args.append(month)
        sql = ("SELECT id, type, title, branch, date, status, duration, updated_at, deleted_at FROM meetings WHERE "
               + " AND ".join(where))
        order = "deleted_at DESC" if trash else "date DESC, created_at DESC"
        return list(self.db.query(f"{sql} ORDER BY {order}", args))

    def find_by_audio(self, audio_path: str = "", audio_sha256: str = "") -> list[dict]:
        """Meetings (not in the 回收站) made from this recording: the same path or the same content."""
        if not audio_path and not audio_sha256:
            return []
        return list(self.db.query(
            "SELECT id, type, title, date, status, audio_path FROM meetings WHERE deleted_at IS NULL"
            " AND ((? != '' AND audio_path = ?) OR (? != '' AND audio_sha256 = ?)) ORDER BY date DESC, created_at DESC",
            [audio_path, audio_path, audio_sha256, audio_sha256]))

    def _row_for(self, conn: sqlite3.Connection, meeting_id: str) -> tuple[str, str | None]:
        row = conn.execute("SELECT title, deleted_at FROM meetings WHERE id = ?", [meeting_id]).fetchone()
        if not row:
            raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
        return row[0] or meeting_id, row[1]

    def trash_meeting(self, meeting_id: str) -> None:
        """Move a meeting to the 回收站. A finalised meeting's ledger versions stay where they are (the
        ledger is append-only): only the working copy moves."""
        with self.transaction() as conn:
            title, deleted = self._row_for(conn, meeting_id)
            if deleted:
                raise StoreError(f"会议“{title}”已在回收站中。")
            conn.execute("UPDATE meetings SET deleted_at = ? WHERE id = ?", [_now(), meeting_id])

    def restore_meeting(self, meeting_id: str) -> None:
        with self.transaction() as conn:
            title, deleted = self._row_for(conn, meeting_id)
            if not deleted:
                raise StoreError(f"会议“{title}”不在回收站中。")
            conn.execute("UPDATE meetings SET deleted_at = NULL WHERE id = ?", [meeting_id])

    def purge_meeting(self, meeting_id: str) -> None:
        """永久删除 a meeting from the 回收站: its working copy and transcript (ledger versions stay)."""
        with self.transaction() as conn:
            title, deleted = self._row_for(conn, meeting_id)
            if not deleted:
                raise StoreError(f"会议“{title}”不在回收站中：请先删除到回收站，再永久删除。")
            self._delete_rows(conn, meeting_id)

    def delete_meeting(self, meeting_id: str) -> None:
        """Remove a meeting at once, without the 回收站 (tests and tools)."""
        with self.transaction() as conn:
            self._delete_rows(conn, meeting_id)

    @staticmethod
    def _delete_rows(conn: sqlite3.Connection, meeting_id: str) -> None:
        conn.execute("DELETE FROM followup_proposals WHERE meeting_id = ? OR item_id IN "
                     "(SELECT id FROM followup_items WHERE meeting_id = ?)", [meeting_id, meeting_id])
        conn.execute("DELETE FROM followup_history WHERE item_id IN "
                     "(SELECT id FROM followup_items WHERE meeting_id = ?)", [meeting_id])
        conn.execute("DELETE FROM followup_items WHERE meeting_id = ?", [meeting_id])
        conn.execute("DELETE FROM segments_fts WHERE meeting_id = ?", [meeting_id])
        conn.execute("DELETE FROM segments WHERE meeting_id = ?", [meeting_id])
        conn.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over every transcript; returns the matching sentences."""
        query = _fts_query(text)
        if not query:
            return []
        sql = """
            SELECT f.meeting_id, m.title, m.date, s.start, s.speaker, s.text
            FROM segments_fts f
            JOIN segments s ON s.meeting_id = f.meeting_id AND s.idx = f.idx
            JOIN meetings m ON m.id = f.meeting_id AND m.deleted_at IS NULL
            WHERE segments_fts MATCH ?
            ORDER BY m.date DESC, s.start
            LIMIT ?
        """
        try:
            return [SearchHit(*row) for row in self.db.execute(sql, [query, limit]).fetchall()]
        except sqlite3.OperationalError:
            return []

    # ------------------------------------------------------------ voiceprints

    def save_voiceprint(self, name: str, vector: np.ndarray, consent: bool) -> int:
        """Add one enrollment sample; several samples average into one voiceprint. Returns the sample count."""
        if not consent:
            raise StoreError("登记声纹须经本人同意，请确认已取得同意。")
        vec = np.asarray(vector, dtype=np.float32).ravel()
        now = _now()
        with self.transaction():
            rows = list(self.db.query("SELECT vector, dim, samples, enrolled_at FROM voiceprints WHERE name = ?", [name]))
            if rows and rows[0]["dim"] == vec.size:
                old = np.frombuffer(rows[0]["vector"], dtype=np.float32)
                n = rows[0]["samples"]
                vec = (old * n + vec) / (n + 1)
                samples, enrolled_at = n + 1, rows[0]["enrolled_at"]
            else:
                samples, enrolled_at = 1, now
            norm = float(np.linalg.norm(vec))
            if norm > 0:
                vec = vec / norm
            self.db["voiceprints"].upsert(
                {
                    "name": name,
                    "vector": vec.astype(np.float32).tobytes(),
                    "dim": vec.size,
                    "samples": samples,
                    "consent": 1,
                    "enrolled_at": enrolled_at,
                    "updated_at": now,
                },
                pk="name",
            )
        return samples

    def voiceprints(self) -> dict[str, np.ndarray]:
        return {
            row["name"]: np.frombuffer(row["vector"], dtype=np.float32).copy()
            for row in self.db.query("SELECT name, vector FROM voiceprints WHERE consent = 1")
        }

    def list_voiceprints(self) -> list[VoiceprintInfo]:
        return [
            VoiceprintInfo(r["name"], r["samples"], bool(r["consent"]), r["enrolled_at"], r["updated_at"])
            for r in self.db.query("SELECT * FROM voiceprints ORDER BY name")
        ]

    # ------------------------------------------------------------ members

    def members(self) -> list[str]:
        """The member list in the secretary's order."""
        return [r["name"] for r in self.db.query("SELECT name FROM members ORDER BY position, name")]

    def set_members(self, names: list[str]) -> list[str]:
        """Replace the member list (names stripped, blanks and repeats dropped, order kept); returns it."""
        clean = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
        now = _now()
        with self.transaction():
            self.db.execute("DELETE FROM members")
            self.db["members"].insert_all(
                ({"name": n, "position": i, "updated_at": now} for i, n in enumerate(clean)), pk="name")
        return clean

    def delete_voiceprint(self, name: str) -> bool:
        with self.transaction():
            cur = self.db.execute("DELETE FROM voiceprints WHERE name = ?", [name])
        return cur.rowcount > 0
