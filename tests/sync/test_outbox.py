"""The outbox: in order, exactly once, through faults and a killed sender; refusals kept, not dropped."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time

import pytest

from app.cli import main
from app.sync.client import TOKEN_ENV, PlatformClient
from app.sync.ledger import audit_log, finalize, record_files, records, verify_chain
from app.sync.outbox import Sender, backoff_delay, outbox_items
from core.storage import Store
from tests.conftest import REPO
from tests.sync.conftest import TOKEN, make_meeting, tiny_docs

BRANCHES = ("第一党支部", "第二党支部", "机关党支部")

# The first sender runs in its own process so the test can kill it mid-queue, like a laptop
# whose lid is shut or an app that crashes.
CHILD = """
import random, sys
from pathlib import Path
from app.sync.client import PlatformClient, get_token
from app.sync.outbox import Sender
from core.storage import Store
store = Store(Path(sys.argv[1]))
client = PlatformClient(sys.argv[2], get_token(), timeout=0.2)
Sender(store, client, base_delay=0.0, max_attempts=1000, rng=random.Random(7)).run()
"""


def _sender(store, url, token=TOKEN, **kw):
    kw.setdefault("base_delay", 0.0)
    kw.setdefault("max_attempts", 200)
    return Sender(store, PlatformClient(url, token, timeout=kw.pop("timeout", 0.2)), rng=random.Random(1), **kw)


def _queue(store, n, first=0, **kw):
    ids = [make_meeting(store, i, branch=BRANCHES[i % 3], **kw) for i in range(first, first + n)]
    return [finalize(store, mid, render=tiny_docs) for mid in ids]


def test_200_meetings_delivered_exactly_once_through_faults_and_a_killed_sender(store, faulty_server):
    server = faulty_server
    started = time.monotonic()
    recs = _queue(store, 200)
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store.path), server.url], env=env, cwd=REPO)
    try:
        assert server.wait_created(60, timeout=60), "the first sender made no progress"
    finally:
        child.kill()
        child.wait(10)
    stored_before_restart = len(server.state.received)
    assert 60 <= stored_before_restart < 200, "the sender must be stopped mid-queue"

    restarted = Store(store.path)  # the app starts again
    report = _sender(restarted, server.url).run()
    assert report.error is None and report.pending == 0 and report.refused == []

    assert server.settle()  # late answers to timed-out requests are in the log too
    # exactly once on the platform, in order: each branch's chain arrives unbroken
    assert len(server.state.received) == 200
    assert sorted((s.id, s.body["version"]) for s in server.state.received) == sorted((r.meeting_id, 1) for r in recs)
    assert len(server.state.by_key) == 200
    assert server.chain_breaks() == []
    for r in recs:  # and each record with its documents, byte for byte
        stored = server.state.meetings[r.meeting_id][-1]
        assert stored.body["content_sha256"] == r.content_sha256
        assert stored.files == record_files(restarted, r.seq)
    assert {i.state for i in outbox_items(restarted)} == {"delivered"}
    assert verify_chain(restarted).ok

    # the faults really happened
    outcomes = [entry[2] for entry in server.state.log]
    for fault in (500, "reset", "drop"):
        assert outcomes.count(fault) >= 3, fault

    # nothing is ever sent again
    requests = len(server.state.log)
    again = _sender(restarted, server.url).run()
    assert again.delivered == [] and len(server.state.log) == requests
    assert time.monotonic() - started < 60
    restarted.close()


def test_a_bad_token_is_reported_clearly_and_nothing_is_dropped(store, server):
    recs = _queue(store, 5)
    report = _sender(store, server.url, token="expired-token").run()
    assert "拒绝了访问令牌" in report.error and "已保留" in report.error
    assert report.delivered == [] and report.pending == 5 and server.state.received == []
    assert [i.state for i in outbox_items(store)] == ["queued"] * 5
    assert "拒绝了访问令牌" in outbox_items(store)[0].last_error
    report = _sender(store, server.url).run()  # the secretary fixes the token
    assert report.pending == 0 and [s.id for s in server.state.received] == [r.meeting_id for r in recs]


def test_cli_sync_with_a_bad_token_exits_with_the_reason(store, platform_settings, monkeypatch, capsys):
    _queue(store, 2)
    monkeypatch.setenv(TOKEN_ENV, "expired-token")
    assert main(["sync", "--timeout", "2"]) == 2
    err = capsys.readouterr().err
    assert "错误：党建平台拒绝了访问令牌（HTTP 401）" in err
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert out.count("待发送") >= 2 and "拒绝了访问令牌" in out


def test_platform_down_then_up(store, server):
    _queue(store, 3)
    url = server.url
    port = server.server_address[1]
    server.stop()
    report = _sender(store, url, max_attempts=3).run()
    assert "无法连接党建平台" in report.error and "仍在待发送队列中" in report.error
    assert report.pending == 3 and outbox_items(store)[0].attempts == 3
    from tests.sync.platform_server import PlatformServer

    again = PlatformServer(tokens={TOKEN: "write"}, port=port).start()
    try:
        assert _sender(store, url).run().pending == 0
        assert len(again.state.received) == 3
    finally:
        again.stop()


def test_a_refused_record_is_set_aside_and_the_others_go_on(store, server):
    make_meeting(store, 1, branch="一支部", date="")  # no date: the platform answers 422
    bad = finalize(store, "m0001", render=tiny_docs)
    good = _queue(store, 2, first=2)
    report = _sender(store, server.url).run()
    assert [m for m, _ in report.delivered] == [r.meeting_id for r in good]
    assert report.refused[0][:2] == (bad.meeting_id, 1) and "meeting.date" in report.refused[0][2]
    states = {i.meeting_id: (i.state, i.state_label) for i in outbox_items(store)}
    assert states[bad.meeting_id] == ("rejected", "被平台退回")
    assert any(a["action"] == "sync-refused" for a in audit_log(store))


def test_a_newer_version_on_the_platform_is_a_conflict_not_a_loss(store, server):
    (rec,) = _queue(store, 1)
    newer = rec.body | {"version": 2}
    from app.sync.canonical import canonical_json, seal

    PlatformClient(server.url, TOKEN).post_meeting(canonical_json(seal(newer)), "6f1c3c3e-0000-4000-8000-000000000001")
    report = _sender(store, server.url).run()
    assert report.refused and outbox_items(store)[0].state == "conflict"
    assert main(["sync", "--status"]) == 0


def test_versions_are_delivered_in_order_and_review_status_is_shown(store, platform_settings, capsys):
    server = platform_settings
    mid = make_meeting(store, 1)
    finalize(store, mid, render=tiny_docs)
    store.reopen(mid)
    result = store.load_result(mid)
    result.meeting.title = "更正后的标题"
    store.save_result(result)
    finalize(store, mid, render=tiny_docs)
    assert main(["sync", "--timeout", "5"]) == 0
    assert [s.body["version"] for s in server.state.meetings[mid]] == [1, 2]
    server.set_review(mid, "已退回", "缺少会议签到表")
    assert main(["sync"]) == 0  # sends nothing new, refreshes the review
    capsys.readouterr()
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert "第2版  已送达  平台审核：已退回（缺少会议签到表）" in out
    assert [r.version for r in records(store, mid)] == [1, 2]


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap():
    rng = random.Random(5)
    for attempt in range(1, 12):
        cap = min(60.0, 2.0 * 2 ** (attempt - 1))
        delays = [backoff_delay(attempt, 2.0, 60.0, rng) for _ in range(200)]
        assert all(0.0 <= d <= cap for d in delays)
        assert max(delays) > 0.8 * cap  # full jitter spreads over the whole range
    assert backoff_delay(5, 0.0, 60.0, rng) == 0.0


def test_a_run_waits_out_the_backoff_between_attempts(store):
    """With a fake clock: the second attempt only after the jittered delay has passed."""
    _queue(store, 1)
    now = [1000.0]
    waits = []

    sender = Sender(store, PlatformClient("http://127.0.0.1:9", TOKEN, timeout=0.5), base_delay=4.0,
                    max_attempts=3, rng=random.Random(2), clock=lambda: now[0])

    def fake_wait(seconds):
        waits.append(seconds)
        now[0] += seconds
        return False

    sender.stop.wait = fake_wait
    report = sender.run()
    assert report.pending == 1 and len(waits) == 2
    assert 0 <= waits[0] <= 8.0 and 0 <= waits[1] <= 16.0  # attempt 1 -> up to 4 s... doubled each time


def test_documents_are_hashed_on_the_platform(store, server):
    (rec,) = _queue(store, 1)
    _sender(store, server.url).run()
    stored = server.state.meetings[rec.meeting_id][-1]
    for name, data in stored.files.items():
        assert hashlib.sha256(data).hexdigest() == rec.body["documents"][name]["sha256"]


@pytest.mark.parametrize("missing", ["url", "token"])
def test_sync_without_settings_says_what_to_do(store, monkeypatch, capsys, missing, server):
    from core.settings import load_settings, save_settings

    if missing == "token":
        s = load_settings()
        s.platform_url = server.url
        save_settings(s)
        monkeypatch.delenv(TOKEN_ENV)
    assert main(["sync"]) == 2
    assert ("尚未设置党建平台地址" if missing == "url" else "尚未设置平台访问令牌") in capsys.readouterr().err


def test_a_response_lost_after_the_platform_stored_the_record_is_not_stored_twice(store):
    """The nasty case spelled out: stored, answer cut; the retry gets 200 with the same receipt."""
    from tests.sync.platform_server import Faults, PlatformServer

    srv = PlatformServer(tokens={TOKEN: "write"}, faults=Faults(script=["drop", "ok", "drop", "ok", "ok"])).start()
    try:
        (rec,) = _queue(store, 1)
        report = _sender(store, srv.url).run()
        assert report.delivered == [(rec.meeting_id, 1)]
        assert [(m, status) for m, _, status in srv.state.log] == [
            ("POST", "drop"), ("POST", 200), ("PUT", "drop"), ("PUT", 200), ("PUT", 201)
        ]
        assert len(srv.state.received) == 1
        assert outbox_items(store)[0].received_sha256 == rec.content_sha256
    finally:
        srv.stop()


def test_the_background_sender_keeps_to_the_backoff_schedule_across_restarts(store, server):
    _queue(store, 1)
    with store.db.conn:
        store.db.execute("UPDATE outbox SET attempts = 3, next_attempt_at = ?", [time.time() + 3600])
    report = _sender(store, server.url, deadline=1.0).run(respect_schedule=True)
    assert report.pending == 1 and "时限" in report.error and server.state.log == []
    assert _sender(store, server.url).run().pending == 0  # `sanhui sync` sends now
