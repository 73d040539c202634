"""minutes.docx: opens with python-docx, holds the record's texts, fonts on the East-Asian slot, atomic write."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from core.errors import OutputError
from core.types import NEEDS_FILLING, Meeting
from summarizer import extract_minutes, write_minutes_docx
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", title="第一党支部2026年10月支委会", branch="第一党支部", date="2026-10-12",
                  location="三楼党员活动室", host="王建国", recorder="刘芳", roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])
LINES = [
    ("王建国", "同志们，现在开会。应到五人，实到四人，孙磊同志出差请假。"),
    ("王建国", "今天的会议有两个议题。第一个议题，学习习近平总书记关于国有企业改革发展的重要论述。第二个议题，研究党费收缴工作。"),
    ("王建国", "下面进行第一议题，请陈志强同志领学。"),
    ("陈志强", "总书记强调，坚持党的领导、加强党的建设，是国有企业的光荣传统。"),
    ("赵敏", "我补充一点，落实要求关键是把责任压实，我不同意学归学、干归干。"),
    ("王建国", "下面进行第二个议题。会议决定：由刘芳同志负责第四季度党费收缴工作，十二月二十日前全部收齐。"),
    ("王建国", "会议要求，各位委员下月带头开展一次谈心谈话。"),
    ("王建国", "表决：赞成四票，反对零票，弃权零票。散会。"),
]


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def written(tmp_path: Path) -> Path:
    segs = segments(LINES)
    minutes = extract_minutes(segs, MEETING)
    path = tmp_path / "out" / "minutes.docx"
    write_minutes_docx(path, MEETING, minutes, segs)
    return path


def test_minutes_docx_has_the_record(written: Path):
    document = docx.Document(str(written))
    text = _all_text(document)
    for expected in ["第一党支部2026年10月支委会会议记录", "会议名称", "会议类型", "支部委员会", "2026年10月12日",
                     "三楼党员活动室", "主持人", "王建国", "记录人", "刘芳", "应到人数", "5人", "实到人数", "4人",
                     "缺席人员及原因", "孙磊（出差）", "会议议程", "研究党费收缴工作", "第一议题", "领学人：陈志强",
                     "发言要点", "赵敏：", "我不同意学归学、干归干", "决议事项", "事项", "责任人", "完成时限",
                     "2026年12月20日", "表决情况", "赞成4票，反对0票，弃权0票", "通过", "主持人（签字）", "记录人（签字）", "散会"]:
        assert expected in text, expected
    assert "2026-" not in text  # dates are written the Chinese way


def test_missing_fields_are_marked_in_the_resolutions_table(written: Path):
    document = docx.Document(str(written))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "事项")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    open_item = next(r for r in rows if "谈心谈话" in r[1])
    assert open_item[2] == NEEDS_FILLING  # no owner said
    assert open_item[3] == "2026年11月30日"
    done = next(r for r in rows if "党费" in r[1])
    assert done[2:] == ["刘芳", "2026年12月20日"]
    red = [run for cell in table.rows[rows.index(open_item) + 1].cells for p in cell.paragraphs for run in p.runs
           if run.text == NEEDS_FILLING]
    assert red and red[0].font.color.rgb is not None


def test_fonts_are_set_on_the_east_asian_slot(written: Path):
    document = docx.Document(str(written))
    fonts = set()
    for p in document.paragraphs:
        for run in p.runs:
            rfonts = run._element.rPr.find(qn("w:rFonts"))
            fonts.add(rfonts.get(qn("w:eastAsia")))
    assert {"仿宋", "黑体", "宋体"} <= fonts
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "out" / "minutes.docx"
    target.parent.mkdir()
    target.write_bytes(b"previous version")
    segs = segments(LINES)
    minutes = extract_minutes(segs, MEETING)

    def broken_save(self, path):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OutputError):
        write_minutes_docx(target, MEETING, minutes, segs)
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in target.parent.iterdir()] == ["minutes.docx"]


def test_empty_minutes_still_make_a_document(tmp_path: Path):
    path = tmp_path / "empty.docx"
    write_minutes_docx(path, Meeting(type="党课", date="2026-12-03"), extract_minutes([], Meeting(type="党课")), [])
    text = _all_text(docx.Document(str(path)))
    assert "本次会议未安排第一议题" in text and "本次会议未形成决议事项" in text and "散会" in text


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext is not installed")
def test_renders_with_libreoffice(written: Path, tmp_path: Path):
    profile = tmp_path / "lo_profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(written)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "minutes.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "会议记录" in text and "决议事项" in text and "散会" in text


def test_a_deadline_read_through_a_recognition_error_asks_for_a_check(tmp_path: Path):
    lines = [("王建国", "会议决定由刘芳同志负责第四季度党费收缴工作十二一二十一前全部收齐")]  # 十二月二十日前, heard
    segs = segments(lines)
    path = tmp_path / "minutes.docx"
    write_minutes_docx(path, MEETING, extract_minutes(segs, MEETING), segs)
    table = next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[1].text == "事项")
    cell = table.rows[1].cells[3]
    assert cell.text == "2026年12月20日（请核对）"
    assert cell.paragraphs[0].runs[-1].font.color.rgb is not None
