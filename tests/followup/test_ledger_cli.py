"""`sanhui ledger`: list, --overdue, set, confirm, and the .xlsx export as LibreOffice shows it."""

from __future__ import annotations

import re

from app.cli import main
from core.storage import Store
from core.types import Assessment, Meeting, Minutes, Resolution, Result, Segment
from tests.followup.pairs import DATA, corpus_meeting
from tests.followup.render import to_pdf_text


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _meeting_with(resolutions: list[Resolution]) -> str:
    segments = [Segment(0, 10, "会议决定，按期完成。", "王建国")]
    return Store().save_result(Result(Meeting(type="支部委员会", title="第一党支部2020年1月支委会", branch="第一党支部",
                                              date="2020-01-06"), segments, Minutes(resolutions=resolutions), Assessment()))


def test_overdue_items_are_listed_and_set_status_closes_them(capsys):
    _meeting_with([Resolution("更新支部宣传栏", "陈志强", "2020-01-10"), Resolution("制定2099年工作计划", "刘芳", "2099-01-01")])
    code, out, _ = _cli(capsys, "ledger", "--overdue")
    assert code == 0 and "逾期" in out and "更新支部宣传栏" in out and "2020年1月10日" in out and "2099" not in out
    item_id = re.search(r"^\s*(\d+)\s+逾期", out, re.M).group(1)
    code, out, _ = _cli(capsys, "ledger", "set", item_id, "已完成")
    assert code == 0 and "已完成" in out
    _, out, _ = _cli(capsys, "ledger", "--overdue")
    assert "没有逾期的事项" in out
    code, _, err = _cli(capsys, "ledger", "set", item_id, "逾期")
    assert code == 2 and err.startswith("错误：") and "自动判断" in err


def test_a_follow_up_processed_from_its_transcript_is_proposed_and_confirmed(capsys, tmp_path):
    corpus_meeting(Store(), "m06")
    code, _, _ = _cli(capsys, "process", "--transcript", DATA / "m06_next.json", "--out", tmp_path / "out")
    assert code == 0
    _, out, _ = _cli(capsys, "ledger")
    assert "待确认" in out and "党费这块，已经全部交齐了" in out
    proposal = re.search(r"^\s*(\d+)\s+事项 (\d+) → 已完成\s+\S+：党费这块", out, re.M)
    code, out, _ = _cli(capsys, "ledger", "confirm", proposal.group(1))
    assert code == 0 and "已完成" in out
    _, out, _ = _cli(capsys, "ledger", "--status", "已完成")
    assert re.search(rf"^\s*{proposal.group(2)}\s+已完成", out, re.M)


def test_the_exported_xlsx_opens_in_libreoffice_with_the_columns_and_chinese_dates(capsys, tmp_path):
    _meeting_with([Resolution("更新支部宣传栏", "陈志强", "2020-01-10"), Resolution("完成党费收缴", "刘芳", "2099-03-31")])
    path = tmp_path / "台账.xlsx"
    code, out, _ = _cli(capsys, "ledger", "--export", path)
    assert code == 0 and path.is_file()
    text = to_pdf_text(path)
    assert "决议落实台账" in text
    header = next(line for line in text.splitlines() if "序号" in line)
    assert [w for w in header.split() if w] == ["序号", "事项", "来源会议", "责任人", "完成时限", "进展", "状态"]
    assert "2020年1月10日" in text and "2099年3月31日" in text and "2020年1月6日" in text
    assert "逾期" in text and "未开始" in text and "2020-01" not in text
