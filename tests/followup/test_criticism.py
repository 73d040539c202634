"""组织生活会 checks: every present member made a 自我批评 and gave or received criticism."""

from __future__ import annotations

import json

from app.cli import main
from core.result import meeting_from_dict
from core.storage import Store
from core.types import Absence, Attendance, Segment
from summarizer.criticism import check_criticism
from tests.conftest import CORPUS, require_shared
from tests.followup.pairs import corpus_meeting


def _m05() -> tuple[list[Segment], object]:
    synthetic = require_shared(CORPUS / "synthetic", "corpus")
    truth = json.loads((synthetic / "m05.truth.json").read_text(encoding="utf-8"))
    meeting = meeting_from_dict(json.loads((synthetic / "m05.meta.json").read_text(encoding="utf-8")))
    return [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]], meeting


def test_every_member_of_the_corpus_meeting_criticised_and_was_criticised():
    segments, meeting = _m05()
    checks = {c.name: c for c in check_criticism(segments, meeting, Attendance(absent=[Absence("牟红英")]))}
    assert "牟红英" not in checks and len(checks) == 6 and all(c.ok for c in checks.values())
    assert checks["宁海波"].gave_to == ["蓝承志"]  # 给书记提一条: the host
    assert checks["占国富"].received_from == ["柴雨桐"]  # 给占师傅提个意见: surname and title
    assert checks["褚静怡"].received_from == ["栗立平"]  # 给静怡提一条: the given name


def test_a_member_who_only_talked_is_flagged():
    segments, meeting = _m05()
    # 栗立平 says only that criticism need not be taken seriously, and nobody criticises 柴雨桐's points
    kept = [s for s in segments if not (s.speaker == "栗立平" and "实在的" in s.text)
            and s.speaker != "柴雨桐" and "立平，我打断" not in s.text]
    checks = {c.name: c for c in check_criticism(kept, meeting, Attendance(absent=[Absence("牟红英")]))}
    assert not checks["柴雨桐"].ok and not checks["柴雨桐"].self_criticism
    assert checks["栗立平"].self_criticism and not checks["栗立平"].gave_to
    assert not checks["褚静怡"].received_from


def test_the_cli_shows_each_member(capsys):
    mid = corpus_meeting(Store(), "m05")
    code = main(["ledger", "criticism", mid])
    out = capsys.readouterr().out
    assert "批评与自我批评情况" in out and "✓  宁海波  自我批评：有  批评了：蓝承志  被批评：占国富" in out
    assert code in (0, 1) and out.count("自我批评：") >= 5


def test_the_rectification_list_is_exported(capsys, tmp_path):
    from openpyxl import load_workbook

    corpus_meeting(Store(), "m05")
    assert main(["ledger", "--kind", "整改措施", "--export", str(tmp_path / "整改清单.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "整改清单.xlsx").active
    assert sheet["A1"].value == "整改清单" and [c.value for c in sheet[2]][:2] == ["序号", "事项"]
    contents = " ".join(str(sheet.cell(row=r, column=2).value) for r in range(3, sheet.max_row + 1))
    assert sheet.max_row >= 5 and "攻关" in contents and "积分表" in contents
