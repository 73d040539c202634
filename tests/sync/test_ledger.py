"""Finalising, immutability, versions, the per-branch hash chain and `sanhui verify`."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app.cli import main
from app.sync.canonical import ZERO_SHA256, canonical_json, content_sha256, verify_body
from app.sync.ledger import audit_log, finalize, record_files, records, verify_chain
from app.sync.outbox import outbox_items
from core.errors import SanhuiError
from tests.sync.conftest import make_meeting, tiny_docs


def _finalize_some(store, n=4):
    ids = [make_meeting(store, i, branch="一支部" if i % 2 else "二支部") for i in range(n)]
    return [finalize(store, mid, render=tiny_docs) for mid in ids]


def test_finalize_freezes_a_version_links_the_branch_chain_and_queues_it(store):
    r0, r1, r2, r3 = _finalize_some(store)
    assert (r0.version, r0.prev_sha256) == (1, ZERO_SHA256)  # 二支部 starts its chain
    assert r1.prev_sha256 == ZERO_SHA256  # 一支部 starts its own
    assert r2.prev_sha256 == r0.content_sha256 and r3.prev_sha256 == r1.content_sha256
    body = r2.body
    assert verify_body(body) and body["id"] == r2.meeting_id and body["schema"] == "sanhui.result/1"
    assert body["meeting"]["branch"] == "二支部" and body["segments"][0]["text"] == "第2项议题，同意。"
    assert set(body["documents"]) == {"minutes.docx", "report.docx"}
    assert record_files(store, r2.seq)["minutes.docx"].startswith(b"minutes.docx of m0002")
    assert [i.state for i in outbox_items(store)] == ["queued"] * 4
    assert store.list_meetings()[0]["status"] == "已定稿"
    assert [a["action"] for a in audit_log(store)].count("finalize") == 4


def test_unchanged_meeting_is_not_finalised_twice_and_a_correction_is_a_new_version(store):
    mid = make_meeting(store, 1)
    first = finalize(store, mid, with_documents=False)
    with pytest.raises(SanhuiError, match="内容没有改动"):
        finalize(store, mid, with_documents=False)
    store.reopen(mid)  # 修订
    result = store.load_result(mid)
    result.meeting.title = "第1次支委会（更正）"
    store.save_result(result)
    second = finalize(store, mid, with_documents=False)
    assert second.version == 2 and second.prev_sha256 == first.content_sha256
    assert first.body["meeting"]["title"] == "第1次支委会"  # the first version is untouched
    assert [r.version for r in records(store, mid)] == [1, 2]


def test_the_ledger_and_audit_log_refuse_updates_and_deletes(store):
    (r0, *_) = _finalize_some(store, 1)
    for sql in (
        "UPDATE records SET body = '{}' WHERE seq = 1",
        "DELETE FROM records",
        "UPDATE record_files SET data = x'00'",
        "DELETE FROM audit",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.db.conn:
            store.db.execute(sql)
    assert verify_chain(store).ok


def _drop_triggers(store):
    for (name,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        store.db.execute(f"DROP TRIGGER {name}")


def test_chain_detects_an_edited_record(store):
    recs = _finalize_some(store, 5)
    assert verify_chain(store).ok and verify_chain(store).records == 5
    _drop_triggers(store)  # someone with the database file and an SQLite tool
    body = recs[2].body
    body["minutes"]["agenda"] = ["篡改后的议程"]
    with store.db.conn:
        store.db.execute("UPDATE records SET body = ? WHERE seq = ?", [canonical_json(body).decode(), recs[2].seq])
    report = verify_chain(store)
    assert not report.ok
    assert report.first_break.seq == recs[2].seq and "校验值不符" in report.first_break.reason
    assert main(["verify"]) == 3


def test_chain_detects_an_edit_whose_hash_was_recomputed(store):
    recs = _finalize_some(store, 5)
    _drop_triggers(store)
    body = recs[0].body  # 二支部; the next record of that branch is recs[2]
    body["segments"][0]["text"] = "不同意。"
    body["content_sha256"] = content_sha256(body)
    with store.db.conn:
        store.db.execute(
            "UPDATE records SET body = ?, content_sha256 = ? WHERE seq = ?",
            [canonical_json(body).decode(), body["content_sha256"], recs[0].seq],
        )
    report = verify_chain(store)
    # blamed on the record that was changed, not on the next one whose link it broke
    assert report.first_break.seq == recs[0].seq and "重新计算了校验值" in report.first_break.reason
    assert all(p.seq != recs[2].seq for p in report.problems)


def test_chain_detects_an_edited_document(store):
    recs = _finalize_some(store, 4)
    _drop_triggers(store)
    with store.db.conn:
        store.db.execute("UPDATE record_files SET data = ? WHERE record_seq = ? AND name = 'report.docx'", [b"x", recs[1].seq])
    report = verify_chain(store)
    assert report.first_break.seq == recs[1].seq and "report.docx" in report.first_break.reason


@pytest.mark.parametrize("which", [1, 3])  # in the middle, and the newest (no later link points at it)
def test_chain_detects_a_removed_record(store, which):
    recs = _finalize_some(store, 4)
    _drop_triggers(store)
    seq = recs[which].seq
    with store.db.conn:
        for table, column in (("record_files", "record_seq"), ("outbox", "record_seq"), ("records", "seq")):
            store.db.execute(f"DELETE FROM {table} WHERE {column} = ?", [seq])
    report = verify_chain(store)
    assert not report.ok and "缺失" in report.first_break.reason and str(seq) in report.first_break.reason


def test_verify_command_reports_an_intact_chain(store, capsys):
    _finalize_some(store, 3)
    assert main(["verify"]) == 0
    assert "哈希链完好" in capsys.readouterr().out


def test_finalize_command_and_unknown_meeting(store, capsys, monkeypatch):
    import app.sync.ledger as ledger

    monkeypatch.setattr(ledger, "render_documents", tiny_docs)  # the Word writers are tested elsewhere
    mid = make_meeting(store, 7)
    assert main(["finalize", mid]) == 0
    assert "第 1 版" in capsys.readouterr().out
    assert main(["finalize", "no-such-meeting"]) == 2
    assert "找不到" in capsys.readouterr().err


def test_real_word_documents_are_frozen_with_the_record(store):
    mid = make_meeting(store, 1)
    try:
        record = finalize(store, mid)  # the default renderer: app.export's Word minutes and report
    except (ImportError, NotImplementedError):
        pytest.skip("the Word writers of summarizer/analytics are not available yet")
    files = record_files(store, record.seq)
    assert set(files) == {"minutes.docx", "report.docx"} and all(d[:2] == b"PK" for d in files.values())
    assert json.loads(record.body_text)["documents"]["minutes.docx"]["size"] == len(files["minutes.docx"])
    assert verify_chain(store).ok


def test_two_finalize_of_one_meeting_at_once_record_one_version(store):
    """Both read the same working copy and render before either commits; the second must see the first's
    version under the write lock and refuse, instead of recording an identical v2."""
    import threading

    from core.storage import Store

    mid = make_meeting(store, 1)
    barrier = threading.Barrier(2, timeout=30)

    def render(result, out_dir):
        barrier.wait()  # both are past the early check
        return tiny_docs(result, out_dir)

    outcomes: list[object] = []

    def run():
        own = Store(store.path)  # one connection each, like two processes
        try:
            outcomes.append(finalize(own, mid, render=render))
        except SanhuiError as exc:
            outcomes.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(type(o).__name__ for o in outcomes) == ["Record", "SanhuiError"]
    assert "内容没有改动" in str(next(o for o in outcomes if isinstance(o, SanhuiError)))
    assert [r.version for r in records(store, mid)] == [1]
    assert len(outbox_items(store)) == 1 and verify_chain(store).ok


def test_a_meeting_edited_while_its_documents_render_is_not_finalised_from_the_stale_copy(store):
    mid = make_meeting(store, 1)

    def render(result, out_dir):
        with store.transaction() as conn:  # another window saves an edit meanwhile
            conn.execute("UPDATE meetings SET result_json = replace(result_json, '第1次支委会', '改过的标题')")
        return tiny_docs(result, out_dir)

    with pytest.raises(SanhuiError, match="在定稿过程中又被修改"):
        finalize(store, mid, render=render)
    assert records(store, mid) == []


def test_revise_is_audited_and_a_correction_becomes_version_two(tmp_path):
    """修订 through the ledger: an audit line in the same transaction, verify stays clean while the
    correction is under way, and the next finalize records version 2."""
    from app.sync.ledger import audit_log, finalize, records, reopen, verify_chain
    from core.storage import MeetingStatus, Store
    from tests.ui.conftest import make_result

    store = Store(tmp_path / "db.sqlite")
    result = make_result()
    meeting_id = store.save_result(result)
    finalize(store, meeting_id, with_documents=False)
    reopen(store, meeting_id)
    assert store.status(meeting_id) == MeetingStatus.REVISING
    assert audit_log(store, 1)[0]["action"] == "reopen"
    result.segments[0].text = "更正后的第一句。"
    store.save_result(result, status=MeetingStatus.REVISING)
    assert verify_chain(store).ok
    finalize(store, meeting_id, with_documents=False)
    assert [r.version for r in records(store, meeting_id)] == [1, 2]
    assert verify_chain(store).ok
