"""The local meeting store: SQLite through sqlite-utils, WAL, numbered migrations, FTS5 search.

The schema lives only here. Each migration runs once, in order, in a transaction, and bumps
PRAGMA user_version; never edit a released migration, add a new one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from core import paths
from core.errors import StoreError
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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_meetings, _m2_voiceprints, _m3_sync_ledger, _m4_members,
]

_CJK = re.compile(r"([\u3400-\u9fff])")


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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash never corrupts, and commits are fast
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"无法打开会议数据库“{self.path}”：{exc}") from exc
        except OSError as exc:
            raise StoreError(f"无法创建数据文件夹“{self.path.parent}”：{exc.strerror or exc}") from exc

    def close(self) -> None:
        self.db.conn.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError("会议数据库来自更新版本的软件，请升级本软件后再打开。")
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.db.conn:
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    # ------------------------------------------------------------ meetings

    def save_result(self, result: Result, status: str = "已处理") -> str:
        """Insert or replace a meeting with its transcript; assigns result.id when empty."""
        if not result.id:
            result.id = f"{(result.meeting.date or dt.date.today().isoformat()).replace('-', '')}-{uuid.uuid4().hex[:6]}"
        data = result_to_dict(result)
        now = _now()
        try:
            with self.db.conn:
                existing = self.db["meetings"].count_where("id = ?", [result.id])
                row = {
                    "id": result.id,
                    "type": result.meeting.type,
                    "title": result.meeting.title,
                    "branch": result.meeting.branch,
                    "date": result.meeting.date,
                    "status": status,
                    "audio_path": result.audio_path,
                    "duration": result.duration,
                    "result_json": json.dumps(data, ensure_ascii=False),
                    "updated_at": now,
                }
                if existing:
                    self.db["meetings"].update(result.id, row)
                else:
                    self.db["meetings"].insert({**row, "created_at": now})
                self.db.execute("DELETE FROM segments WHERE meeting_id = ?", [result.id])
                self.db.execute("DELETE FROM segments_fts WHERE meeting_id = ?", [result.id])
                self.db["segments"].insert_all(
                    {"meeting_id": result.id, "idx": i, "start": s.start, "end": s.end, "speaker": s.speaker, "text": s.text}
                    for i, s in enumerate(result.segments)
                )
                self.db["segments_fts"].insert_all(
                    {"tokens": fts_tokens(s.text), "meeting_id": result.id, "idx": i}
                    for i, s in enumerate(result.segments)
                )
        except sqlite3.Error as exc:
            raise StoreError(f"保存会议记录失败：{exc}") from exc
        return result.id

    def load_result(self, meeting_id: str) -> Result:
        rows = list(self.db.query("SELECT result_json FROM meetings WHERE id = ?", [meeting_id]))
        if not rows:
            raise StoreError(f"找不到编号为“{meeting_id}”的会议。")
        return result_from_dict(json.loads(rows[0]["result_json"]))

    def set_status(self, meeting_id: str, status: str) -> None:
        with self.db.conn:
            self.db["meetings"].update(meeting_id, {"status": status, "updated_at": _now()})

    def list_meetings(self, meeting_type: str | None = None, month: str | None = None) -> list[dict]:
        """Meetings newest first; month is 'YYYY-MM'."""
        where, args = [], []
        if meeting_type:
            where.append("type = ?")
            args.append(meeting_type)
        if month:
            where.append("substr(date, 1, 7) = ?")
            args.append(month)
        sql = "SELECT id, type, title, branch, date, status, duration, updated_at FROM meetings"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(self.db.query(sql + " ORDER BY date DESC, created_at DESC", args))

    def delete_meeting(self, meeting_id: str) -> None:
        with self.db.conn:
            self.db.execute("DELETE FROM segments_fts WHERE meeting_id = ?", [meeting_id])
            self.db.execute("DELETE FROM segments WHERE meeting_id = ?", [meeting_id])
            self.db.execute("DELETE FROM meetings WHERE id = ?", [meeting_id])

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over every transcript; returns the matching sentences."""
        query = _fts_query(text)
        if not query:
            return []
        sql = """
            SELECT f.meeting_id, m.title, m.date, s.start, s.speaker, s.text
            FROM segments_fts f
            JOIN segments s ON s.meeting_id = f.meeting_id AND s.idx = f.idx
            JOIN meetings m ON m.id = f.meeting_id
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
        with self.db.conn:
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
        with self.db.conn:
            self.db.execute("DELETE FROM members")
            self.db["members"].insert_all(
                ({"name": n, "position": i, "updated_at": now} for i, n in enumerate(clean)), pk="name")
        return clean

    def delete_voiceprint(self, name: str) -> bool:
        with self.db.conn:
            cur = self.db.execute("DELETE FROM voiceprints WHERE name = ?", [name])
        return cur.rowcount > 0
