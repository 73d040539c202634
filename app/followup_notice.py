"""The next meeting of a body starts from the 台账: a 会议通知 / 议程 draft with its date (the body's
usual rhythm after its last meeting, unless given), roster and place from the last meeting, and the
open and overdue tasks under 上次会议决议落实情况."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.followup import entries, open_items_before
from core.errors import StoreError
from core.meeting_rules import rules
from core.storage import Store
from core.types import Meeting, parse_meeting_type
from summarizer.notice_docx import write_notice_docx

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in range(day.day, 0, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_meeting(store: Store, branch: str, body: str, date: str | None = None) -> Meeting:
    body = parse_meeting_type(body)
    rows = [r for r in store.list_meetings(meeting_type=body) if r["branch"] == branch]
    if not rows:
        raise StoreError(f"没有“{branch}”召开{body}的记录：请先处理一次该支部的{body}。")
    last = store.load_result(rows[0]["id"]).meeting
    if not date:
        rule = rules(body)
        date = _months_later(last.day, _MONTHS.get(rule.period if rule else "month", 1)).isoformat()
    return Meeting(type=body, branch=branch, date=date, location=last.location, host=last.host,
                   recorder=last.recorder, roster=list(last.roster), start_time=last.start_time)


def write_notice(store: Store, branch: str, body: str, out: Path, date: str | None = None,
                 today: dt.date | None = None) -> tuple[Path, Meeting, int]:
    meeting = next_meeting(store, branch, body, date)
    carried = entries(open_items_before(store, branch, meeting.date, today), today)
    return write_notice_docx(out, meeting, carried, today), meeting, len(carried)
