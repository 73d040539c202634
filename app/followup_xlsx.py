"""The 决议落实台账 (or a 组织生活会's 整改清单) as the .xlsx branches keep: 序号, 事项, 来源会议, 责任人,
完成时限, 进展, 状态, dates written 2026年10月12日, 逾期 in red."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.files import atomic_path
from core.followup import OVERDUE, Item
from summarizer.minutes_docx import cn_date

COLUMNS = ("序号", "事项", "来源会议", "责任人", "完成时限", "进展", "状态")
WIDTHS = (6, 46, 30, 12, 18, 40, 9)


def source_meeting(item: Item) -> str:
    return f"{cn_date(item.meeting_date)}{item.meeting_title or item.body}"


def write_ledger_xlsx(path: Path, items: list[Item], title: str = "决议落实台账", today: dt.date | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = title
    font = "宋体"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(name=font, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, it in enumerate(items, 1):
        status = it.current_status(today)
        ws.append([i, it.content, source_meeting(it), it.owner or "待人工补齐", cn_date(it.deadline) or "未定",
                   it.progress, status])
        if status == OVERDUE:
            ws.cell(row=ws.max_row, column=len(COLUMNS)).font = Font(name=font, size=11, color="C00000", bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="center" if cell.column in (1, 4, 5, 7) else "left")
            if cell.row == 2:
                cell.font = Font(name=font, size=11, bold=True)
            elif not cell.font.color or cell.font.color.rgb != "00C00000":
                cell.font = Font(name=font, size=11)
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
