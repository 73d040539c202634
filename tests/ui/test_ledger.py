import datetime as dt

from app.ledger import ledger


def test_ledger_counts_by_period_and_flags_missing():
    rows = [
        {"type": "支部委员会", "date": "2026-10-12"},
        {"type": "支部委员会", "date": "2026-09-30"},  # last month: does not count
        {"type": "支部党员大会", "date": "2026-11-02"},  # same quarter (Q4)
        {"type": "党课", "date": "2026-09-15"},  # Q3: missing in Q4
        {"type": "主题党日", "date": ""},  # no date: ignored
    ]
    items = {i.meeting_type: i for i in ledger(rows, today=dt.date(2026, 11, 20))}
    assert items["支部委员会"].held == 0 and items["支部委员会"].period_label == "2026年11月"
    assert items["支部党员大会"].held == 1 and items["支部党员大会"].period_label == "2026年第四季度"
    assert items["党课"].missing and items["组织生活会"].period_label == "2026年"
    oct_items = {i.meeting_type: i for i in ledger(rows, today=dt.date(2026, 10, 31))}
    assert oct_items["支部委员会"].held == 1 and oct_items["支部委员会"].status == "已开 1 次"
