"""Settings (model, device, hotwords, sync address, voiceprints) and the About box."""

from __future__ import annotations

import logging
import platform
import sys
from dataclasses import replace

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import paths
from core.settings import Settings
from core.storage import Store

log = logging.getLogger(__name__)

MODEL_CHOICES = ("tiny", "base", "small", "medium", "large-v3")


def installed_models() -> list[str]:
    try:
        from asr.models import ModelRegistry

        return [info.name for info in ModelRegistry().installed()]
    except Exception as exc:  # the registry must never keep the dialog from opening
        log.warning("listing models failed: %s", exc)
        return []


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, store: Store, parent=None):
        super().__init__(parent)
        self.setWindowTitle("设置")
        self.setMinimumWidth(560)
        self.store = store
        self._settings = settings

        installed = installed_models()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        for name in dict.fromkeys([*installed, *MODEL_CHOICES]):
            self.model_combo.addItem(f"{name}（已安装）" if name in installed else name, name)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(settings.model)))
        self.device_combo = QComboBox()
        self.device_combo.addItem("CPU", "cpu")
        self.device_combo.addItem("NVIDIA 显卡 (CUDA)", "cuda")
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(settings.device)))
        self.compute_combo = QComboBox()
        self.compute_combo.addItems(["int8", "int8_float16", "float16", "float32"])
        self.compute_combo.setCurrentText(settings.compute_type)
        self.beam_spin = QSpinBox(minimum=1, maximum=10, value=settings.beam_size)
        self.diarize_check = QCheckBox("区分发言人（并识别已登记声纹的党员）")
        self.diarize_check.setChecked(settings.diarize)
        self.hotwords_edit = QPlainTextEdit("\n".join(settings.extra_hotwords))
        self.hotwords_edit.setPlaceholderText("本支部常用的专有名词、人名，每行一个，可提高识别准确率")
        self.hotwords_edit.setFixedHeight(90)
        self.platform_edit = QLineEdit(settings.platform_url, placeholderText="留空表示不同步")

        rec = QGroupBox("语音识别")
        f = QFormLayout(rec)
        f.addRow("语音模型", self.model_combo)
        f.addRow("运行设备", self.device_combo)
        f.addRow("计算精度", self.compute_combo)
        f.addRow("搜索宽度", self.beam_spin)
        f.addRow("", self.diarize_check)
        f.addRow("热词", self.hotwords_edit)

        data = QGroupBox("数据")
        df = QFormLayout(data)
        folder = QLabel(str(paths.data_dir()))
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder.setWordWrap(True)
        folder.setToolTip(str(paths.data_dir()))
        open_folder = QPushButton("打开文件夹")
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir()))))
        row = QHBoxLayout()
        row.addWidget(folder, 1)
        row.addWidget(open_folder)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        df.addRow("数据文件夹", holder)
        df.addRow("党建平台地址", self.platform_edit)

        voices = QGroupBox("已登记声纹（经本人同意）")
        vl = QVBoxLayout(voices)
        self.voice_list = QListWidget()
        self.voice_list.setMaximumHeight(110)
        self.delete_voice = QPushButton("删除所选声纹")
        self.delete_voice.clicked.connect(self._delete_voice)
        vl.addWidget(self.voice_list)
        vl.addWidget(QLabel("登记声纹：命令行 sanhui enroll 录音 --name 姓名 --consent"))
        vl.addWidget(self.delete_voice, 0, Qt.AlignmentFlag.AlignRight)
        self._fill_voices()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(rec)
        layout.addWidget(data)
        layout.addWidget(voices)
        layout.addWidget(buttons)

    def settings(self) -> Settings:
        model = self.model_combo.currentData()
        if model is None or self.model_combo.currentText() != self.model_combo.itemText(self.model_combo.currentIndex()):
            model = self.model_combo.currentText().split("（")[0].strip()
        return replace(
            self._settings,
            model=model or "base",
            device=self.device_combo.currentData(),
            compute_type=self.compute_combo.currentText(),
            beam_size=self.beam_spin.value(),
            diarize=self.diarize_check.isChecked(),
            extra_hotwords=[w.strip() for w in self.hotwords_edit.toPlainText().splitlines() if w.strip()],
            platform_url=self.platform_edit.text().strip(),
        )

    def _fill_voices(self) -> None:
        self.voice_list.clear()
        for v in self.store.list_voiceprints():
            self.voice_list.addItem(f"{v.name}（{v.samples} 段样本，登记于 {v.enrolled_at[:10]}）")
            self.voice_list.item(self.voice_list.count() - 1).setData(Qt.ItemDataRole.UserRole, v.name)
        self.delete_voice.setEnabled(self.voice_list.count() > 0)

    def _delete_voice(self) -> None:
        item = self.voice_list.currentItem()
        if not item:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        if QMessageBox.question(self, "删除声纹", f"确定删除“{name}”的声纹吗？") == QMessageBox.StandardButton.Yes:
            self.store.delete_voiceprint(name)
            self._fill_voices()


def about_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import PySide6

    def ver(pkg: str) -> str:
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "未安装"

    return (
        f"<h3>三会一课会议助手 {ver('sanhui')}</h3>"
        "<p>离线录音转写、会议纪要、效能分析。除您要求的同步外，数据不离开本机。</p>"
        f"<p>数据文件夹：{paths.data_dir()}</p>"
        f"<p>Python {platform.python_version()} · Qt {PySide6.__version__} · "
        f"faster-whisper {ver('faster-whisper')} · python-docx {ver('python-docx')}<br>"
        f"系统：{platform.system()} {platform.release()} ({sys.platform})</p>"
    )
