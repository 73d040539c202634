"""The member list: kept in the database, edited in its dialog, imported from .xlsx/CSV, feeding the roster."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.members import load_members, read_member_file, save_members
from core import paths
from core.errors import MetaError
from core.storage import Store


def write_xlsx(path: Path, rows: list[list[str]], sheet_name: str = "名册") -> Path:
    """A minimal workbook as Excel writes it: shared strings, one sheet, cells with references."""
    strings: list[str] = []

    def ref(r: int, c: int) -> str:
        return f"{chr(65 + c)}{r + 1}"

    def cell(r: int, c: int, v: str) -> str:
        if v.isdigit():
            return f'<c r="{ref(r, c)}"><v>{v}</v></c>'
        strings.append(v)
        return f'<c r="{ref(r, c)}" t="s"><v>{len(strings) - 1}</v></c>'

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    body = "".join(f'<row r="{r + 1}">' + "".join(cell(r, c, v) for c, v in enumerate(row) if v) + "</row>"
                   for r, row in enumerate(rows))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                   f'2006/relationships"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId7"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"><Relationship Id="rId7" Target="worksheets/sheet3.xml" Type="x"/></Relationships>')
        z.writestr("xl/worksheets/sheet3.xml", f"<worksheet {ns}><sheetData>{body}</sheetData></worksheet>")
        z.writestr("xl/sharedStrings.xml", f"<sst {ns}>" + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    return path


def test_member_list_lives_in_the_database(tmp_path: Path):
    store = Store()
    assert load_members(store) == []
    assert save_members(store, ["王建国", " 刘芳 ", "王建国", ""]) == ["王建国", "刘芳"]
    store.close()
    again = Store()  # a new connection (the next start of the app) sees the same list
    assert load_members(again) == ["王建国", "刘芳"]
    assert save_members(again, ["孙磊", "王建国"]) == ["孙磊", "王建国"]  # replaced, in the new order
    assert again.members() == ["孙磊", "王建国"]


def test_an_earlier_members_json_is_moved_into_the_database():
    legacy = paths.data_dir() / "members.json"
    legacy.write_text(json.dumps({"members": ["赵敏", "陈志强"]}, ensure_ascii=False), encoding="utf-8")
    store = Store()
    assert load_members(store) == ["赵敏", "陈志强"] == store.members()
    assert not legacy.exists()
    store.set_members([])
    assert load_members(store) == []  # not imported a second time after the secretary emptied the list


def test_spreadsheet_import_csv_gbk_txt_and_xlsx(tmp_path: Path):
    gbk = tmp_path / "名册.csv"
    gbk.write_bytes("序号,姓名,职务\n1,王建国,书记\n2,陈志强,组织委员\n3,赵敏,\n".encode("gb18030"))
    assert read_member_file(gbk) == ["王建国", "陈志强", "赵敏"]
    plain = tmp_path / "names.txt"
    plain.write_text("孙磊\n刘芳\n\n孙磊\n", encoding="utf-8")
    assert read_member_file(plain) == ["孙磊", "刘芳"]
    book = write_xlsx(tmp_path / "党员名册.xlsx", [["序号", "姓名", "党龄"], ["1", "王建国", "20"], ["2", "刘芳", "8"],
                                                   [], ["3", "孙磊", "3"]])
    assert read_member_file(book) == ["王建国", "刘芳", "孙磊"]
    with pytest.raises(MetaError, match="另存为"):
        read_member_file(tmp_path / "名册.xls")
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    with pytest.raises(MetaError, match="不是有效的 Excel"):
        read_member_file(tmp_path / "坏.xlsx")
    empty = write_xlsx(tmp_path / "空.xlsx", [["姓名"]])
    with pytest.raises(MetaError, match="没有找到姓名"):
        read_member_file(empty)


def test_members_dialog_imports_edits_and_saves(qtbot, store, tmp_path: Path):
    from app.ui.members_dialog import MembersDialog

    store.set_members(["王建国"])
    dialog = MembersDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.names() == ["王建国"] and dialog.count_label.text() == "共 1 人"
    book = write_xlsx(tmp_path / "名册.xlsx", [["姓名"], ["王建国"], ["刘芳"], ["孙磊"]])
    assert dialog.import_file(book) == ["王建国", "刘芳", "孙磊"]
    assert store.members() == ["王建国"]  # nothing saved before 保存
    dialog.edit.appendPlainText("赵敏")
    assert dialog.count_label.text() == "共 4 人"
    assert dialog.import_file(tmp_path / "没有.csv") == [] and "无法读取" in dialog.message.text()
    dialog.accept()
    assert store.members() == ["王建国", "刘芳", "孙磊", "赵敏"]


def test_meeting_form_fills_roster_from_the_member_list(qtbot, store, tmp_path: Path):
    from app.ui.meeting_form import MeetingForm

    sheet = tmp_path / "名册.csv"
    sheet.write_text("姓名,党龄\n王建国,20\n刘芳,8\n孙磊,3\n", encoding="utf-8")
    form = MeetingForm(store=store)
    qtbot.addWidget(form)
    assert not form.fill_button.isEnabled()
    assert form.import_members(sheet) == ["王建国", "刘芳", "孙磊"]
    assert store.members() == ["王建国", "刘芳", "孙磊"]
    form.host_edit.setText("王建国")
    assert form.meeting().roster == ["王建国", "刘芳", "孙磊"]
    again = MeetingForm(store=store)  # the next meeting starts from the saved list
    qtbot.addWidget(again)
    assert again.meeting().roster == ["王建国", "刘芳", "孙磊"]
    form.host_edit.setText("李四")
    form.accept()
    assert "不在参会名单" in form.error_label.text() and form.result() != form.DialogCode.Accepted


def test_first_meetings_roster_starts_the_member_list(qtbot, store):
    from app.ui.meeting_form import MeetingForm

    form = MeetingForm(store=store)
    qtbot.addWidget(form)
    form.host_edit.setText("王建国")
    form.roster_edit.setPlainText("王建国、刘芳，陈志强")
    form.accept()
    assert store.members() == ["王建国", "刘芳", "陈志强"]


def test_member_list_from_the_main_window_menu(qtbot, window, store):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.members_dialog import MembersDialog
    from tests.ui.conftest import shoot

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MembersDialog) and w.isVisible())
        dialog.edit.setPlainText("王建国\n刘芳\n陈志强\n赵敏\n孙磊")
        shoot(dialog, "members")
        dialog.accept()

    QTimer.singleShot(0, answer)
    window.act_members.trigger()
    assert store.members() == ["王建国", "刘芳", "陈志强", "赵敏", "孙磊"]
