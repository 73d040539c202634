"""Progress heard in a later meeting of the same branch is proposed against the earlier task, for the
secretary to confirm; unrelated meetings propose (almost) nothing."""

from __future__ import annotations

from app import followup
from core import followup as items_
from core.storage import Store
from core.types import Segment
from summarizer.progress import detect_progress, task_similarity
from tests.followup.pairs import PAIRS, corpus_meeting, follow_up


def _right(expect: dict | None, item: items_.Item, status: str) -> bool:
    """The proposal names the task the follow-up speaks of (by its words, or, where the minutes lost
    them, by the gold owner and deadline) with the status it says."""
    if not expect or expect["status"] != status:
        return False
    return expect["task"] in item.content or (expect.get("owner") == item.owner and expect.get("deadline") == item.deadline)


def test_follow_up_meetings_propose_the_right_updates(capsys):
    store = Store()
    proposed = right = expected = 0
    for name in PAIRS:
        pair = follow_up(store, name)
        before = {i.id: i.status for i in items_.items(store.db.conn)}
        for p in followup.propose(store, pair.second_id):
            item = items_.item(store.db.conn, p.item_id)
            assert item.meeting_id == pair.first_id  # only earlier meetings of the same branch
            proposed += 1
            right += _right(pair.expected.get(p.evidence_start), item, p.status)
        expected += len(pair.expected)
        assert {i.id: i.status for i in items_.items(store.db.conn)} == before  # nothing changes unconfirmed
    with capsys.disabled():
        print(f"\nfollow-up pairs {len(PAIRS)}: {proposed} proposed, {right} right, {expected} reports expected")
    assert proposed and right / proposed >= 0.9
    assert right / expected >= 0.7


def test_unrelated_meetings_of_a_branch_propose_almost_nothing():
    """Each corpus meeting as the next meeting of another's branch: tasks of different work."""
    store = Store()
    names = [f"m{i:02d}" for i in range(1, 21)]
    proposed = 0
    for first, second in zip(names, names[1:] + names[:1], strict=True):
        corpus_meeting(store, first, branch=f"支部{first}", date="2026-01-05")
        proposed += len(followup.propose(store, corpus_meeting(store, second, branch=f"支部{first}", date="2026-12-30")))
    assert proposed <= 1


def test_confirming_a_proposal_sets_the_status_and_records_who():
    store = Store()
    pair = follow_up(store, "m06")
    pending = followup.propose(store, pair.second_id)
    done = next(p for p in pending if p.status == "已完成")
    item = followup.confirm(store, done.id, who="谷佩兰")
    assert item.status == "已完成" and done.evidence_text in item.progress
    (change,) = items_.history(store.db.conn, item.id)
    assert (change["who"], change["old"], change["new"]) == ("谷佩兰", "未开始", "已完成")
    again = followup.propose(store, pair.second_id)  # refreshed: the confirmed one is not proposed again
    assert done.id not in {p.id for p in again} and len(again) == len(pending) - 1
    rejected = again[0]
    followup.reject(store, rejected.id)
    assert rejected.id not in {p.id for p in followup.proposals(store)}
    assert items_.item(store.db.conn, rejected.item_id).status == "未开始"


def test_only_earlier_meetings_are_reported_on():
    store = Store()
    pair = follow_up(store, "m01")
    # the follow-up's own new task (评先评优 方案) is not reported on by the earlier meeting
    assert all(items_.item(store.db.conn, p.item_id).meeting_id == pair.first_id
               for p in followup.propose(store, pair.first_id)) and not followup.propose(store, pair.first_id)


def test_statements_are_found_by_structure():
    said = [
        Segment(0, 4, "去年车间完成了技术改造。", "甲"),  # done, but no earlier decision referred to
        Segment(4, 8, "上回支委会布置的档案整理，已经弄完了。", "乙"),
        Segment(8, 12, "还有那个台账录入，还剩一小半。", "丙"),
        Segment(12, 16, "档案整理弄完了吗？", "甲"),  # a question reports nothing
    ]
    assert [(s.text[:6], s.status) for s in detect_progress(said)] == [("上回支委会布", "已完成"), ("还有那个台账", "推进中")]
    assert task_similarity("党飞收脚已经全部完成了", "第四季度党费收缴工作") >= 2  # heard by sound
