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

from asr import MODEL_COSTS, MODEL_SPECS
from core import paths
from core.errors import SanhuiError
from core.settings import Settings
from core.storage import Store

log = logging.getLogger(__name__)

MODEL_CHOICES = tuple(MODEL_SPECS)  # tiny, base, small, medium, large-v3, turbo
ENGINES = (("local", "本机识别（faster-whisper，录音不离开本机）"),
           ("remote", "单位语音识别服务器（OpenAI 兼容接口）"))


def installed_models() -> list[str]:
    try:
        from asr import ModelRegistry

        return [info.name for info in ModelRegistry().installed()]
    except Exception as exc:  # the registry must never keep the dialog from opening
        log.warning("listing models failed: %s", exc)
        return []


class EnrollDialog(QDialog):
    """登记声纹 from a recording of one member reading: name, file, and the member's consent."""

    def __init__(self, members: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("登记声纹")
        self.setMinimumWidth(460)
        self.name_combo = QComboBox()
        self.name_combo.setEditable(True)
        self.name_combo.addItems(members)
        self.name_combo.setCurrentText("")
        self.file_edit = QLineEdit(placeholderText="本人连续讲话 10 秒以上的录音")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.consent_check = QCheckBox("本人已同意登记和保存声纹（只保存在本机）")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("登记")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("姓名", self.name_combo)
        form.addRow("录音文件", file_row)
        form.addRow("", self.consent_check)
        form.addRow(self.buttons)
        for signal in (self.name_combo.currentTextChanged, self.file_edit.textChanged, self.consent_check.toggled):
            signal.connect(self._update)
        self._update()

    def _browse(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self, "选择录音", "", "录音 (*.wav *.mp3 *.m4a *.ogg *.flac *.aac);;所有文件 (*)")
        if name:
            self.file_edit.setText(name)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.name().strip() and self.path() and self.consent_check.isChecked()))

    def name(self) -> str:
        return self.name_combo.currentText().strip()

    def path(self) -> str:
        return self.file_edit.text().strip()


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, store: Store, parent=None, enroll=None):
        """`enroll(name, path, on_done)` starts a background enrollment (MainWindow.enroll_voice_file)."""
        super().__init__(parent)
        self._enroll = enroll
        self.setWindowTitle("设置")
        self.setMinimumWidth(560)
        self.store = store
        self._settings = settings

        self._build_local_fields(settings)
        self.platform_edit = QLineEdit(settings.platform_url, placeholderText="留空表示不同步")
        self._build_server_fields(settings)

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_recognition_box())
        layout.addWidget(self._build_data_box())
        layout.addWidget(self._build_voices_box())
        layout.addWidget(self._build_buttons())

    def _build_local_fields(self, settings: Settings) -> None:
        installed = installed_models()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        for name in dict.fromkeys([*MODEL_CHOICES, *installed]):
            self.model_combo.addItem(f"{name}（已安装）" if name in installed else f"{name}（未安装）", name)
            self.model_combo.setItemData(self.model_combo.count() - 1, MODEL_COSTS.get(name, ""),
                                         Qt.ItemDataRole.ToolTipRole)
        self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(settings.model)))
        # What the chosen model costs, so nobody picks large-v3 on a 2-core laptop by accident.
        self.model_cost = QLabel()
        self.model_cost.setWordWrap(True)
        self.model_cost.setStyleSheet("color: #666;")
        self.model_combo.currentIndexChanged.connect(self._show_model_cost)
        self._show_model_cost()
        self.device_combo = QComboBox()
        self.device_combo.addItem("自动（有 NVIDIA 显卡时用 CUDA）", "auto")
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

    def _build_server_fields(self, settings: Settings) -> None:
        self.engine_combo = QComboBox()
        for key, label in ENGINES:
            self.engine_combo.addItem(label, key)
        self.engine_combo.setCurrentIndex(max(0, self.engine_combo.findData(settings.asr_engine)))
        self.endpoint_edit = QLineEdit(settings.asr_endpoint, placeholderText="例如 https://asr.单位内网:8000/v1")
        self.endpoint_edit.setToolTip("speaches、vLLM 或 FunASR 服务的地址；必须 https（可在设置中指定单位根证书）；http 仅限本机地址（127.0.0.1、localhost）")
        self.remote_model_edit = QLineEdit(settings.asr_remote_model, placeholderText="例如 large-v3，留空用服务器默认模型")
        self.token_edit = QLineEdit(placeholderText="留空则沿用已保存的令牌；令牌只保存在系统密钥环中")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.asr_ca_edit = QLineEdit(settings.asr_ca, placeholderText="服务器使用单位自建证书时填写根证书文件路径")
        self.engine_combo.currentIndexChanged.connect(self._show_engine)

    def _build_recognition_box(self) -> QGroupBox:
        rec = QGroupBox("语音识别")
        f = QFormLayout(rec)
        f.addRow("识别方式", self.engine_combo)
        f.addRow("语音模型", self.model_combo)
        f.addRow("", self.model_cost)
        f.addRow("运行设备", self.device_combo)
        f.addRow("计算精度", self.compute_combo)
        f.addRow("搜索宽度", self.beam_spin)
        f.addRow("服务器地址", self.endpoint_edit)
        f.addRow("服务器模型", self.remote_model_edit)
        f.addRow("访问令牌", self.token_edit)
        f.addRow("根证书文件", self.asr_ca_edit)
        self._show_engine()
        f.addRow("", self.diarize_check)
        f.addRow("热词", self.hotwords_edit)
        return rec

    def _build_data_box(self) -> QGroupBox:
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
        return data

    def _build_voices_box(self) -> QGroupBox:
        voices = QGroupBox("已登记声纹（经本人同意）")
        vl = QVBoxLayout(voices)
        self.voice_list = QListWidget()
        self.voice_list.setMaximumHeight(110)
        self.delete_voice = QPushButton("删除所选声纹")
        self.delete_voice.clicked.connect(self._delete_voice)
        self.add_voice = QPushButton("登记声纹…")
        self.add_voice.clicked.connect(self.ask_enroll)
        self.add_voice.setEnabled(self._enroll is not None)
        self.voice_status = QLabel("也可以在“转写校对”中为发言人改名时登记。")
        self.voice_status.setStyleSheet("color: #666;")
        self.voice_status.setWordWrap(True)
        vl.addWidget(self.voice_list)
        voice_buttons = QHBoxLayout()
        voice_buttons.addWidget(self.voice_status, 1)
        voice_buttons.addWidget(self.add_voice)
        voice_buttons.addWidget(self.delete_voice)
        vl.addLayout(voice_buttons)
        self._fill_voices()
        return voices

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

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
            asr_engine=self.engine_combo.currentData(),
            asr_endpoint=self.endpoint_edit.text().strip(),
            asr_remote_model=self.remote_model_edit.text().strip(),
            asr_ca=self.asr_ca_edit.text().strip(),
        )

    def _show_model_cost(self) -> None:
        self.model_cost.setText(MODEL_COSTS.get(self.model_combo.currentData() or "", ""))

    def _show_engine(self) -> None:
        """Local settings for the local engine, server settings for the remote one."""
        remote = self.engine_combo.currentData() == "remote"
        for widget in (self.model_combo, self.device_combo, self.compute_combo, self.beam_spin):
            widget.setEnabled(not remote)
        for widget in (self.endpoint_edit, self.remote_model_edit, self.token_edit, self.asr_ca_edit):
            widget.setEnabled(remote)

    def check_asr(self) -> str:
        """Why the speech recognition settings cannot be saved ("" when they can); stores a new token."""
        if self.engine_combo.currentData() != "remote":
            return ""
        from asr import check_endpoint, set_token

        try:
            check_endpoint(self.endpoint_edit.text())
            if self.token_edit.text().strip():
                set_token(self.token_edit.text().strip())
                self.token_edit.clear()
        except SanhuiError as exc:
            return str(exc)
        return ""

    def accept(self) -> None:
        problem = self.check_asr()
        if problem:
            QMessageBox.warning(self, "语音识别设置", problem)
            return
        super().accept()

    def _fill_voices(self) -> None:
        self.voice_list.clear()
        for v in self.store.list_voiceprints():
            y, m, d = (int(x) for x in v.enrolled_at[:10].split("-"))
            self.voice_list.addItem(f"{v.name}（{v.samples} 段样本，登记于 {y}年{m}月{d}日）")
            self.voice_list.item(self.voice_list.count() - 1).setData(Qt.ItemDataRole.UserRole, v.name)
        self.delete_voice.setEnabled(self.voice_list.count() > 0)

    def ask_enroll(self, dialog: EnrollDialog | None = None):
        """Ask for name, recording and consent, then enroll in the background; returns the worker."""
        dialog = dialog or EnrollDialog(self.store.members(), self)
        if self._enroll is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        name = dialog.name()
        self.voice_status.setText(f"正在登记“{name}”的声纹…")
        self.add_voice.setEnabled(False)
        return self._enroll(name, dialog.path(), self._enrolled)

    def _enrolled(self, message: str) -> None:
        self.voice_status.setText(message)
        self.add_voice.setEnabled(True)
        self._fill_voices()

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
