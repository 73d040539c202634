from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from core.errors import StoreError
from core.storage import MIGRATIONS, Store
from core.types import Assessment, Meeting, Minutes, Resolution, Result, Segment


def _result(title: str = "十月支委会", date: str = "2026-10-12") -> Result:
    return Result(
        meeting=Meeting(type="支部委员会", title=title, date=date, roster=["王建国", "刘芳"]),
        segments=[
            Segment(0.0, 4.0, "同志们，现在开会，研究党费收缴工作。", "王建国"),
            Segment(4.5, 9.0, "我建议向驻外同志发送线上缴纳说明。", "刘芳"),
        ],
        minutes=Minutes(resolutions=[Resolution("收齐党费", owner="刘芳", deadline="2026-12-20")]),
        assessment=Assessment(score={"overall": 80}),
        duration=9.0,
    )


def test_round_trip_keeps_everything(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    original = _result()
    meeting_id = store.save_result(original)
    assert meeting_id.startswith("20261012-")
    loaded = store.load_result(meeting_id)
    assert loaded.segments == original.segments
    assert loaded.minutes.resolutions[0].owner == "刘芳"
    assert loaded.assessment.score == {"overall": 80}
    assert store.list_meetings()[0]["title"] == "十月支委会"


def test_schema_is_migrated_and_wal(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    assert store.schema_version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    assert Store(tmp_path / "db.sqlite").schema_version == len(MIGRATIONS)  # reopening runs nothing twice


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(path)


def test_corrupt_database_gives_chinese_error(tmp_path):
    path = tmp_path / "db.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="无法打开会议数据库"):
        Store(path)


def test_full_text_search_finds_chinese_substrings(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    a = store.save_result(_result())
    store.save_result(_result(title="十一月支委会", date="2026-11-10"))
    hits = store.search("党费")
    assert {h.meeting_id for h in hits} >= {a}
    assert all("党费" in h.text for h in hits)
    assert store.search("线上缴纳")[0].speaker == "刘芳"
    assert store.search("入党积极分子") == []
    assert store.search('"') == []  # FTS syntax characters never raise


def test_resave_replaces_transcript(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    store.save_result(r)
    r.segments = [Segment(0, 1, "只剩一句。", "王建国")]
    store.save_result(r)
    assert store.load_result(r.id).segments == r.segments
    assert store.search("党费") == []


def test_list_filters_by_type_and_month(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.save_result(_result(date="2026-10-12"))
    store.save_result(_result(date="2026-11-02"))
    assert len(store.list_meetings(month="2026-11")) == 1
    assert store.list_meetings(meeting_type="党课") == []


def test_voiceprints_average_and_require_consent(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    with pytest.raises(StoreError, match="同意"):
        store.save_voiceprint("刘芳", np.ones(4), consent=False)
    store.save_voiceprint("刘芳", np.array([1, 0, 0, 0], dtype=np.float32), consent=True)
    assert store.save_voiceprint("刘芳", np.array([0, 1, 0, 0], dtype=np.float32), consent=True) == 2
    vec = store.voiceprints()["刘芳"]
    assert np.allclose(vec, np.array([1, 1, 0, 0]) / np.sqrt(2), atol=1e-6)
    assert store.list_voiceprints()[0].samples == 2
    assert store.delete_voiceprint("刘芳") and store.voiceprints() == {}
