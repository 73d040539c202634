"""What the superior committee sees of the 决议落实台账 in a synced record: the branch's tasks up to this
meeting with status and history, and warnings the platform can raise (逾期 tasks, the same risk
remark heard in more than one meeting).

An addition to the platform contract: the record body's optional "followup" object, versioned by its
own "format"; platforms that do not know it store it as an unknown field (docs/platform-api.yaml)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core import followup
from core.followup import OVERDUE
from core.storage import Store

FORMAT = "sanhui.followup/1"


def _repeated_risks(store: Store, branch: str, date: str) -> list[dict[str, Any]]:
    """Risk remarks (analytics.risks) of the same kind (its cue, else its reason) in two or more meetings."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for row in store.db.execute("SELECT id, date, result_json FROM meetings WHERE branch = ? AND deleted_at IS NULL "
                                "AND date <= ? ORDER BY date", [branch, date]).fetchall():
        risks = (json.loads(row[2]).get("analytics") or {}).get("risks") or []
        kinds: dict[str, dict[str, Any]] = {}
        for r in risks:
            kinds.setdefault(r.get("cue") or r.get("reason") or "", r)
        for kind, r in kinds.items():
            if kind:
                seen.setdefault(kind, []).append({"meeting_id": row[0], "date": row[1], "text": r.get("text", ""),
                                                  "reason": r.get("reason", "")})
    return [{"kind": "repeated_risk", "cue": cue, "meetings": heard} for cue, heard in seen.items() if len(heard) > 1]


def followup_report(store: Store, meeting_id: str, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    row = store.db.execute("SELECT branch, date FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    branch, date = (row[0] or "", row[1] or "") if row else ("", "")
    conn = store.db.conn
    items = [i for i in followup.items(conn, branch) if i.meeting_date <= date]
    out_items, warnings = [], []
    for i in items:
        status = i.current_status(today)
        out_items.append({
            "id": i.id, "kind": i.kind, "content": i.content, "meeting_id": i.meeting_id, "meeting_date": i.meeting_date,
            "body": i.body, "owner": i.owner or None, "deadline": i.deadline or None, "status": status,
            "progress": i.progress, "evidence": {"start": i.evidence_start, "end": i.evidence_end, "text": i.evidence_text},
            "history": followup.history(conn, i.id),
        })
        if status == OVERDUE:
            warnings.append({"kind": "overdue", "item": i.id, "content": i.content, "owner": i.owner or None,
                             "deadline": i.deadline, "days_overdue": (today - dt.date.fromisoformat(i.deadline)).days})
    warnings += _repeated_risks(store, branch, date)
    return {"format": FORMAT, "branch": branch, "as_of": today.isoformat(), "items": out_items, "warnings": warnings}
