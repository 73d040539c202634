"""The 决议落实台账's items: every task a meeting set (决议事项, 第一议题 落实措施, 组织生活会 整改措施),
tracked across meetings with its status and the history of who changed what.

Pure data and SQL on the store's connection (core.storage calls refresh_items inside save_result's
transaction, so a meeting and its items are saved whole). Linking later meetings' progress reports
to items is app.followup's; the text detection is summarizer.progress's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from core.types import Result

NOT_STARTED, IN_PROGRESS, DONE, OVERDUE, CANCELLED = "未开始", "推进中", "已完成", "逾期", "取消"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, OVERDUE, CANCELLED)
SETTABLE = (NOT_STARTED, IN_PROGRESS, DONE, CANCELLED)  # 逾期 is derived, never set
CLOSED = (DONE, CANCELLED)
KINDS = ("决议事项", "落实措施", "整改措施")
PENDING, CONFIRMED, REJECTED = "待确认", "已确认", "已驳回"


@dataclass
class Task:
    """A task as one meeting's minutes give it (before it becomes an item)."""

    kind: str
    content: str
    owner: str = ""
    deadline: str = ""
    start: float = 0.0
    end: float = 0.0
    text: str = ""  # the evidence: what was said


@dataclass
class Item:
    id: int
    meeting_id: str
    branch: str
    body: str  # the meeting type that set it
    meeting_date: str
    meeting_title: str
    kind: str
    content: str
    owner: str
    deadline: str
    status: str  # as set (未开始/推进中/已完成/取消)
    progress: str
    evidence_start: float
    evidence_end: float
    evidence_text: str

    def current_status(self, today: dt.date | None = None) -> str:
        """逾期 when the deadline passed without 已完成 or 取消."""
        if self.status in CLOSED or not self.deadline:
            return self.status
        try:
            due = dt.date.fromisoformat(self.deadline)
        except ValueError:
            return self.status
        return OVERDUE if due < (today or dt.date.today()) else self.status

    @property
    def quarter(self) -> str:
        """'2026Q4' of the meeting that set it."""
        try:
            d = dt.date.fromisoformat(self.meeting_date)
        except ValueError:
            return ""
        return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def _evidence(result: Result, start: float, end: float) -> str:
    said = [s.text for s in result.segments if s.end > start - 0.01 and s.start < end + 0.01]
    return "".join(said)[:300]


def tasks_of(result: Result) -> list[Task]:
    """The tasks of one meeting: its resolutions (整改措施 at a 组织生活会) and its 第一议题 measures
    that are not already a resolution."""
    kind = "整改措施" if result.meeting.type == "组织生活会" else "决议事项"
    out = [Task(kind, r.content, r.owner or "", r.deadline or "", r.start, r.end,
                _evidence(result, r.start, r.end)) for r in result.minutes.resolutions if r.content.strip()]
    ft = result.minutes.first_topic
    if ft:
        said = {t.content for t in out}
        for measure in ft.measures:
            if measure.strip() and not any(measure in c or c in measure for c in said):
                out.append(Task("落实措施", measure, "", "", ft.start, ft.end, measure))
    return out


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


_COLUMNS = ("id, meeting_id, branch, body, meeting_date, meeting_title, kind, content, owner, deadline, status, "
            "progress, evidence_start, evidence_end, evidence_text")


def _item(row: tuple) -> Item:
    return Item(*row)


def refresh_items(conn: sqlite3.Connection, result: Result) -> None:
    """Make the meeting's items match its tasks. An item keeps its id and the secretary's status when
    its task comes again (same content, or same kind, owner and deadline); a task gone is dropped
    unless someone changed the item (its history then keeps it)."""
    m = result.meeting
    existing = [_item(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM followup_items WHERE meeting_id = ? ORDER BY id", [result.id])]
    touched = {r[0] for r in conn.execute(
        "SELECT DISTINCT item_id FROM followup_history WHERE item_id IN "
        "(SELECT id FROM followup_items WHERE meeting_id = ?)", [result.id])}
    free = list(existing)
    now = _now()
    for task in tasks_of(result):
        match = next((i for i in free if i.kind == task.kind and i.content == task.content), None) or next(
            (i for i in free if i.kind == task.kind and i.owner == task.owner and i.deadline == task.deadline
             and (i.owner or i.deadline)), None)
        values = [m.branch, m.type, m.date, m.title, task.kind, task.content, task.owner, task.deadline,
                  task.start, task.end, task.text, now]
        if match:
            free.remove(match)
            conn.execute(
                "UPDATE followup_items SET branch=?, body=?, meeting_date=?, meeting_title=?, kind=?, content=?, "
                "owner=?, deadline=?, evidence_start=?, evidence_end=?, evidence_text=?, updated_at=? WHERE id=?",
                [*values, match.id])
        else:
            conn.execute(
                "INSERT INTO followup_items (meeting_id, branch, body, meeting_date, meeting_title, kind, content, "
                "owner, deadline, evidence_start, evidence_end, evidence_text, updated_at, status, progress, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)",
                [result.id, *values, NOT_STARTED, now])
    for gone in free:
        if gone.id not in touched:
            conn.execute("DELETE FROM followup_proposals WHERE item_id = ?", [gone.id])
            conn.execute("DELETE FROM followup_items WHERE id = ?", [gone.id])


def items(conn: sqlite3.Connection, branch: str | None = None) -> list[Item]:
    """Items of meetings not in the 回收站, oldest meeting first."""
    sql = (f"SELECT {', '.join('i.' + c.strip() for c in _COLUMNS.split(','))} FROM followup_items i "
           "JOIN meetings m ON m.id = i.meeting_id AND m.deleted_at IS NULL")
    args: list = []
    if branch is not None:
        sql += " WHERE i.branch = ?"
        args.append(branch)
    return [_item(r) for r in conn.execute(sql + " ORDER BY i.meeting_date, i.id", args)]


def item(conn: sqlite3.Connection, item_id: int) -> Item | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM followup_items WHERE id = ?", [item_id]).fetchone()
    return _item(row) if row else None


def set_status(conn: sqlite3.Connection, item_id: int, status: str, who: str, note: str = "",
               progress: str | None = None) -> None:
    """The secretary sets a status (逾期 is derived and cannot be set); the change goes in the history."""
    if status not in SETTABLE:
        raise ValueError(f"状态只能设为：{'、'.join(SETTABLE)}（“逾期”由完成时限自动判断）。")
    current = item(conn, item_id)
    if current is None:
        raise ValueError(f"台账中没有编号为 {item_id} 的事项。")
    now = _now()
    conn.execute("UPDATE followup_items SET status = ?, progress = COALESCE(?, progress), updated_at = ? WHERE id = ?",
                 [status, progress, now, item_id])
    conn.execute("INSERT INTO followup_history (item_id, at, who, field, old, new, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 [item_id, now, who, "status", current.status, status, note])


def history(conn: sqlite3.Connection, item_id: int) -> list[dict]:
    rows = conn.execute("SELECT at, who, field, old, new, note FROM followup_history WHERE item_id = ? ORDER BY id",
                        [item_id]).fetchall()
    return [dict(zip(("at", "who", "field", "old", "new", "note"), r, strict=True)) for r in rows]
