"""report.docx and its charts: content, embedded charts, Chinese glyphs that are not empty boxes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from analytics import assess, charts, write_report_docx
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
    assert f"会议效能得分：{result.assessment.score['overall']}分" in text
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


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice/poppler absent")
def test_report_renders_in_libreoffice(synthetic, tmp_path):
    write_report_docx(tmp_path / "report.docx", _result(synthetic, "m01"))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "report.docx")],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "会议效能分析报告" in text and "需要关注的发言" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3


def test_report_from_a_result_reloaded_from_json(synthetic, tmp_path):
    import json

    from core.result import dumps, result_from_dict

    reloaded = result_from_dict(json.loads(dumps(_result(synthetic, "m01"))))
    write_report_docx(tmp_path / "report.docx", reloaded)
    text = _docx_text(tmp_path / "report.docx")
    assert "有的同志觉得学习是走形式" in text and "赵敏" in text
    with zipfile.ZipFile(tmp_path / "report.docx") as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 4
