"""The branch's member list (党员名册), kept in the data folder and imported from a spreadsheet.

A CSV/TSV/TXT export from Excel or WPS is read (first column, or the column headed 姓名); the
roster of a new meeting is filled from it. Qt-free.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from core import paths
from core.errors import MetaError
from core.files import write_text_atomic

NAME_HEADERS = ("姓名", "名字", "党员姓名", "name")


def members_path() -> Path:
    return paths.data_dir() / "members.json"


def load_members(path: Path | None = None) -> list[str]:
    try:
        data = json.loads((path or members_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(n) for n in data.get("members", []) if str(n).strip()] if isinstance(data, dict) else []


def save_members(names: list[str], path: Path | None = None) -> list[str]:
    clean = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    write_text_atomic(path or members_path(), json.dumps({"members": clean}, ensure_ascii=False, indent=1))
    return clean


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MetaError("名册文件的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV。")


def read_member_file(path: Path) -> list[str]:
    """Names from a CSV/TSV/TXT spreadsheet export."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls", ".et"):
        raise MetaError("请在 Excel 或 WPS 中把名册“另存为”CSV 文件后再导入。")
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise MetaError(f"无法读取名册文件“{path.name}”：{exc.strerror or exc}") from exc
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
    if not rows:
        raise MetaError(f"名册文件“{path.name}”是空的。")
    column = 0
    header = [c.strip().lower() for c in rows[0]]
    for i, cell in enumerate(header):
        if cell in NAME_HEADERS:
            column, rows = i, rows[1:]
            break
    names = [r[column].strip() for r in rows if len(r) > column and r[column].strip()]
    return list(dict.fromkeys(names))
