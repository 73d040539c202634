"""决议落实台账 across meetings: progress a later meeting reports is linked to the earlier task it is
about and proposed for the secretary to confirm (nothing changes status without confirmation).

The items themselves are core.followup's (kept in step with each saved meeting); the statements are
summarizer.progress's. This module is the cross-meeting part: only earlier meetings of the same
branch, the owner, and the words heard by sound. (app/ledger.py is the other 台账: which meetings were held.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import followup, paths
from core.followup import CLOSED, CONFIRMED, PENDING, REJECTED, Item
from core.pinyin import name_similarity
from core.storage import Store
from core.types import FollowupEntry, Result, canonical_meeting_type
from summarizer.progress import ProgressStatement, detect_progress, task_similarity
from summarizer.text import han_only

MIN_SHARED = 2  # content words a report must share with a task (one, when it also names the owner)


@dataclass
class Proposal:
    id: int
    item_id: int
    meeting_id: str
    meeting_title: str
    meeting_date: str
    status: str
    evidence_start: float
    evidence_end: float
    evidence_text: str
    score: float
    state: str


def _names_owner(statement: ProgressStatement, owner: str) -> bool:
    if not owner or owner.startswith("各"):
        return False
    if statement.speaker == owner or owner in statement.text:
        return True
    said = han_only(statement.text)
    return any(name_similarity(said[i:i + len(owner)], owner) >= 0.9 for i in range(len(said) - len(owner) + 1))


def _score(statement: ProgressStatement, item: Item, said: str | None = None) -> float:
    shared = task_similarity(said or statement.text, item.content)
    owner = _names_owner(statement, item.owner)
    if shared >= MIN_SHARED or (shared >= 1 and owner):
        return shared + (1.0 if owner else 0.0)
    return 0.0


def link(statements: list[ProgressStatement], candidates: list[Item]) -> list[tuple[ProgressStatement, Item, float]]:
    """Each statement to the one task it clearly reports on (the best score, ahead of the next)."""
    out = []
    for st in statements:
        scored = sorted(((_score(st, it), it.id, it) for it in candidates), key=lambda t: (-t[0], t[1]))
        if (not scored or scored[0][0] <= 0) and st.before:  # "关于宣传栏。已经换好了": the task named just before
            said = st.before + st.text
            scored = sorted(((_score(st, it, said), it.id, it) for it in candidates), key=lambda t: (-t[0], t[1]))
        if not scored or scored[0][0] <= 0:
            continue
        if len(scored) > 1 and scored[1][0] >= scored[0][0]:
            continue  # two tasks fit as well: not for us to choose
        out.append((st, scored[0][2], scored[0][0]))
    return out


def candidates_for(store: Store, meeting_id: str, branch: str, date: str) -> list[Item]:
    """Open items set by earlier meetings of the same branch."""
    return [i for i in followup.items(store.db.conn, branch)
            if i.meeting_id != meeting_id and i.meeting_date and date and i.meeting_date < date
            and i.status not in CLOSED]


def propose(store: Store, meeting_id: str) -> list[Proposal]:
    """Refresh the pending proposals a meeting's transcript gives; confirmed and rejected ones stay."""
    result = store.load_result(meeting_id)
    m = result.meeting
    decided = {r[0] for r in store.db.execute(
        "SELECT evidence_start FROM followup_proposals WHERE meeting_id = ? AND state != ?", [meeting_id, PENDING])}
    statements = [st for st in detect_progress(result.segments) if st.start not in decided]  # answered already
    found = link(statements, candidates_for(store, meeting_id, m.branch, m.date))
    now = dt.datetime.now().isoformat(timespec="seconds")
    with store.transaction() as conn:
        keep = {(item.id, st.start) for st, item, _ in found}
        for pid, item_id, start in conn.execute("SELECT id, item_id, evidence_start FROM followup_proposals "
                                                "WHERE meeting_id = ? AND state = ?", [meeting_id, PENDING]).fetchall():
            if (item_id, start) not in keep:  # ids of proposals found again stay as they were
                conn.execute("DELETE FROM followup_proposals WHERE id = ?", [pid])
        for st, item, score in found:
            conn.execute(
                "INSERT OR IGNORE INTO followup_proposals (item_id, meeting_id, status, evidence_start, evidence_end, "
                "evidence_text, score, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [item.id, meeting_id, st.status, st.start, st.end, st.text, score, PENDING, now])
    return proposals(store, meeting_id=meeting_id)


def refresh(store: Store) -> None:
    """Proposals of every meeting (the CLI and the window call it before showing the ledger)."""
    for row in store.list_meetings():
        propose(store, row["id"])


def proposals(store: Store, meeting_id: str | None = None, state: str | None = PENDING) -> list[Proposal]:
    sql = ("SELECT p.id, p.item_id, p.meeting_id, m.title, m.date, p.status, p.evidence_start, p.evidence_end, "
           "p.evidence_text, p.score, p.state FROM followup_proposals p JOIN meetings m ON m.id = p.meeting_id "
           "AND m.deleted_at IS NULL WHERE 1 = 1")
    args: list = []
    if meeting_id:
        sql += " AND p.meeting_id = ?"
        args.append(meeting_id)
    if state:
        sql += " AND p.state = ?"
        args.append(state)
    return [Proposal(*r) for r in store.db.execute(sql + " ORDER BY m.date, p.id", args).fetchall()]


def _proposal(store: Store, proposal_id: int) -> Proposal:
    found = [p for p in proposals(store, state=None) if p.id == proposal_id]
    if not found:
        raise ValueError(f"没有编号为 {proposal_id} 的待确认进展。")
    return found[0]


def confirm(store: Store, proposal_id: int, who: str = "书记") -> Item:
    """The secretary confirms what a later meeting said: the item takes the proposed status and its words."""
    p = _proposal(store, proposal_id)
    if p.state != PENDING:
        raise ValueError(f"进展 {proposal_id} 已{p.state[1:]}，无需再确认。")
    with store.transaction() as conn:
        followup.set_status(conn, p.item_id, p.status, who, note=f"据{p.meeting_title}（{p.meeting_date}）确认",
                            progress=f"{p.meeting_date}：{p.evidence_text}")
        conn.execute("UPDATE followup_proposals SET state = ? WHERE id = ?", [CONFIRMED, proposal_id])
    return followup.item(store.db.conn, p.item_id)


def reject(store: Store, proposal_id: int) -> None:
    _proposal(store, proposal_id)
    with store.transaction() as conn:
        conn.execute("UPDATE followup_proposals SET state = ? WHERE id = ?", [REJECTED, proposal_id])


def set_status(store: Store, item_id: int, status: str, who: str = "书记", note: str = "") -> Item:
    with store.transaction() as conn:
        followup.set_status(conn, item_id, status, who, note)
    return followup.item(store.db.conn, item_id)


def ledger_items(store: Store, *, status: str | None = None, owner: str | None = None, body: str | None = None,
                 quarter: str | None = None, branch: str | None = None, today: dt.date | None = None) -> list[Item]:
    """Items with the filters of the 台账 view; status compares the current one (逾期 derived)."""
    out, body = [], canonical_meeting_type(body) if body else None
    for it in followup.items(store.db.conn, branch):
        if status and it.current_status(today) != status:
            continue
        if owner and owner not in it.owner:
            continue
        if body and it.body != body:
            continue
        if quarter and it.quarter != quarter:
            continue
        out.append(it)
    return out


def open_items_before(store: Store, branch: str, date: str, today: dt.date | None = None) -> list[Item]:
    """What the next meeting reports on: items of earlier meetings of the branch, not 已完成 or 取消."""
    return [i for i in followup.items(store.db.conn, branch)
            if i.meeting_date < date and i.current_status(today) not in CLOSED]


def entries(items: list[Item], today: dt.date | None = None) -> list[FollowupEntry]:
    return [FollowupEntry(i.id, i.content, i.owner, i.deadline, i.current_status(today), i.progress, i.meeting_title,
                          i.meeting_date) for i in items]


def carry_into(result: Result, today: dt.date | None = None) -> Result:
    """The minutes carry 上次会议决议落实情况: the open tasks of the branch's earlier meetings (none when
    the meeting has no branch or date, or there is no meeting store yet)."""
    m = result.meeting
    if not (m.branch and m.date) or not paths.database_path().exists():
        return result
    store = Store()
    try:
        result.minutes.followup = entries(open_items_before(store, m.branch, m.date, today), today)
    finally:
        store.close()
    return result
