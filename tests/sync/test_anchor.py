"""The anchored ledger: tampering that a hash chain inside the database cannot see is reported by
`verify`; crashes at any point of a ledger write are not mistaken for tampering."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.cli import main
from app.sync.anchor import anchor_path, read_anchor
from app.sync.ledger import finalize, records, verify_chain
from app.sync.outbox import Sender
from app.sync.package import export_package
from core.storage import Store
from tests.conftest import REPO
from tests.sync import tamper
from tests.sync.conftest import TOKEN, make_meeting, tiny_docs

BRANCHES = ("一支部", "二支部")


def build_ledger(store: Store, server_url: str | None, tmp_path, n: int = 6) -> None:
    """n finalised meetings over two branches, the first half delivered, one package exported."""
    for i in range(n):
        finalize(store, make_meeting(store, i, branch=BRANCHES[i % 2]), render=tiny_docs)
        if server_url and i == n // 2 - 1:
            from app.sync.client import PlatformClient

            assert Sender(store, PlatformClient(server_url, TOKEN, timeout=5), base_delay=0.0).run().pending == 0
    export_package(store, "m0001", tmp_path / "p.zip")


@pytest.fixture
def ledger(store, server, tmp_path):
    build_ledger(store, server.url, tmp_path)
    report = verify_chain(store)
    assert report.ok, report.problems
    return store


EXPECTED = {
    "截断末尾记录并修正 sqlite_sequence": "末尾的记录被删除",
    "整条哈希链重算": "哈希链被改写或整体重算",
    "改动一条记录并重算其校验值": "重新计算了校验值",
    "删除一条审计日志": "审计日志",
    "改动待发送队列": "发送状态被改动（现为“已送达”）",
    "改动已定稿会议的工作副本": "篡改后的标题",
    "删除链头锚点文件": "链头锚点文件“sanhui.chain_anchor.json”缺失",
}


@pytest.mark.parametrize("case", list(tamper.CASES))
def test_each_kind_of_tampering_is_reported(ledger, case):
    tamper.CASES[case](ledger)
    report = verify_chain(Store(ledger.path))  # as a fresh `sanhui verify` would open it
    assert not report.ok, case
    text = "\n".join(str(p) for p in report.problems)
    assert EXPECTED[case] in text, text


def test_without_the_anchor_the_careful_forgeries_would_pass(ledger):
    """The point of the anchor: truncation and a rehashed chain leave the database self-consistent."""
    for case in (tamper.truncate_tail, tamper.rehash_chain):
        case(ledger)
    problems = [p for p in verify_chain(ledger).problems if "锚点" not in p.reason]
    assert problems == []


def test_a_record_changed_and_rehashed_is_blamed_on_itself_not_the_next_one(ledger):
    tamper.change_record_and_rehash(ledger)
    changed = records(ledger)[1]
    report = verify_chain(ledger)
    assert report.first_break.seq == changed.seq and "重新计算了校验值" in report.first_break.reason
    later = [r.seq for r in records(ledger) if r.branch == changed.branch and r.seq > changed.seq]
    assert later and not any(p.seq in later for p in report.problems)


def test_the_working_copy_difference_is_named(ledger):
    tamper.change_working_copy(ledger)
    [problem] = [p for p in verify_chain(ledger).problems if p.meeting_id]
    assert problem.meeting_id == "m0000" and problem.version == 1
    assert "会议信息.title：定稿为 \"第0次支委会\"，现为 \"篡改后的标题\"" in problem.reason


def test_a_later_write_does_not_launder_tampering(ledger):
    tamper.truncate_tail(ledger)
    store = Store(ledger.path)
    finalize(store, make_meeting(store, 40, branch="一支部"), render=tiny_docs)  # the app carries on
    report = verify_chain(store)
    assert any("此前记录的异常" in p.reason and "末尾的记录被删除" in p.reason for p in report.problems)
    assert read_anchor(store)["alarms"]


def test_verify_command_lists_every_problem(ledger, capsys):
    tamper.change_outbox(ledger)
    tamper.change_working_copy(ledger)
    assert main(["verify"]) == 3
    err = capsys.readouterr().err
    assert "账本检查发现 2 处问题" in err and "发送状态被改动" in err and "工作副本" in err


CRASH = """
import os, sys
from pathlib import Path
import app.sync.anchor as anchor
from app.sync.ledger import finalize
from core.storage import Store
from tests.sync.conftest import make_meeting, tiny_docs
where = sys.argv[2]
if where == "before-commit":
    real = anchor._write_anchor
    def write(store, state, pending, alarms, durable=True):
        real(store, state, pending, alarms, durable)
        if pending is not None:
            os._exit(9)  # the anchor says pending, the commit never happens
    anchor._write_anchor = write
else:
    anchor._promote = lambda *a: os._exit(9)  # committed, never promoted
store = Store(Path(sys.argv[1]))
finalize(store, make_meeting(store, 50, branch="一支部"), render=tiny_docs)
"""


@pytest.mark.parametrize("where", ["before-commit", "after-commit"])
def test_a_crash_in_the_middle_of_a_ledger_write_is_not_tampering(store, tmp_path, where):
    build_ledger(store, None, tmp_path, n=3)
    child = subprocess.run([sys.executable, "-c", CRASH, str(store.path), where], cwd=REPO,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert child.returncode == 9
    again = Store(store.path)
    assert read_anchor(again)["pending"] is not None
    assert len(records(again)) == (3 if where == "before-commit" else 4)
    report = verify_chain(again)
    assert report.ok, report.problems
    finalize(again, make_meeting(again, 51, branch="二支部"), render=tiny_docs)  # and writing goes on cleanly
    assert verify_chain(again).ok and read_anchor(again)["alarms"] == []


def test_a_database_from_before_the_anchor_is_adopted_once(store, tmp_path, capsys):
    build_ledger(store, None, tmp_path, n=3)
    tamper.drop_triggers(store)
    with store.transaction() as conn:  # what the previous version of the software left behind
        for table in ("audit_chain", "ledger_meta", "outbox_keys"):
            conn.execute(f"DROP TABLE {table}")
    anchor_path(store).unlink()
    assert main(["verify"]) == 0
    assert "已按当前状态建立" in capsys.readouterr().out
    again = Store(store.path)
    assert verify_chain(again).ok and verify_chain(again).notes == ()
    tamper.truncate_tail(again)
    assert not verify_chain(Store(store.path)).ok
