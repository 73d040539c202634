"""The branch's member list (党员名册), kept in the database and imported from a spreadsheet.

An Excel/WPS workbook (.xlsx, first sheet) or a CSV/TSV/TXT export is read: the column headed 姓名
(or the first column). The roster of a new meeting is filled from the list. Qt-free.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from core import paths
from core.errors import MetaError, os_reason
from core.storage import Store

NAME_HEADERS = ("姓名", "名字", "党员姓名", "name")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _legacy_path() -> Path:
    return paths.data_dir() / "members.json"


def load_members(store: Store) -> list[str]:
    """The member list; a members.json left by an earlier version is moved into the database once."""
    names = store.members()
    legacy = _legacy_path()
    if not names and legacy.is_file():
        import json

        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
            names = store.set_members([str(n) for n in data.get("members", [])] if isinstance(data, dict) else [])
            legacy.replace(legacy.with_name("members.json.imported"))
        except (OSError, ValueError):
            pass
    return names


def save_members(store: Store, names: list[str]) -> list[str]:
    return store.set_members(names)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MetaError("名册文件的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV。")


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref or "")
    n = 0
    for ch in letters.group(0) if letters else "A":
        n = n * 26 + ord(ch) - 64
    return n - 1


def _first_sheet(z: zipfile.ZipFile) -> str:
    """The path of the workbook's first sheet (not always sheet1.xml after sheets were reordered)."""
    try:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        first = next(workbook.iter(f"{_SHEET_NS}sheet")).get(_DOC_REL)
        target = next(r.get("Target") for r in rels.iter(f"{_REL_NS}Relationship") if r.get("Id") == first)
        return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    except (KeyError, StopIteration, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"


def xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet's cells as text, row by row (stdlib only: no spreadsheet library to bundle)."""
    try:
        with zipfile.ZipFile(path) as z:
            shared = []
            if "xl/sharedStrings.xml" in z.namelist():
                for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{_SHEET_NS}si"):
                    shared.append("".join(t.text or "" for t in si.iter(f"{_SHEET_NS}t")))
            sheet = ElementTree.fromstring(z.read(_first_sheet(z)))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise MetaError(f"无法读取表格“{path.name}”：文件不是有效的 Excel（.xlsx）表格。") from exc
    rows = []
    for row in sheet.iter(f"{_SHEET_NS}row"):
        cells: dict[int, str] = {}
        for i, c in enumerate(row.iter(f"{_SHEET_NS}c")):
            kind, v = c.get("t"), c.find(f"{_SHEET_NS}v")
            if kind == "s" and v is not None and (v.text or "").isdigit() and int(v.text) < len(shared):
                text = shared[int(v.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{_SHEET_NS}t"))
            else:
                text = (v.text or "") if v is not None else ""
            cells[_column_index(c.get("r")) if c.get("r") else i] = text
        if cells:
            rows.append([cells.get(i, "") for i in range(max(cells) + 1)])
    return rows


def _text_rows(path: Path) -> list[list[str]]:
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise MetaError(f"无法读取名册文件“{path.name}”：{os_reason(exc)}") from exc
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def read_member_file(path: Path) -> list[str]:
    """Names from an .xlsx workbook or a CSV/TSV/TXT export: the 姓名 column, else the first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et"):
        raise MetaError("这是旧版表格格式：请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再导入。")
    rows = xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _text_rows(path)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise MetaError(f"名册文件“{path.name}”是空的。")
    column = 0
    header = [c.strip().lower() for c in rows[0]]
    for i, cell in enumerate(header):
        if cell in NAME_HEADERS:
            column, rows = i, rows[1:]
            break
    names = [r[column].strip() for r in rows if len(r) > column and r[column].strip()]
    if not names:
        raise MetaError(f"名册文件“{path.name}”中没有找到姓名（应在“姓名”列或第一列）。")
    return list(dict.fromkeys(names))
