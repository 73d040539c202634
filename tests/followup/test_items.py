"""决议落实台账 items: made from a saved meeting's tasks, ids and the secretary's status kept when the
meeting is processed again, 逾期 derived, every change in the history."""

from __future__ import annotations

import datetime as dt

import pytest

from core import followup
from core.storage import MIGRATIONS, Store
from core.types import Assessment, FirstTopic, Meeting, Minutes, Resolution, Result, Segment


def _result(resolutions: list[Resolution], meeting_type: str = "支部委员会", measures: tuple[str, ...] = ()) -> Result:
    segments = [Segment(0, 10, "会议决定，党费收缴由刘芳负责，本月底前完成。", "王建国"),
                Segment(10, 20, "宣传栏由陈志强更新。", "王建国")]
    ft = FirstTopic(content="学习重要讲话", measures=list(measures), start=0, end=5) if measures else None
    return Result(Meeting(type=meeting_type, title="十月支委会", branch="第一党支部", date="2026-10-12"), segments,
                  Minutes(resolutions=resolutions, first_topic=ft), Assessment())


def _items(store: Store) -> list[followup.Item]:
    return followup.items(store.db.conn)


def test_a_saved_meeting_makes_items_with_evidence_and_measures(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    assert store.schema_version == len(MIGRATIONS)
    store.save_result(_result([Resolution("党费收缴", "刘芳", "2026-10-31", 0, 10)], measures=("开展一次专题研讨",)))
    items = _items(store)
    assert [(i.kind, i.content, i.owner, i.deadline, i.status) for i in items] == [
        ("决议事项", "党费收缴", "刘芳", "2026-10-31", "未开始"), ("落实措施", "开展一次专题研讨", "", "", "未开始")]
    assert "党费收缴由刘芳负责" in items[0].evidence_text and items[0].evidence_end == 10
    assert items[0].body == "支部委员会" and items[0].quarter == "2026Q4"


def test_rectification_measures_of_an_organisational_life_meeting():
    store = Store()
    store.save_result(_result([Resolution("整改学习不深入的问题", "赵敏", "2026-12-31")], meeting_type="组织生活会"))
    assert [i.kind for i in _items(store)] == ["整改措施"]


def test_processing_again_keeps_ids_and_the_secretarys_status():
    store = Store()
    result = _result([Resolution("党费收缴", "刘芳", "2026-10-31"), Resolution("更新宣传栏", "陈志强", "2026-10-20")])
    store.save_result(result)
    first, second = _items(store)
    with store.transaction() as conn:
        followup.set_status(conn, second.id, "已完成", "书记")
    # re-processed: wording changed, order changed, one task new, one gone (but it had no change)
    result.minutes.resolutions = [Resolution("更新支部宣传栏", "陈志强", "2026-10-20"), Resolution("报送材料", "赵敏")]
    store.save_result(result)
    again = {i.id: i for i in _items(store)}
    assert again[second.id].status == "已完成" and again[second.id].content == "更新支部宣传栏"
    assert first.id not in again  # untouched and gone from the minutes
    assert [h["new"] for h in followup.history(store.db.conn, second.id)] == ["已完成"]
    assert len(again) == 2


def test_overdue_is_derived_and_cannot_be_set():
    store = Store()
    store.save_result(_result([Resolution("党费收缴", "刘芳", "2026-10-31")]))
    (item,) = _items(store)
    assert item.current_status(dt.date(2026, 10, 31)) == "未开始"
    assert item.current_status(dt.date(2026, 11, 1)) == "逾期"
    with store.transaction() as conn, pytest.raises(ValueError):
        followup.set_status(conn, item.id, "逾期", "书记")
    with store.transaction() as conn:
        followup.set_status(conn, item.id, "已完成", "书记")
    assert followup.item(store.db.conn, item.id).current_status(dt.date(2027, 1, 1)) == "已完成"


def test_purging_a_meeting_removes_its_items():
    store = Store()
    mid = store.save_result(_result([Resolution("党费收缴", "刘芳", "2026-10-31")]))
    store.delete_meeting(mid)
    assert store.db.execute("SELECT COUNT(*) FROM followup_items").fetchone()[0] == 0
