"""Issue #19 for the sender: one at a time, progress saved per step, --retry of the named version,
a receipt with a wrong hash, and the background retry schedule."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest

from app.cli import main
from app.sync.client import TOKEN_ENV, PlatformClient
from app.sync.ledger import finalize, record_files, verify_chain
from app.sync.lock import SendLease
from app.sync.outbox import (
    RETRY_BASE,
    RETRY_CAP,
    Sender,
    next_retry_at,
    outbox_items,
    requeue,
    retry_due,
    retry_schedule,
)
from core.errors import SanhuiError
from tests.conftest import REPO
from tests.sync.conftest import TOKEN, make_meeting, tiny_docs
from tests.sync.platform_server import Faults, PlatformServer

CHILD = """
import random, sys
from pathlib import Path
from app.sync.client import PlatformClient, get_token
from app.sync.outbox import Sender
from core.storage import Store
store = Store(Path(sys.argv[1]))
Sender(store, PlatformClient(sys.argv[2], get_token(), timeout=30), base_delay=0.0, rng=random.Random(7)).run()
"""
CLI_SYNC = "import sys; from app.cli import main; sys.exit(main(['sync', '--timeout', '10']))"


def _env(**extra):
    return {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO), **extra}


def _sender(store, url, **kw):
    kw.setdefault("base_delay", 0.0)
    return Sender(store, PlatformClient(url, TOKEN, timeout=kw.pop("timeout", 2)), rng=random.Random(1), **kw)


def _server(**faults):
    return PlatformServer(tokens={TOKEN: "write"}, faults=Faults(**faults)).start()


def _revise(store, mid, title):
    store.reopen(mid)
    result = store.load_result(mid)
    result.meeting.title = title
    store.save_result(result)
    return finalize(store, mid, render=tiny_docs)


# ------------------------------------------------------------------ one sender at a time


def test_two_sanhui_sync_at_once_send_every_record_once(store, sanhui_home):
    from core.settings import load_settings, save_settings

    srv = _server(latency=0.08)
    try:
        settings = load_settings()
        settings.platform_url = srv.url
        save_settings(settings)
        recs = [finalize(store, make_meeting(store, i), render=tiny_docs) for i in range(12)]
        env = _env(SANHUI_HOME=str(sanhui_home))
        first = subprocess.Popen([sys.executable, "-c", CLI_SYNC], env=env, cwd=REPO, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert srv.wait_created(1, timeout=30), "the first sync sent nothing"
        second = subprocess.run([sys.executable, "-c", CLI_SYNC], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=60)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert second.returncode == 2 and "另一个同步正在进行" in second.stderr and "本次没有发送" in second.stderr
        assert srv.settle()
        assert len(srv.state.received) == 12
        assert set(srv.state.posts.values()) == {1}, "a record was POSTed by both senders"
        assert {i.state for i in outbox_items(store)} == {"delivered"}
        assert {r.idempotency_key for r in recs} == set(srv.state.posts)
    finally:
        srv.stop()


def test_a_held_lease_stops_a_second_sender_and_a_dead_holder_is_replaced(store, server):
    finalize(store, make_meeting(store, 1), render=tiny_docs)
    with SendLease(store):
        report = _sender(store, server.url).run()
    assert report.busy and "另一个同步正在进行" in report.error and report.pending == 1
    assert server.state.log == []
    # a sender that was killed: its pid is gone, its lease has not expired
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.transaction() as conn:
        conn.execute("UPDATE sync_lock SET owner = 'killed', pid = ?, expires_at = ?", [dead.pid, time.time() + 3600])
    report = _sender(store, server.url).run()
    assert not report.busy and report.pending == 0 and len(server.state.received) == 1


def test_a_lease_lost_while_waiting_stops_the_sender_before_it_sends(store, server):
    finalize(store, make_meeting(store, 1), render=tiny_docs)
    sender = _sender(store, server.url)
    sender.lease.acquire()
    with store.transaction() as conn:  # its lease expired and another sender took over
        conn.execute("UPDATE sync_lock SET owner = 'another', pid = 1, host = 'elsewhere', expires_at = ?",
                     [time.time() + 600])
    item = outbox_items(store)[0]
    from app.sync.lock import SyncBusy

    with pytest.raises(SyncBusy, match="已由另一个同步接手"):
        sender.deliver(item)
    assert server.state.log == []


# ------------------------------------------------------------------ progress saved after every step


def test_a_sender_killed_mid_documents_resends_neither_the_post_nor_the_acknowledged_document(store):
    srv = _server(script=["ok", "ok", "hang"])  # POST, PUT minutes.docx, then PUT report.docx hangs
    try:
        rec = finalize(store, make_meeting(store, 1), render=tiny_docs)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(store.path), srv.url], env=_env(), cwd=REPO)
        try:
            assert srv.wait_log(lambda log: any(o == "hang" for _, _, o in log), timeout=30)
        finally:
            child.kill()
            child.wait(10)
        item = outbox_items(store)[0]
        assert item.platform_id == rec.meeting_id and item.files_sent == ["minutes.docx"]  # saved step by step
        report = _sender(store, srv.url).run()
        assert report.delivered == [(rec.meeting_id, 1)]
        puts = [path.rsplit("/", 1)[-1] for method, path, _ in srv.state.log if method == "PUT"]
        assert srv.state.posts == {rec.idempotency_key: 1}  # the acknowledged POST was not repeated
        assert puts == ["minutes.docx", "report.docx", "report.docx"]  # nor the acknowledged document
        assert srv.state.meetings[rec.meeting_id][-1].files == record_files(store, rec.seq)
    finally:
        srv.stop()


# ------------------------------------------------------------------ --retry


def test_retry_sends_the_version_it_names(store):
    srv = _server(script=["reject", "reject"])
    try:
        mid = make_meeting(store, 1)
        v1 = finalize(store, mid, render=tiny_docs)
        v2 = _revise(store, mid, "第1次支委会（更正）")
        report = _sender(store, srv.url).run()
        assert [(m, v) for m, v, _ in report.refused] == [(mid, 1), (mid, 2)]
        assert requeue(store, mid, 1) == 1
        assert [(i.version, i.state) for i in outbox_items(store)] == [(1, "queued"), (2, "rejected")]
        assert _sender(store, srv.url).run().delivered == [(mid, 1)]
        assert [s.body["content_sha256"] for s in srv.state.received] == [v1.content_sha256]
        with pytest.raises(SanhuiError, match="第 1 版已送达，无需重发"):
            requeue(store, mid, 1)
        assert requeue(store, mid) == 2  # without a version: the newest refused one
        assert _sender(store, srv.url).run().delivered == [(mid, 2)]
        assert [s.body["content_sha256"] for s in srv.state.received] == [v1.content_sha256, v2.content_sha256]
    finally:
        srv.stop()


def test_an_older_versions_documents_never_go_onto_a_newer_version(store):
    """v1 is acknowledged, its document refused; v2 goes through. The document endpoint writes to the
    newest version under the id, so v1 must not be requeued, nor (if requeued anyway) its documents sent."""
    srv = _server(script=["ok", "reject"])  # v1: POST ok, PUT minutes.docx refused
    try:
        mid = make_meeting(store, 1)
        finalize(store, mid, render=tiny_docs)
        v2 = _revise(store, mid, "第1次支委会（更正）")
        report = _sender(store, srv.url).run()
        assert report.refused[0][:2] == (mid, 1) and report.delivered == [(mid, 2)]
        with pytest.raises(SanhuiError, match="更新的第 2 版已发送到平台，第 1 版不再重发"):
            requeue(store, mid, 1)
        assert main(["sync", "--status"]) == 0
        # what the old requeue did: back in the queue with its platform id and the documents still to send
        with store.transaction() as conn:
            conn.execute("UPDATE outbox SET state = 'queued' WHERE record_seq = 1")
        report = _sender(store, srv.url).run()
        assert report.refused and "以免旧版的文档附到新版上" in report.refused[0][2]
        assert srv.state.meetings[mid][-1].files == record_files(store, v2.seq)  # v2 keeps its own documents
    finally:
        srv.stop()


def test_a_receipt_with_a_wrong_hash_is_reported_and_resent_after_retry(store, sanhui_home, capsys):
    from core.settings import load_settings, save_settings

    srv = _server(script=["badhash"])
    try:
        settings = load_settings()
        settings.platform_url = srv.url
        save_settings(settings)
        rec = finalize(store, make_meeting(store, 1), render=tiny_docs)
        assert main(["sync", "--timeout", "5"]) == 1
        err = capsys.readouterr().err
        assert "平台回执的校验值" in err and "sanhui sync --retry m0001" in err
        assert outbox_items(store)[0].state == "rejected"
        srv.forget(rec.meeting_id)  # the platform administrator removed the garbled copy
        # The old key would get the same receipt back forever: the platform replays it.
        assert srv.state.by_key[rec.idempotency_key][1]["received_sha256"] != rec.content_sha256
        assert main(["sync", "--retry", rec.meeting_id, "--timeout", "5"]) == 0
        assert "已将会议 m0001 第 1 版重新排队" in capsys.readouterr().out
        item = outbox_items(store)[0]
        assert item.state == "delivered" and item.received_sha256 == rec.content_sha256
        assert item.idempotency_key != rec.idempotency_key and len(srv.state.posts) == 2
        assert [s.body["content_sha256"] for s in srv.state.received] == [rec.content_sha256]
        assert verify_chain(store).ok
    finally:
        srv.stop()


# ------------------------------------------------------------------ the background schedule


def test_the_retry_schedule_doubles_up_to_its_cap():
    assert [retry_schedule(n) for n in (1, 2, 3, 4)] == [RETRY_BASE, 2 * RETRY_BASE, 4 * RETRY_BASE, 8 * RETRY_BASE]
    assert retry_schedule(30) == RETRY_CAP and retry_schedule(8) == min(RETRY_CAP, RETRY_BASE * 128)


def test_the_background_retries_only_what_a_sync_tried_and_only_when_due(store):
    first = finalize(store, make_meeting(store, 1), render=tiny_docs)
    down = PlatformClient("http://127.0.0.1:9", TOKEN, timeout=0.5)
    assert next_retry_at(store) is None  # queued but never tried: only a sync the secretary asks for sends it
    assert retry_due(store, down) is None
    report = Sender(store, down, base_delay=0.0, max_attempts=1).run()  # `sanhui sync` while the platform is down
    assert "稍后会自动重试" in report.error
    finalize(store, make_meeting(store, 2), render=tiny_docs)  # finalised later, never tried
    srv = _server()
    try:
        client = PlatformClient(srv.url, TOKEN, timeout=2)
        due = next_retry_at(store)
        assert due is not None
        assert retry_due(store, client, clock=lambda: due - 1) is None  # not yet
        report = retry_due(store, client, clock=lambda: due + 1)
        assert report.delivered == [(first.meeting_id, 1)]
        assert [i.state for i in outbox_items(store)] == ["delivered", "queued"]  # the untried one waits
        assert next_retry_at(store) is None
    finally:
        srv.stop()


def test_background_failures_push_the_next_attempt_out_exponentially(store):
    finalize(store, make_meeting(store, 1), render=tiny_docs)
    down = PlatformClient("http://127.0.0.1:9", TOKEN, timeout=0.5)
    with store.transaction() as conn:
        conn.execute("UPDATE outbox SET attempts = 1, next_attempt_at = 0")
    now, waits = [1000.0], []
    for _ in range(10):
        report = retry_due(store, down, rng=random.Random(3), clock=lambda: now[0])
        assert report is not None and report.pending == 1
        waits.append(next_retry_at(store) - now[0])
        now[0] = next_retry_at(store)
    item = outbox_items(store)[0]
    assert item.attempts == 11
    for attempt, wait in enumerate(waits, start=2):
        assert 0 <= wait <= retry_schedule(attempt)
    assert max(waits) <= RETRY_CAP and max(waits[5:]) > 4 * RETRY_BASE  # it grows, and stays capped


def test_version_without_retry_is_refused_in_chinese(store, platform_settings, capsys):
    assert main(["sync", "--version", "2"]) == 2
    assert "--version 须与 --retry 一起使用" in capsys.readouterr().err
