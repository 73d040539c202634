from pathlib import Path

import pytest

from app.members import load_members, read_member_file, save_members
from core.errors import MetaError


def test_member_list_round_trip_and_spreadsheet_import(tmp_path: Path):
    assert load_members() == []
    assert save_members(["王建国", " 刘芳 ", "王建国", ""]) == ["王建国", "刘芳"]
    assert load_members() == ["王建国", "刘芳"]

    gbk = tmp_path / "名册.csv"
    gbk.write_bytes("序号,姓名,职务\n1,王建国,书记\n2,陈志强,组织委员\n3,赵敏,\n".encode("gb18030"))
    assert read_member_file(gbk) == ["王建国", "陈志强", "赵敏"]
    plain = tmp_path / "names.txt"
    plain.write_text("孙磊\n刘芳\n\n孙磊\n", encoding="utf-8")
    assert read_member_file(plain) == ["孙磊", "刘芳"]
    with pytest.raises(MetaError, match="另存为"):
        read_member_file(tmp_path / "名册.xlsx")


def test_meeting_form_fills_roster_from_imported_members(qtbot, tmp_path: Path):
    from app.ui.meeting_form import MeetingForm

    sheet = tmp_path / "名册.csv"
    sheet.write_text("姓名,党龄\n王建国,20\n刘芳,8\n孙磊,3\n", encoding="utf-8")
    form = MeetingForm()
    qtbot.addWidget(form)
    assert not form.fill_button.isEnabled()
    assert form.import_members(sheet) == ["王建国", "刘芳", "孙磊"]
    form.host_edit.setText("王建国")
    assert form.meeting().roster == ["王建国", "刘芳", "孙磊"]
    again = MeetingForm()  # the next meeting starts from the saved list
    qtbot.addWidget(again)
    assert again.meeting().roster == ["王建国", "刘芳", "孙磊"]
    form.host_edit.setText("李四")
    form.accept()
    assert "不在参会名单" in form.error_label.text() and form.result() != form.DialogCode.Accepted
