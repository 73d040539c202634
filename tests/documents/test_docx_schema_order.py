"""Word refuses a .docx whose property elements are out of the schema's order (LibreOffice forgives
it, so rendering alone would not notice): the properties both writers touch by hand are checked."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from analytics import assess, write_report_docx
from core.types import Meeting, Result
from summarizer import extract_minutes, write_minutes_docx
from tests.summarizer.meetings import segments
from tests.summarizer.test_minutes_docx import LINES, MEETING

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# ECMA-376 sequences (the parts we or python-docx write)
ORDER = {
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
}


def _out_of_order(path: Path) -> list[str]:
    bad = []
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n in ("word/document.xml", "word/styles.xml") or n.startswith("word/footer")]
        assert any(n.startswith("word/footer") for n in parts)
        for part in parts:
            root = etree.fromstring(z.read(part))
            for name, order in ORDER.items():
                for el in root.iter(W + name):
                    seen = [c.tag[len(W):] for c in el if c.tag.startswith(W)]
                    known = [order.index(t) for t in seen if t in order]
                    if known != sorted(known):
                        bad.append(f"{part}: {name} {seen}")
    return bad


def test_minutes_and_report_keep_the_schema_order(tmp_path: Path):
    segs = segments(LINES)
    meeting = Meeting(**{**MEETING.__dict__, "start_time": "14:30", "attendees_nonvoting": ["钱进"]})
    minutes = extract_minutes(segs, meeting)
    write_minutes_docx(tmp_path / "minutes.docx", meeting, minutes, segs)
    write_report_docx(tmp_path / "report.docx", Result(meeting, segs, minutes, assess(segs, minutes, meeting)))
    assert _out_of_order(tmp_path / "minutes.docx") == []
    assert _out_of_order(tmp_path / "report.docx") == []
