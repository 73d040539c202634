"""minutes.docx and report.docx as a person sees them: converted to PDF by LibreOffice and to PNG by
poppler, for four kinds of meeting from the corpus (支委会, 党员大会, 党课, 组织生活会).

Checked on the rendered pages, not on the XML: A4 on every page, 第 X 页 共 Y 页 in the footer with the
real page count, no heading left alone at a page foot, 仿宋 drawn with a FangSong face (the shipped
FandolFang where the Windows fonts are missing) and not a sans fallback, short table headers on one
line, and pages that hold dark text. LibreOffice and poppler-utils are installed by
installers/system-deps.sh (make setup); without them this test fails, it never skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics import assess, write_report_docx
from core.docx_style import fontconfig_file
from core.result import load_meta
from core.types import Result, Segment
from summarizer import extract_minutes, write_minutes_docx
from tests.conftest import CORPUS, require_shared

MEETINGS = {"m01": "支部委员会", "m02": "支部党员大会", "m10": "党课", "m05": "组织生活会"}
A4_PT = (595.28, 841.89)
HEADING = re.compile(r"^(?:[一二三四五六七八九十]、|（[一二三四五六七八九十]）)\S")
FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")
TOOLS = ("soffice", "pdftoppm", "pdfinfo", "pdffonts", "pdftotext")


def _require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: the rendering test needs LibreOffice (libreoffice-writer-nogui) "
                    "and poppler-utils; run `sudo bash installers/system-deps.sh` (make setup does it)", pytrace=False)


def _run(*args: str, **kw) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=300, **kw).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{'m01.minutes': pdf path, ...}: all eight documents written and converted in one soffice run."""
    _require_tools()
    require_shared(CORPUS, "the shared corpus")  # fails in CI, skips on a laptop without it
    out = tmp_path_factory.mktemp("rendered")
    docs = []
    for name, kind in MEETINGS.items():
        truth = json.loads((CORPUS / "synthetic" / f"{name}.truth.json").read_text(encoding="utf-8"))
        meeting = load_meta(CORPUS / "synthetic" / f"{name}.meta.json")
        assert meeting.type == kind
        if name == "m01":  # the fields a secretary fills in the meeting form
            meeting.start_time, meeting.attendees_nonvoting = "14:30", ["周晓明"]
        segments = [Segment(s["start"], s["end"], s["text"], s["name"]) for s in truth["segments"]]
        minutes = extract_minutes(segments, meeting)
        write_minutes_docx(out / f"{name}.minutes.docx", meeting, minutes, segments)
        result = Result(meeting=meeting, segments=segments, minutes=minutes, assessment=assess(segments, minutes, meeting))
        write_report_docx(out / f"{name}.report.docx", result)
        docs += [out / f"{name}.minutes.docx", out / f"{name}.report.docx"]
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(out / "fontconfig"))}
    _run("soffice", f"-env:UserInstallation=file://{out / 'lo_profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, docs), env=env)
    pdfs = {d.stem: d.with_suffix(".pdf") for d in docs}
    missing = [p.name for p in pdfs.values() if not p.is_file()]
    assert not missing, f"LibreOffice wrote no PDF for {missing}"
    for stem, pdf in pdfs.items():
        _run("pdftoppm", "-r", "40", "-png", str(pdf), str(out / stem))
    return pdfs


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))


def _page_texts(pdf: Path) -> list[str]:
    return _run("pdftotext", "-layout", str(pdf), "-").split("\f")[:_pages(pdf)]


def _page_lines(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page, its text lines as (bottom y in pt from the top, text), from pdftotext's boxes."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(_run("pdftotext", "-bbox-layout", str(pdf), "-"))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//h:page", ns):
        lines = [(float(ln.get("yMax")), "".join(w.text or "" for w in ln.iterfind("h:word", ns)))
                 for ln in page.iterfind(".//h:line", ns)]
        pages.append(sorted(lines))
    return pages


@pytest.mark.parametrize("doc", [f"{m}.{d}" for m in MEETINGS for d in ("minutes", "report")])
def test_every_page_is_a4_numbered_and_has_text(rendered: dict[str, Path], doc: str):
    pdf = rendered[doc]
    n = _pages(pdf)
    assert n > 0
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", "-f", "1", "-l", str(n), str(pdf)), re.M)
    assert len(sizes) == n
    for w, h in sizes:
        assert abs(float(w) - A4_PT[0]) < 1.5 and abs(float(h) - A4_PT[1]) < 1.5, (doc, w, h)  # A4, not US Letter
    for i, text in enumerate(_page_texts(pdf), 1):
        footers = FOOTER.findall(text)
        assert footers and footers[-1] == (str(i), str(n)), (doc, i, footers)


@pytest.mark.parametrize("doc", [f"{m}.{d}" for m in MEETINGS for d in ("minutes", "report")])
def test_no_heading_is_left_at_a_page_foot(rendered: dict[str, Path], doc: str):
    # the text area ends 35 mm above the page's foot; a heading in its last three 28 pt lines with no
    # text under it is orphaned (one followed by a chart stands higher: the chart fits below it)
    bottom = A4_PT[1] - 35 / 25.4 * 72
    for i, lines in enumerate(_page_lines(rendered[doc])[:-1], 1):
        body = [(y, t) for y, t in lines if not FOOTER.search(t)]
        assert body, f"{doc}: page {i} is empty"
        y, last = body[-1]
        assert not (HEADING.match(last) and y > bottom - 3 * 28), f"{doc}: page {i} ends with the heading {last!r}"


@pytest.mark.parametrize("doc", [f"{m}.{d}" for m in MEETINGS for d in ("minutes", "report")])
def test_fangsong_is_drawn_with_a_fangsong_face(rendered: dict[str, Path], doc: str):
    fonts = _run("pdffonts", str(rendered[doc]))
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    # the text's 仿宋: a FangSong face (FandolFang shipped, or the system's own 仿宋), never only a sans
    assert any("Fang" in n or "仿宋" in n for n in names), names
    assert any(k in n for n in names for k in ("Song", "SimSun", "宋")), names  # the title's 宋体 (FandolSong, SimSun)


def test_the_pages_hold_dark_text(rendered: dict[str, Path]):
    import numpy as np
    from PIL import Image

    for stem, pdf in rendered.items():
        pngs = sorted(pdf.parent.glob(f"{stem}-*.png"))
        assert len(pngs) == _pages(pdf)
        for png in pngs:
            grey = np.asarray(Image.open(png).convert("L"))
            dark = float((grey < 160).mean())
            # text on white: more than a footer alone (~0.05 %), never a black page
            assert 0.0015 < dark < 0.4, (png.name, dark)


def test_the_minutes_read_as_filed(rendered: dict[str, Path]):
    text = "\n".join(_page_texts(rendered["m01.minutes"]))
    flat = re.sub(r"\s+", "", text)
    for expected in ["出席人员王建国、刘芳、陈志强、赵敏", "缺席人员及原因孙磊（出差）", "列席人员周晓明",
                     "2026年10月12日14:30—14:33", "学习内容：学习习近平总书记关于国有企业改革发展和党的建设的重要论述",
                     "确定周晓明、吴婷为入党积极分子：主持人征求意见，与会人员无异议，会议同意（未举手计票）",
                     "主持人（签字）", "记录人（签字）"]:
        assert expected in flat, expected
    assert "无表决事项" not in flat
    # the 序号 and 完成时限 headers on one line each, not 序/号 stacked
    header = next(line for line in text.splitlines() if "事项" in line and "责任人" in line)
    assert "序号" in header and "完成时限" in header
    assert any(re.search(r"2026\s*年\s*10\s*月\s*31\s*日", line) for line in text.splitlines())  # a date on one line


def test_the_report_has_no_overlapping_agenda_ranges(rendered: dict[str, Path]):
    for meeting in MEETINGS:
        text = "\n".join(_page_texts(rendered[f"{meeting}.report"]))
        ranges = [(int(a) * 60 + int(b), int(c) * 60 + int(d))
                  for a, b, c, d in re.findall(r"(\d\d):(\d\d)[–-](\d\d):(\d\d)", text)]
        for (s1, e1), (s2, e2) in zip(ranges, ranges[1:], strict=False):
            assert s1 <= e1 <= s2 <= e2, (meeting, ranges)
