"""公文 styling shared by minutes.docx and report.docx (GB/T 9704-2012 conventions).

A4, margins 37/35/28/26 mm; title 宋体 二号 bold, headings 黑体 三号, body 仿宋 三号 at a fixed 28 pt
line, tables 小四; all black. Chinese fonts are set on the East-Asian slot (w:eastAsia) with Times New
Roman for Latin text, and the theme-font attributes of python-docx's template (which would win over
an explicit name and show Calibri/blue headings) are removed. The footer carries 第 X 页 共 Y 页 as
PAGE/NUMPAGES fields, so Word, WPS and LibreOffice count the pages themselves.

Fonts: Windows and WPS have 仿宋/宋体/黑体. Where they are missing (LibreOffice on Linux) the names fall
back through fontconfig to the free fonts in resources/fonts (FandolFang for 仿宋, FandolSong for 宋体,
WenQuanYi Micro Hei for 黑体): fontconfig_file() writes a configuration for one conversion, and
resources/fonts/README.md says how to install them system-wide.

python-docx is imported inside the functions: importing this module has no cost and no side effects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TITLE_FONT, HEADING_FONT, BODY_FONT, LATIN_FONT = "宋体", "黑体", "仿宋", "Times New Roman"
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT, FOOTER_PT = 22, 16, 16, 12, 12  # 二号, 三号, 三号, 小四, 小四
LINE_PT = 28  # fixed line pitch of 公文 body text (22 lines a page)
RED = (0xC0, 0x00, 0x00)  # only for fields the secretary must complete
BLACK = (0x00, 0x00, 0x00)
A4_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = A4_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
ALIAS_CONF = "64-sanhui-gongwen.conf"

_AFTER_NOWRAP = ("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                 "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def clock_span(start_time: str, end_time: str, recording_seconds: float) -> tuple[str, str]:
    """The meeting's start and end clock times: as entered, the end else the start plus the
    recording's length (the recording starts when the meeting does); '' where unknown."""
    end = end_time
    if start_time and not end_time and recording_seconds > 0:
        h, m = (int(x) for x in start_time.split(":")[:2])
        total = h * 60 + m + round(recording_seconds / 60)
        end = f"{total // 60 % 24:02d}:{total % 60:02d}"
    return start_time, end


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(element: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Fonts of a style, run or rPr element: the Chinese name on w:eastAsia, Latin on the other slots."""
    rpr = element if element.tag == _qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(_qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:  # a theme font overrides the explicit name: drop it
        fonts.attrib.pop(_qn(attr), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(_qn(slot), latin)
    fonts.set(_qn("w:eastAsia"), east_asia)
    fonts.set(_qn("w:hint"), "eastAsia")


def _black(style: Any) -> None:
    from docx.shared import RGBColor

    rpr = style.element.get_or_add_rPr()
    color = rpr.find(_qn("w:color"))
    if color is not None:  # the template's heading colour is a theme colour: replace it whole
        rpr.remove(color)
    style.font.color.rgb = RGBColor(*BLACK)


def _style(doc: Any, name: str, font: str, size: float, bold: bool, *, center: bool = False,
           before: float = 0, after: float = 0, keep_next: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    set_fonts(style.element, font)
    _black(style)
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(_qn("w:pBdr"))
    if border is not None:  # the template's Title has a blue rule under it
        ppr.remove(border)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = Pt(max(LINE_PT, size * 1.3))
    fmt.first_line_indent = None
    fmt.keep_with_next = keep_next
    fmt.keep_together = keep_next
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else None


def new_document() -> Any:
    """An empty python-docx Document with the 公文 page, styles and page-number footer."""
    import docx
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(20)

    # document defaults first (tables and text boxes inherit them, not Normal), then the styles
    defaults = doc.styles.element.find(_qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(_qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(_qn("w:rPr")) is not None:
            set_fonts(rpr_default.find(_qn("w:rPr")), BODY_FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element, BODY_FONT)
    _black(normal)
    normal.paragraph_format.space_after = Pt(0)
    _style(doc, "Title", TITLE_FONT, TITLE_PT, True, center=True, after=LINE_PT / 2, keep_next=True)
    _style(doc, "Heading 1", HEADING_FONT, HEADING_PT, False, before=6, keep_next=True)
    _style(doc, "Heading 2", BODY_FONT, BODY_PT, True, keep_next=True)
    for name in ("Heading 1", "Heading 2"):  # 公文 headings are indented like the body
        doc.styles[name].paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    table_grid = doc.styles["Table Grid"]
    set_fonts(table_grid.element, BODY_FONT)
    table_grid.font.size = Pt(TABLE_PT)
    page_number_footer(section)
    return doc


def _field(paragraph: Any, instruction: str, placeholder: str, font: str, size: float) -> None:
    """A complex field (begin, instruction, separate, shown value, end): Word and LibreOffice update it."""
    from docx.oxml import OxmlElement

    def run_with(child: Any | None, text: str | None = None) -> None:
        run = paragraph.add_run(text) if text is not None else paragraph.add_run()
        run.font.size = _pt(size)
        set_fonts(run._element, font)
        if child is not None:
            run._element.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(_qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(_qn("w:fldCharType"), "separate")
    run_with(separate)
    run_with(None, placeholder)
    end = OxmlElement("w:fldChar")
    end.set(_qn("w:fldCharType"), "end")
    run_with(end)


def _pt(size: float) -> Any:
    from docx.shared import Pt

    return Pt(size)


def page_number_footer(section: Any, font: str = BODY_FONT, size: float = FOOTER_PT) -> None:
    """第 X 页 共 Y 页, centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.text = ""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None

    def text(value: str) -> None:
        run = p.add_run(value)
        run.font.size = _pt(size)
        set_fonts(run._element, font)

    text("第 ")
    _field(p, "PAGE", "1", font, size)
    text(" 页 共 ")
    _field(p, "NUMPAGES", "1", font, size)
    text(" 页")


def table_layout(table: Any, widths_mm: list[float], header_rows: int = 0) -> None:
    """Fixed column widths (the grid for LibreOffice and WPS, each cell's width for Word), header rows
    repeated on every page, no row split across a page break."""
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(_qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(_qn("w:type"), "fixed")
    width = tbl_pr.find(_qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(_qn("w:type"), "dxa")
    width.set(_qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=False):
        col.w = Mm(w)
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(_qn("w:cantSplit")) is None:
            tr_pr.append(OxmlElement("w:cantSplit"))
        if r < header_rows and tr_pr.find(_qn("w:tblHeader")) is None:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell in row.cells:  # a merged cell spans several grid columns: give it their sum
            tc = cell._tc
            span = tc.grid_span
            start = _grid_index(row, tc)
            cell.width = Mm(sum(widths_mm[start:start + span]))


def _grid_index(row: Any, tc: Any) -> int:
    index = 0
    for other in row._tr.tc_lst:
        if other is tc:
            return index
        index += other.grid_span
    return index


def no_wrap(cell: Any) -> None:
    """Keep a short label on one line (序号 must not wrap to 序/号)."""
    from docx.oxml import OxmlElement

    tc_pr = cell._tc.get_or_add_tcPr()
    if tc_pr.find(_qn("w:noWrap")) is not None:
        return
    element = OxmlElement("w:noWrap")
    # the schema's order (Word refuses a file that breaks it): noWrap comes before these
    later = next((child for child in tc_pr if child.tag in {_qn(t) for t in _AFTER_NOWRAP}), None)
    if later is None:
        tc_pr.append(element)
    else:
        later.addprevious(element)


def label_width_mm(text: str, size_pt: float = TABLE_PT) -> float:
    """The narrowest column that holds a label of full-width characters on one line, with the default
    cell margins (1.9 mm each side) and a little slack for bold glyphs."""
    return len(text) * size_pt * 25.4 / 72 + 2 * 1.9 + 1.5


def shipped_fonts_dir() -> Path | None:
    """resources/fonts, where the free fallback fonts and their fontconfig aliases live."""
    from importlib import resources

    try:
        folder = Path(str(resources.files("resources") / "fonts"))
    except (ModuleNotFoundError, OSError):
        return None
    return folder if (folder / ALIAS_CONF).is_file() else None


def fontconfig_file(folder: Path) -> Path:
    """Write folder/fonts.conf: the system configuration plus the shipped fonts and the 公文 aliases.
    Point FONTCONFIG_FILE at it for a LibreOffice conversion so 仿宋 renders as a FangSong face, not a
    sans fallback, on a machine without the Windows fonts."""
    from xml.sax.saxutils import escape

    fonts = shipped_fonts_dir()
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>",
             '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    if fonts is not None:
        lines.append(f"  <dir>{escape(str(fonts))}</dir>")
        lines.append(f'  <include ignore_missing="yes">{escape(str(fonts / ALIAS_CONF))}</include>')
    cache = Path(folder) / "fontconfig-cache"
    lines += [f"  <cachedir>{escape(str(cache))}</cachedir>", "</fontconfig>", ""]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fonts.conf"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
