"""The 台账: which required meetings this month, quarter and year are held and which are missing.

Frequencies are domain.md's defaults (local rules may differ). Qt-free, so the UI only shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.meeting_rules import all_rules

# (meeting type, period): the minimum each type is held (core.meeting_rules, domain.md's defaults),
# the month's first, then the quarter's, then the year's.
_ORDER = {"month": 0, "quarter": 1, "year": 2}
REQUIRED: tuple[tuple[str, str], ...] = tuple(
    (r.name, r.period) for r in sorted(all_rules(), key=lambda r: _ORDER[r.period]))
PERIOD_NAMES = {"month": "本月", "quarter": "本季度", "year": "本年度"}


@dataclass
class LedgerItem:
    meeting_type: str
    period: str  # month | quarter | year
    period_label: str  # e.g. 2026年10月, 2026年第四季度
    held: int

    @property
    def missing(self) -> bool:
        return self.held == 0

    @property
    def status(self) -> str:
        return f"已开 {self.held} 次" if self.held else "尚未召开"


def _period_of(day: dt.date, period: str) -> tuple[dt.date, dt.date, str]:
    if period == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return start, end, f"{day.year}年{day.month}月"
    if period == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, q * 3 + 1, 1)
        end = dt.date(day.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        return start, end, f"{day.year}年第{'一二三四'[q]}季度"
    return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1), f"{day.year}年"


def ledger(meetings: list[dict], today: dt.date | None = None) -> list[LedgerItem]:
    """meetings: rows with 'type' and 'date' (Store.list_meetings())."""
    today = today or dt.date.today()
    items = []
    for meeting_type, period in REQUIRED:
        start, end, label = _period_of(today, period)
        held = 0
        for row in meetings:
            try:
                day = dt.date.fromisoformat(row.get("date") or "")
            except ValueError:
                continue
            if row.get("type") == meeting_type and start <= day < end:
                held += 1
        items.append(LedgerItem(meeting_type, period, label, held))
    return items
