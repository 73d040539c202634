"""The next meeting starts from the 台账: a 会议通知 a secretary could send as is (rendered by
LibreOffice), and the next meeting's minutes carry 上次会议决议落实情况."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

from docx import Document

from app.export import write_outputs
from app.followup_notice import write_notice
from core.storage import Store
from tests.conftest import REPO
from tests.followup.pairs import corpus_meeting, follow_up
from tests.followup.render import to_pdf_text


def test_the_notice_lists_open_and_overdue_tasks_and_renders(tmp_path):
    store = Store()
    corpus_meeting(store, "m01")
    path, meeting, carried = write_notice(store, "第一党支部", "支委会", tmp_path / "通知.docx", today=dt.date(2026, 11, 5))
    assert meeting.date == "2026-11-12" and meeting.roster == ["王建国", "刘芳", "陈志强", "赵敏", "孙磊"]
    assert carried == 5
    text = to_pdf_text(path)
    flat = "".join(text.split())
    assert "关于召开第一党支部2026年11月支部委员会的通知" in flat
    for words in ("支部委员：", "2026年11月12日", "三楼党员活动室", "王建国、刘芳、陈志强、赵敏、孙磊", "第一议题：学习习近平总书记",
                  "上次会议决议落实情况", "逾期", "2026年10月31日", "2026年12月20日", "宣传栏", "2026年11月5日"):
        assert words in flat, words
    assert "待人工补齐" not in flat and "2026-1" not in flat  # nothing left to fill, dates in Chinese
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path.with_suffix(".pdf"))], capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    assert pages <= 2
    png = tmp_path / "notice"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path.with_suffix(".pdf")), str(png)], check=True)
    if os.environ.get("SANHUI_SCREENSHOTS") == "1":  # the README's picture of the notice
        shutil.copy(png.with_suffix(".png"), REPO / "docs" / "screenshots" / "notice.png")


def test_the_follow_up_minutes_carry_the_earlier_open_tasks(tmp_path):
    store = Store()
    pair = follow_up(store, "m01")
    files = write_outputs(store.load_result(pair.second_id), tmp_path / "out")
    text = "\n".join(p.text for p in Document(str(files["minutes"])).paragraphs)
    assert "上次会议决议落实情况" in text
    cells = [c.text for t in Document(str(files["minutes"])).tables for row in t.rows for c in row.cells]
    assert any("宣传栏" in c and "2026年10月12日" in c for c in cells)
    # the first meeting has no earlier one: no such section
    files = write_outputs(store.load_result(pair.first_id), tmp_path / "first")
    assert "上次会议决议落实情况" not in "\n".join(p.text for p in Document(str(files["minutes"])).paragraphs)
