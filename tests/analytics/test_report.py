"""report.docx and its charts: content, embedded charts, Chinese glyphs that are not empty boxes; the
minutes' 公文 page and styles; agenda time ranges that never overlap. Rendering: tests/documents."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from analytics import assess, charts, write_report_docx
from analytics.report import item_spans
from core.types import Meeting, Minutes, Participation, Result, Segment


def _result(synthetic, name: str) -> Result:
    _, meeting, segs, minutes = synthetic(name)
    return Result(meeting=meeting, segments=segs, minutes=minutes, assessment=assess(segs, minutes, meeting))


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_report_has_charts_checklist_risks_formula_and_suggestions(synthetic, tmp_path):
    result = _result(synthetic, "m02")
    path = tmp_path / "out" / "report.docx"
    write_report_docx(path, result)
    text = _docx_text(path)
    assert "会议效能分析报告" in text and "2026年9月25日" in text
    assert f"会议效能得分：{result.assessment.score.overall}分" in text
    assert "计算公式" in text and "×0.20" in text
    assert "学习就是走个过场" in text  # the risk sentence, quoted
    assert "到会人数过半" in text and "符合" in text
    assert "改进建议" in text and "主持人发言占58%" in text
    with zipfile.ZipFile(path) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(images) == 4  # speaking time, timeline, heat, sentiment
    assert not list(path.parent.glob("*.part"))  # written atomically


def test_report_for_empty_meeting_is_still_written(tmp_path):
    result = Result(meeting=Meeting(), segments=[], minutes=Minutes(), assessment=assess([], Minutes(), Meeting()))
    write_report_docx(tmp_path / "report.docx", result)
    text = _docx_text(tmp_path / "report.docx")
    assert "没有可统计的发言" in text


def test_report_survives_an_assessment_that_was_never_computed(tmp_path):
    from core.types import Assessment

    result = Result(meeting=Meeting(), segments=[Segment(0, 5, "开会", "")], minutes=Minutes(), assessment=Assessment())
    write_report_docx(tmp_path / "report.docx", result)
    assert (tmp_path / "report.docx").stat().st_size > 1000


def _glyph(ch: str):
    """Render one character with the chart font; an empty box (tofu) looks the same for every character."""
    import numpy as np

    plt, _ = charts._pyplot()
    fig = plt.figure(figsize=(0.6, 0.6), dpi=60)
    fig.text(0.5, 0.5, ch, fontsize=28, ha="center", va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="raw", dpi=60)
    plt.close(fig)
    return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def test_chart_font_has_real_chinese_glyphs():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    family = charts.font_family()
    assert family is not None
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(c)) != 0 for c in "发言时长议题情绪")
    shapes = {_glyph(c).tobytes() for c in "发言时长"}
    assert len(shapes) == 4  # four different drawings, not four identical boxes


def test_shipped_font_is_used_and_licensed():
    path = charts.shipped_font()
    assert path is not None and path.stat().st_size < 20 * 1024 * 1024
    assert (path.parent / "LICENSE-wqy-microhei.txt").is_file()
    assert charts.font_family() == "WenQuanYi Micro Hei"


def test_speaking_time_chart_is_a_png_and_handles_many_speakers():
    rows = [Participation(f"SPEAKER_{i:02d}", 10.0 + i, 1 / 30, 1) for i in range(30)]
    png = charts.speaking_time(rows)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_from_a_result_reloaded_from_json(synthetic, tmp_path):
    import json

    from core.result import dumps, result_from_dict

    reloaded = result_from_dict(json.loads(dumps(_result(synthetic, "m01"))))
    write_report_docx(tmp_path / "report.docx", reloaded)
    text = _docx_text(tmp_path / "report.docx")
    assert "有的同志觉得学习是走形式" in text and "赵敏" in text
    with zipfile.ZipFile(tmp_path / "report.docx") as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 4


def test_report_is_a4_with_the_minutes_styles(synthetic, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    write_report_docx(tmp_path / "report.docx", _result(synthetic, "m02"))
    doc = Document(str(tmp_path / "report.docx"))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # not US Letter
    for name, east_asia in (("Normal", "仿宋"), ("Heading 1", "黑体"), ("Title", "宋体")):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == east_asia, name
        assert not [k for k in fonts.attrib if k.endswith("Theme") or k.endswith("theme")], name  # no Calibri/blue theme
    assert str(doc.styles["Heading 1"].font.color.rgb) == "000000"
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings and all(p.text[1] == "、" for p in headings)
    assert all(doc.styles["Heading 1"].paragraph_format.keep_with_next for _ in headings)
    colours = {str(r.font.color.rgb) for p in doc.paragraphs for r in p.runs if r.font.color.rgb is not None}
    assert colours <= {"000000"}  # black text: no blue headings, no red score
    footer = section.footer.paragraphs[0]
    assert [el.text.strip() for el in footer._p.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    table = doc.tables[0]
    assert abs(sum(c.w.mm for c in table._tbl.tblGrid.gridCol_lst) - 156) < 0.5  # the A4 text column


def test_item_spans_follow_the_agenda_and_never_overlap():
    segs = [Segment(i * 10.0, i * 10.0 + 9.0, f"s{i}", "甲") for i in range(10)]
    # item 0 has a stray segment late (a similarity match), item 1 one early: spans would overlap
    sections = [None, 0, 0, 1, 0, 1, 1, 2, 0, 2]
    spans = item_spans(segs, sections, 3)
    assert spans == [(10.0, 49.0), (50.0, 69.0), (70.0, 99.0)]  # in agenda order, each ends before the next
    # an item nobody spoke on between the others gets no range rather than a slice of theirs
    assert item_spans(segs, [None, 0, 0, 0, 2, 2, 2, 2, 0, 2], 3) == [(10.0, 39.0), None, (40.0, 99.0)]
    # speech that overlaps at a boundary (two voices at once) is cut where the next item begins
    talk = [Segment(0, 10, "a", "甲"), Segment(8, 20, "b", "乙")]
    assert item_spans(talk, [0, 1], 2) == [(0, 8), (8, 20)]
    assert item_spans(segs, [None] * 10, 2) == [None, None]  # nothing assigned: no range invented
    assert item_spans([], [], 2) == [None, None]


def test_report_agenda_ranges_do_not_overlap_where_the_assignment_does(synthetic, tmp_path):
    result = _result(synthetic, "m06")
    raw = result.assessment.score.measures["agenda_items"]
    assert any(a["end"] > b["start"] for a, b in zip(raw, raw[1:], strict=False))  # the assignment overlaps here
    write_report_docx(tmp_path / "report.docx", result)
    from docx import Document

    table = next(t for t in Document(str(tmp_path / "report.docx")).tables if t.rows[0].cells[1].text == "起止时间")
    ranges = []
    for row in table.rows[1:]:
        m = re.fullmatch(r"(\d\d):(\d\d)–(\d\d):(\d\d)", row.cells[1].text)
        assert m, row.cells[1].text
        a, b, c, d = map(int, m.groups())
        ranges.append((a * 60 + b, c * 60 + d))
        mm, ss = map(int, row.cells[2].text.split(":"))
        assert abs(mm * 60 + ss - (ranges[-1][1] - ranges[-1][0])) <= 1  # 用时 is the range's length
    flat = [x for r in ranges for x in r]
    assert flat == sorted(flat) and len(ranges) == len(raw)
