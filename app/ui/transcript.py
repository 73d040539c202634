"""The transcript editor, synced to playback: click a sentence to hear it; the playing one is lit."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.models import SegmentModel, clock
from app.ui.player import Player
from app.voice_enroll import speaker_spans
from core.types import Result

SAVE_DELAY_MS = 800  # edits are saved this long after the last keystroke
ANONYMOUS = re.compile(r"^(发言人|说话人|未知)\s*\d*$")


class RenameDialog(QDialog):
    """Rename or merge a speaker; naming a member can also enroll their voiceprint, only with consent."""

    def __init__(self, old: str, names: list[str], can_enroll: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle("改名 / 合并发言人")
        self.old, self.can_enroll = old, can_enroll
        self.name_combo = QComboBox()
        self.name_combo.setEditable(True)
        self.name_combo.addItems(names)
        self.name_combo.setCurrentText("" if ANONYMOUS.match(old) else old)
        self.enroll_check = QCheckBox()
        self.enroll_check.setVisible(can_enroll)
        self.name_combo.currentTextChanged.connect(self._update)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"把“{old}”改为（选已有的人即合并）："))
        layout.addWidget(self.name_combo)
        layout.addWidget(self.enroll_check)
        hint = QLabel("登记后，以后的会议会自动认出此人。声纹只保存在本机，可在“设置”中删除。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        hint.setVisible(can_enroll)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._update()

    def name(self) -> str:
        return self.name_combo.currentText().strip()

    def _update(self) -> None:
        new = self.name()
        named = bool(new) and not ANONYMOUS.match(new)
        self.enroll_check.setText(f"同时用本次会议中“{self.old}”的讲话登记“{new or '…'}”的声纹（已取得本人同意）")
        self.enroll_check.setEnabled(named)
        if not named:
            self.enroll_check.setChecked(False)

    def enroll(self) -> bool:
        return self.can_enroll and self.enroll_check.isEnabled() and self.enroll_check.isChecked()


class TranscriptView(QWidget):
    changed = Signal()  # debounced: the segments were edited and should be saved
    renamed = Signal(str, str)  # old, new: a speaker renamed (or merged) in every segment
    enroll_requested = Signal(str, object)  # a member's name, [(start, end)] of their speech in this meeting

    def __init__(self, player: Player | None = None, parent=None):
        super().__init__(parent)
        self.player = player or Player(self)
        self.model = SegmentModel(parent=self)
        self.model.edited.connect(self._schedule_save)
        self.result: Result | None = None

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        vh = self.table.verticalHeader()
        vh.hide()
        # Fixed row height: a per-row size-to-contents pass over 2,000 rows (and again on every
        # highlight change) would stall the UI; two lines show most sentences, the tooltip the rest.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(int(self.fontMetrics().height() * 2.6))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(SegmentModel.TIME, QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(SegmentModel.SPEAKER, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(SegmentModel.TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(SegmentModel.TIME, self.fontMetrics().horizontalAdvance("00:00:00") + 24)
        self.table.setColumnWidth(SegmentModel.SPEAKER, self.fontMetrics().horizontalAdvance("发言人发言人") + 24)
        self.table.clicked.connect(self.on_clicked)

        # playback bar; the media icons come from the style: the fonts draw ⏸ as an empty box
        self._play_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button = QPushButton(self._play_icon, "播放")
        self.play_button.clicked.connect(self.player.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderMoved.connect(lambda v: self.player.seek(v / 10.0))
        self.time_label = QLabel("00:00 / 00:00")
        self.player.position_changed.connect(self.on_position)
        self.player.duration_changed.connect(lambda s: self.slider.setRange(0, int(s * 10)))
        self.player.playing_changed.connect(self._show_playing)
        self.player.refused.connect(lambda reason: self.status_label.setText(f"提示：{reason}"))
        play_row = QHBoxLayout()
        play_row.addWidget(self.play_button)
        play_row.addWidget(self.slider, 1)
        play_row.addWidget(self.time_label)
        if not self.player.available:
            self.play_button.setEnabled(False)
            self.play_button.setToolTip("未安装播放组件，无法播放录音")

        # search and speakers
        self.search_edit = QLineEdit(placeholderText="在本次会议中查找…")
        self.search_edit.returnPressed.connect(self.find_next)
        self.find_button = QPushButton("查找下一个")
        self.find_button.clicked.connect(self.find_next)
        self.speaker_combo = QComboBox()
        self.speaker_combo.setMinimumWidth(120)
        self.rename_button = QPushButton("改名 / 合并发言人…")
        self.rename_button.clicked.connect(self.ask_rename)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #555;")
        tools = QHBoxLayout()
        tools.addWidget(self.search_edit, 1)
        tools.addWidget(self.find_button)
        tools.addSpacing(16)
        tools.addWidget(QLabel("发言人"))
        tools.addWidget(self.speaker_combo)
        tools.addWidget(self.rename_button)

        layout = QVBoxLayout(self)
        layout.addLayout(play_row)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.changed)

    def _show_playing(self, playing: bool) -> None:
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_button.setText("暂停" if playing else "播放")

    # ------------------------------------------------ data

    def set_result(self, result: Result | None) -> None:
        self.result = result
        self.model.set_segments(result.segments if result else [])
        self._fill_speakers()
        self.player.load(result.audio_path if result else None)
        if result and not self.player.available:
            self.status_label.setText("提示：播放组件不可用，只能查看和编辑文字。")
        elif result and result.audio_path and not self.player.media.source().isValid():
            self.status_label.setText(f"找不到录音文件：{result.audio_path}（仍可编辑文字）")
        else:
            self.status_label.setText(f"共 {len(self.model.segments)} 段。单击一句播放；双击修改文字或发言人。")

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.rename_button.setEnabled(not read_only)

    def flush(self) -> None:
        """Save a pending edit now (before export, close, or switching meetings)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.changed.emit()

    def _schedule_save(self) -> None:
        self._save_timer.start()
        self._fill_speakers()

    def _fill_speakers(self) -> None:
        current = self.speaker_combo.currentText()
        self.speaker_combo.blockSignals(True)
        self.speaker_combo.clear()
        self.speaker_combo.addItems(self.model.speakers())
        if current:
            self.speaker_combo.setCurrentText(current)
        self.speaker_combo.blockSignals(False)

    # ------------------------------------------------ playback sync

    def on_clicked(self, index) -> None:
        self.seek_to_row(index.row(), play=True)

    def seek_to_row(self, row: int, play: bool = False) -> None:
        if not 0 <= row < len(self.model.segments):
            return
        seconds = self.model.segments[row].start
        self.model.set_current(row)
        self.player.seek(seconds)
        if play:
            self.player.play()

    def seek_to_time(self, seconds: float) -> None:
        """Show the sentence at `seconds` (a search hit) without starting playback."""
        row = max(0, self.model.row_at(seconds))
        self.model.set_current(row)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        self.player.seek(seconds)

    def on_position(self, seconds: float) -> None:
        """Playback tick: O(log n) lookup, two rows repainted, scroll only when the row changes."""
        if not self.slider.isSliderDown():
            self.slider.setValue(int(seconds * 10))
        self.time_label.setText(f"{clock(seconds)} / {clock(self.player.duration())}")
        row = self.model.row_at(seconds)
        if row != self.model.current:
            self.model.set_current(row)
            if row >= 0 and self.table.state() != QAbstractItemView.State.EditingState:
                self.table.scrollTo(self.model.index(row, 0))

    # ------------------------------------------------ search and speakers

    def find_next(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        after = rows[0].row() if rows else -1
        row = self.model.find(self.search_edit.text().strip(), after)
        if row < 0:
            self.status_label.setText("没有找到。")
            return -1
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        self.status_label.setText(f"第 {row + 1} 段")
        return row

    def rename_speaker(self, old: str, new: str) -> int:
        merging = new in self.model.speakers()
        changed = self.model.rename_speaker(old, new)
        if changed:
            self.renamed.emit(old, new)  # the minutes and the report name them too
            merged = "（已与同名发言人合并）" if merging else ""
            self.status_label.setText(f"已把“{old}”改为“{new}”，共 {changed} 段{merged}。")
            self._fill_speakers()
            self.speaker_combo.setCurrentText(new)
        return changed

    def rename_dialog(self) -> RenameDialog | None:
        old = self.speaker_combo.currentText()
        if not old:
            return None
        names = self.model.speakers()
        roster = self.result.meeting.roster if self.result else []
        names = [*roster, *(n for n in names if n not in roster and n != old)]
        can_enroll = bool(self.result and self.result.audio_path and not self.model.read_only)
        return RenameDialog(old, names, can_enroll, self)

    def ask_rename(self, dialog: RenameDialog | None = None) -> None:
        """Rename (or merge) the chosen speaker; with consent, enroll the voice under the new name."""
        dialog = dialog or self.rename_dialog()
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted or not dialog.name():
            return
        old, new = dialog.old, dialog.name()
        spans = speaker_spans(self.model.segments, old)  # before the rename merges them with others
        if new != old:
            self.rename_speaker(old, new)
        if dialog.enroll():
            self.enroll_requested.emit(new, spans)
