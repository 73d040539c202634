"""Qt item models: thin adapters over in-memory domain lists (never bound to SQL)."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from core.flags import resolution_edited
from core.types import NEEDS_FILLING, Resolution, Segment
from core.zh import clock

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; a module-level default (ruff B008)
CURRENT_BRUSH = QBrush(QColor("#ffe9a8"))
FLAG_BRUSH = QBrush(QColor("#ffd6d6"))
FLAG_TEXT = QBrush(QColor("#b00020"))
GOOD_TEXT = QBrush(QColor("#2e7d32"))


class _Table(QAbstractTableModel):
    """A flat table: rows from `_rows()`, one column per header."""

    HEADERS: tuple[str, ...] = ()

    def _rows(self) -> list:
        raise NotImplementedError

    def _headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers()[section]
        return None


class MeetingListModel(_Table):
    """Rows from Store.list_meetings(), each with an optional "sync" (app.ui.sync_status.SyncStatus)."""

    HEADERS = ("日期", "类型", "标题", "状态", "党建平台")
    KEYS = ("date", "type", "title", "status", "sync")
    SYNC = 4

    def __init__(self, rows: list[dict] | None = None, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = rows or []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def _rows(self) -> list:
        return self.rows

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        sync = row.get("sync")
        if index.column() == self.SYNC:
            if role == Qt.ItemDataRole.DisplayRole:
                return sync.label if sync else ""
            if role == Qt.ItemDataRole.ToolTipRole and sync:
                return sync.detail
            if role == Qt.ItemDataRole.ForegroundRole and sync:
                return FLAG_TEXT if sync.needs_attention else GOOD_TEXT if sync.label == "已通过" else None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.get(self.KEYS[index.column()]) or ""
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None

    def meeting_id(self, row: int) -> str:
        return self.rows[row]["id"]


class SegmentModel(_Table):
    """The transcript: one row per Segment of the Result, edited in place.

    `edited` fires after any change so the owner can save (debounced). The playing row is found with
    bisect over the segment starts, so a playback tick costs O(log n) and repaints two rows.
    """

    HEADERS = ("时间", "发言人", "内容")
    TIME, SPEAKER, TEXT = range(3)
    edited = Signal()

    def __init__(self, segments: list[Segment] | None = None, parent=None):
        super().__init__(parent)
        self.segments: list[Segment] = []
        self._starts: list[float] = []
        self.current = -1
        self.read_only = False
        self.set_segments(segments or [])

    def set_segments(self, segments: list[Segment]) -> None:
        self.beginResetModel()
        self.segments = segments
        self._starts = [s.start for s in segments]
        self.current = -1
        self.endResetModel()

    # ------------------------------------------------ Qt model API

    def _rows(self) -> list:
        return self.segments

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        seg = self.segments[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.TIME:
                return clock(seg.start)
            if col == self.SPEAKER:
                return seg.speaker or ("" if role == Qt.ItemDataRole.EditRole else "发言人")
            return seg.text
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.current:
            return CURRENT_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and col == self.TIME:
            return f"{clock(seg.start)} – {clock(seg.end)}（单击播放）"
        if role == Qt.ItemDataRole.UserRole:
            return seg.start
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() != self.TIME and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        seg = self.segments[index.row()]
        value = str(value).strip()
        if index.column() == self.TEXT and value != seg.text:
            seg.text = value
        elif index.column() == self.SPEAKER and value != seg.speaker:
            seg.speaker = value
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        self.edited.emit()
        return True

    # ------------------------------------------------ transcript operations

    def row_at(self, seconds: float) -> int:
        """The segment playing at `seconds` (the last one started), or -1 before the first."""
        return bisect.bisect_right(self._starts, seconds) - 1

    def set_current(self, row: int) -> None:
        if row == self.current:
            return
        old, self.current = self.current, row
        for r in (old, row):
            if 0 <= r < len(self.segments):
                self.dataChanged.emit(self.index(r, 0), self.index(r, 2), [Qt.ItemDataRole.BackgroundRole])

    def speakers(self) -> list[str]:
        return sorted({s.speaker for s in self.segments if s.speaker})

    def rename_speaker(self, old: str, new: str) -> int:
        """Rename everywhere; naming one speaker like another merges them. Returns rows changed."""
        new = new.strip()
        if not new or new == old or self.read_only:
            return 0
        changed = 0
        for seg in self.segments:
            if seg.speaker == old:
                seg.speaker = new
                changed += 1
        if changed:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.segments) - 1, 1))
            self.edited.emit()
        return changed

    def find(self, text: str, after: int = -1) -> int:
        """The next row whose text contains `text`, wrapping around; -1 when none."""
        if not text:
            return -1
        n = len(self.segments)
        for k in range(1, n + 1):
            row = (after + k) % n
            if text in self.segments[row].text or text in self.segments[row].speaker:
                return row
        return -1


class ResolutionModel(_Table):
    """The resolutions table; owner or deadline missing shows 待人工补齐 on red."""

    HEADERS = ("决议事项", "责任人", "完成时限")
    edited = Signal()

    def __init__(self, resolutions: list[Resolution] | None = None, parent=None):
        super().__init__(parent)
        self.items: list[Resolution] = resolutions or []
        self.read_only = False

    def set_items(self, items: list[Resolution]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def _rows(self) -> list:
        return self.items

    def _value(self, item: Resolution, col: int) -> str | None:
        return (item.content, item.owner, item.deadline)[col]

    def is_missing(self, row: int, col: int) -> bool:
        value = self._value(self.items[row], col)
        return not value or NEEDS_FILLING in value

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        value = self._value(item, index.column())
        missing = self.is_missing(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return NEEDS_FILLING if missing else value
        if role == Qt.ItemDataRole.EditRole:
            return "" if missing else value
        if role == Qt.ItemDataRole.BackgroundRole and missing:
            return FLAG_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and missing:
            return FLAG_TEXT
        if role == Qt.ItemDataRole.FontRole and missing:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if item.flags:
                return "；".join(item.flags)
            if index.column() == 2:
                return "日期格式：YYYY-MM-DD"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        item = self.items[index.row()]
        text = str(value).strip()
        col = index.column()
        if col == 0:
            if not text:
                return False
            item.content = text
        elif col == 1:
            item.owner = text or None
        else:
            if text and not _is_iso_date(text):
                return False
            item.deadline = text or None
        resolution_edited(item, ("content", "owner", "deadline")[col])
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 2))
        self.edited.emit()
        return True

    def add(self, content: str = "新决议事项") -> int:
        if self.read_only:  # a finalised meeting: its decisions change only through 修订
            return -1
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(Resolution(content=content))
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.items) and not self.read_only:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.items[row]
            self.endRemoveRows()
            self.edited.emit()


def _is_iso_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
        return True
    except ValueError:
        return False


class ListModel(_Table):
    """A read-only table over any list, columns given as (header, getter) pairs."""

    def __init__(self, columns: list[tuple[str, Callable[[Any], Any]]], items: list | None = None, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.items = items or []

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def _rows(self) -> list:
        return self.items

    def _headers(self) -> tuple[str, ...]:
        return tuple(header for header, _get in self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.columns[index.column()][1](self.items[index.row()])
            return "" if value is None else str(value)
        return None
