"""Model choice: what each model costs, and the device "auto" resolves to."""

from __future__ import annotations

import pytest

from asr import models
from asr.models import HUB_REPOS, MODEL_COSTS, MODEL_SPECS, resolve_device


def test_every_downloadable_model_says_what_it_costs():
    assert list(MODEL_SPECS) == ["tiny", "base", "small", "medium", "large-v3", "turbo"] == list(HUB_REPOS)
    for name in MODEL_SPECS:
        assert "磁盘" in MODEL_COSTS[name] and "内存" in MODEL_COSTS[name]
    # Bigger models cost more on a CPU, turbo less than the large-v3 it is cut from.
    order = ["tiny", "base", "small", "medium", "large-v3"]
    for field in ("disk_mb", "ram_mb", "cpu_speed"):
        values = [getattr(MODEL_SPECS[n], field) for n in order]
        assert values == sorted(values)
        assert getattr(MODEL_SPECS["turbo"], field) < getattr(MODEL_SPECS["large-v3"], field)


@pytest.mark.parametrize(("gpus", "expected"), [(0, ("cpu", "int8")), (1, ("cuda", "float16"))])
def test_auto_picks_cuda_with_float16_when_a_gpu_is_present(monkeypatch, gpus, expected):
    monkeypatch.setattr(models, "cuda_device_count", lambda: gpus)
    assert resolve_device("auto", "int8") == expected


def test_a_named_device_keeps_the_users_precision_unless_the_cpu_cannot_run_it():
    assert resolve_device("cuda", "int8_float16") == ("cuda", "int8_float16")
    assert resolve_device("cuda", "int8") == ("cuda", "int8")
    assert resolve_device("cpu", "float16") == ("cpu", "int8")
    assert resolve_device("cpu", "float32") == ("cpu", "float32")


def test_cuda_count_is_what_ctranslate2_reports():
    import ctranslate2

    assert models.cuda_device_count() == ctranslate2.get_cuda_device_count()


def test_sanhui_models_lists_every_model_with_its_cost_and_whether_installed(capsys):
    from app.cli import main

    assert main(["models"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert list(lines) == list(MODEL_SPECS)
    assert "已安装" in lines["base"] and "未安装" in lines["large-v3"]  # the packs hold base only
    assert "内存约 4.8 GB" in lines["large-v3"]
