"""The 决议落实台账 travels with sync: the record's optional "followup" object (format sanhui.followup/1)
with the branch's tasks, and warnings for the superior committee (逾期 tasks, a risk remark heard
again); the reference platform, which knows nothing of it, stores it as an unknown field."""

from __future__ import annotations

import random

from app.sync.client import PlatformClient
from app.sync.ledger import finalize, verify_chain
from app.sync.outbox import Sender
from core.storage import Store
from core.types import Assessment, Meeting, Minutes, Resolution, Result, Risk, Segment
from tests.sync.conftest import TOKEN, tiny_docs
from tests.sync.platform_server import validate


def _meeting(store: Store, n: int, date: str, resolutions: list[Resolution]) -> str:
    risk = Risk("张三", "这个事情又是走过场，落实不了。", 0.0, 2.5, "形式主义", cue="走过场")
    return store.save_result(Result(
        meeting=Meeting(type="支部委员会", title=f"第{n}次支委会", branch="第一党支部", date=date, roster=["张三", "李四"]),
        segments=[Segment(0.0, 2.5, "这个事情又是走过场，落实不了。", "张三")],
        minutes=Minutes(agenda=["议题"], resolutions=resolutions), assessment=Assessment(risks=[risk]), id=f"f{n:03d}"))


def test_the_synced_record_carries_the_ledger_and_its_warnings(store, server):
    _meeting(store, 1, "2026-09-07", [Resolution("更新支部宣传栏", "李四", "2026-09-30")])
    second = _meeting(store, 2, "2026-10-12", [Resolution("完成党费收缴", "张三", "2099-12-31")])
    record = finalize(store, second, render=tiny_docs, finalized_at="2026-10-12T18:00:00+08:00")
    block = record.body["followup"]
    assert block["format"] == "sanhui.followup/1" and block["branch"] == "第一党支部"
    assert [(i["content"], i["status"]) for i in block["items"]] == [("更新支部宣传栏", "逾期"), ("完成党费收缴", "未开始")]
    kinds = {w["kind"]: w for w in block["warnings"]}
    assert kinds["overdue"]["content"] == "更新支部宣传栏" and kinds["overdue"]["days_overdue"] == 12
    assert kinds["repeated_risk"]["cue"] == "走过场" and len(kinds["repeated_risk"]["meetings"]) == 2
    assert verify_chain(store).ok
    assert not validate(record.body)  # an old platform's checks pass: it is an additional property
    report = Sender(store, PlatformClient(server.url, TOKEN, timeout=0.5), rng=random.Random(1), base_delay=0.0).run()
    assert report.pending == 0
    assert server.state.received[-1].body["followup"] == block
