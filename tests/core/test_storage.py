from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from core.errors import StoreError
from core.storage import MIGRATIONS, MeetingStatus, Store
from core.types import (
    Assessment,
    ComplianceItem,
    Meeting,
    Minutes,
    Resolution,
    Result,
    Score,
    ScorePart,
    Segment,
)


def _result(title: str = "十月支委会", date: str = "2026-10-12") -> Result:
    return Result(
        meeting=Meeting(type="支部委员会", title=title, date=date, roster=["王建国", "刘芳"]),
        segments=[
            Segment(0.0, 4.0, "同志们，现在开会，研究党费收缴工作。", "王建国"),
            Segment(4.5, 9.0, "我建议向驻外同志发送线上缴纳说明。", "刘芳"),
        ],
        minutes=Minutes(resolutions=[Resolution("收齐党费", owner="刘芳", deadline="2026-12-20")]),
        assessment=Assessment(score=Score(overall=80, parts=[ScorePart("balance", "发言均衡", None, 0.15, "未计算")]),
                              compliance=[ComplianceItem("第一议题", None)]),
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
    assert loaded.assessment == original.assessment  # typed parts and items come back typed
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


# ------------------------------------------------------------------ faults: nothing half-done


def _disk_fills_after(monkeypatch, pages: int) -> None:
    """Every connection Store opens sees a disk that is full beyond `pages` pages (SQLITE_FULL)."""
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def _database_at(path, version: int) -> None:
    store = Store.__new__(Store)
    import sqlite_utils

    store.db = sqlite_utils.Database(sqlite3.connect(path))
    for number, migration in enumerate(MIGRATIONS[:version], start=1):
        migration(store.db)
        store.db.execute(f"PRAGMA user_version = {number}")
    store.db.conn.commit()
    store.db.conn.close()


def test_migration_on_a_full_disk_leaves_the_database_openable(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite"
    _database_at(path, 2)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    with monkeypatch.context() as m:
        _disk_fills_after(m, pages + 8)  # room for the first tables of migration 3, not all
        with pytest.raises(StoreError, match="磁盘空间已满"):
            Store(path)
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 2
    assert not check.execute("SELECT 1 FROM sqlite_master WHERE name = 'records'").fetchone()  # nothing half-made
    check.close()
    store = Store(path)  # space again: the upgrade runs whole
    assert store.schema_version == len(MIGRATIONS)


def test_a_migration_failing_half_way_is_rolled_back(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite"
    Store(path).close()

    def half(db):
        db.execute("CREATE TABLE half_made (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("core.storage.MIGRATIONS", [*MIGRATIONS, half])
    with pytest.raises(StoreError, match="磁盘读写错误"):
        Store(path)
    monkeypatch.undo()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert not store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_made'").fetchone()


def test_database_half_migrated_by_an_earlier_version_is_repaired(tmp_path):
    """The old code committed each CREATE alone: user_version 2 with some of migration 3's tables."""
    path = tmp_path / "db.sqlite"
    _database_at(path, 2)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY AUTOINCREMENT, meeting_id TEXT)")
    conn.execute("CREATE TABLE record_files (record_seq INTEGER, name TEXT)")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    columns = {c.name for c in store.db["records"].columns}
    assert {"content_sha256", "prev_sha256", "body"} <= columns  # the real table, not the leftover


def test_failed_save_keeps_the_previous_version_and_its_index(tmp_path, monkeypatch):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    store.save_result(r)
    r.meeting.title = "改过的标题"
    r.segments = [Segment(0, 1, "改过的一句。", "王建国"), Segment(1, 2, "第二句。", "刘芳")]
    calls = []

    def failing_tokens(text):
        calls.append(text)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return " ".join(text)

    monkeypatch.setattr("core.storage.fts_tokens", failing_tokens)
    with pytest.raises(StoreError, match="保存会议记录失败"):
        store.save_result(r)
    monkeypatch.undo()
    kept = store.load_result(r.id)
    assert kept.meeting.title == "十月支委会" and len(kept.segments) == 2
    assert kept.segments[0].text.startswith("同志们")
    assert store.search("党费收缴")  # the index survived
    assert store.list_meetings()[0]["title"] == "十月支委会"


def test_save_on_a_full_disk_keeps_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite"
    store = Store(path)
    r = _result()
    store.save_result(r)
    store.close()
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    _disk_fills_after(monkeypatch, pages + 2)
    store = Store(path)
    r.segments = [Segment(i, i + 1, f"第{i}句，" + "很长的发言内容" * 40, "刘芳") for i in range(300)]
    with pytest.raises(StoreError, match="保存会议记录失败"):
        store.save_result(r)
    kept = store.load_result(r.id)
    assert len(kept.segments) == 2
    assert store.search("线上缴纳")[0].speaker == "刘芳"


# ------------------------------------------------------------------ a finalised meeting is frozen


def _finalise(store: Store, meeting_id: str) -> None:
    store.db.execute("UPDATE meetings SET status = ? WHERE id = ?", [MeetingStatus.FINALIZED, meeting_id])
    store.db.conn.commit()


def test_storage_refuses_to_change_a_finalised_meeting(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    store.save_result(r)
    _finalise(store, r.id)
    r.meeting.title = "迟到的旧编辑"
    with pytest.raises(StoreError, match="已定稿"):
        store.save_result(r)  # a stale save from the window
    with pytest.raises(StoreError, match="已定稿"):
        store.set_status(r.id, "已处理")
    assert store.status(r.id) == MeetingStatus.FINALIZED
    assert store.load_result(r.id).meeting.title == "十月支委会"
    with pytest.raises(StoreError):
        store.save_result(r, status=MeetingStatus.FINALIZED)  # only 定稿 sets it


def test_reopen_makes_a_finalised_meeting_editable(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    store.save_result(r)
    with pytest.raises(StoreError, match="本来就可以修改"):
        store.reopen(r.id)
    _finalise(store, r.id)
    store.reopen(r.id)
    assert store.status(r.id) == MeetingStatus.REVISING
    r.meeting.title = "更正后的标题"
    store.save_result(r, status=MeetingStatus.REVISING)
    assert store.load_result(r.id).meeting.title == "更正后的标题"


# ------------------------------------------------------------------ several processes, private files


FIRST_START = """
import sys
from core.storage import Store
Store(sys.argv[1]).close()
"""


def test_many_processes_opening_a_fresh_home_all_succeed(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    path = tmp_path / "home" / "sanhui.db"
    procs = [subprocess.Popen([sys.executable, "-c", FIRST_START, str(path)], env=env, stderr=subprocess.PIPE)
             for _ in range(20)]
    failures = [p.stderr.read().decode() for p in procs if p.wait(timeout=120) != 0]
    assert not failures, failures[0]
    assert Store(path).schema_version == len(MIGRATIONS)


def test_data_folder_and_database_are_private(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        home = tmp_path / "home"
        store = Store(home / "sanhui.db")
        store.save_result(_result())
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        for f in home.iterdir():
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    finally:
        os.umask(old)


# ------------------------------------------------------------------ 回收站, the same recording, working state


def test_deleted_meetings_go_to_the_trash_and_come_back(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    keep, gone = store.save_result(_result()), store.save_result(_result(title="误建的会议", date="2026-10-13"))
    store.trash_meeting(gone)
    assert [r["id"] for r in store.list_meetings()] == [keep]
    trashed = store.list_meetings(trash=True)
    assert [r["id"] for r in trashed] == [gone] and trashed[0]["deleted_at"]
    assert {h.meeting_id for h in store.search("党费")} == {keep}  # the trash is not searched
    with pytest.raises(StoreError, match="回收站"):
        store.save_result(store.load_result(gone))  # a stale save from a window cannot revive it
    with pytest.raises(StoreError, match="已在回收站"):
        store.trash_meeting(gone)
    with pytest.raises(StoreError, match="请先删除到回收站"):
        store.purge_meeting(keep)
    store.restore_meeting(gone)
    assert {r["id"] for r in store.list_meetings()} == {keep, gone} and store.list_meetings(trash=True) == []
    assert {h.meeting_id for h in store.search("党费")} == {keep, gone}
    store.trash_meeting(gone)
    store.purge_meeting(gone)
    assert store.list_meetings(trash=True) == [] and not store.search("误建")
    with pytest.raises(StoreError, match="找不到"):
        store.restore_meeting(gone)


def test_a_recording_is_found_again_by_path_or_content(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    r.audio_path = "/录音/m02.m4a"
    meeting_id = store.save_result(r, audio_sha256="ab" * 32)
    assert [m["id"] for m in store.find_by_audio("/录音/m02.m4a")] == [meeting_id]
    assert [m["id"] for m in store.find_by_audio("/U盘/副本.m4a", "ab" * 32)] == [meeting_id]
    assert store.find_by_audio("/U盘/别的.m4a", "cd" * 32) == [] and store.find_by_audio() == []
    store.save_result(r)  # an edit saved without the hash keeps it
    assert store.working_state(meeting_id).audio_sha256 == "ab" * 32
    store.trash_meeting(meeting_id)
    assert store.find_by_audio("/录音/m02.m4a", "ab" * 32) == []


def test_working_state_is_kept_until_given_again(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    r = _result()
    store.save_result(r, manual={"resolutions", "attendance"}, pending="minutes")
    store.save_result(r)
    state = store.working_state(r.id)
    assert (state.manual, state.pending, state.deleted_at) == ({"resolutions", "attendance"}, "minutes", None)
    store.save_result(r, pending="")
    assert store.working_state(r.id).pending == ""


def test_a_database_of_the_previous_version_gains_the_trash(tmp_path):
    path = tmp_path / "db.sqlite"
    _database_at(path, 4)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meetings (id, type, title, date, status, result_json) VALUES "
                 "('20261012-aaaaaa', '支部委员会', '旧会议', '2026-10-12', '已处理', '{}')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert [r["title"] for r in store.list_meetings()] == ["旧会议"]
    assert store.working_state("20261012-aaaaaa").manual == set()
