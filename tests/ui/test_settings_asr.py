"""The speech recognition part of the settings dialog: engine, server, and what each model costs."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.storage import Store


@pytest.fixture
def dialog(qapp, qtbot, tmp_path):
    from app.ui.settings_dialog import SettingsDialog

    def make(settings: Settings):
        d = SettingsDialog(settings, Store(tmp_path / "db.sqlite"))
        qtbot.addWidget(d)
        return d

    return make


def test_every_model_is_offered_with_its_cost(dialog):
    d = dialog(Settings())
    names = [d.model_combo.itemData(i) for i in range(d.model_combo.count())]
    assert names[:6] == ["tiny", "base", "small", "medium", "large-v3", "turbo"]
    assert "已安装" in d.model_combo.itemText(names.index("base"))  # the PyPI packs hold base
    d.model_combo.setCurrentIndex(names.index("large-v3"))
    assert "内存约 4.8 GB" in d.model_cost.text() and "显卡" in d.model_cost.text()
    assert d.device_combo.currentData() == "auto"


def test_remote_engine_is_chosen_and_saved_without_the_token_in_settings(dialog, monkeypatch):
    saved_tokens = []
    monkeypatch.setattr("asr.remote.set_token", saved_tokens.append)
    d = dialog(Settings())
    assert d.engine_combo.currentData() == "local" and not d.endpoint_edit.isEnabled()
    d.engine_combo.setCurrentIndex(d.engine_combo.findData("remote"))
    assert d.endpoint_edit.isEnabled() and not d.model_combo.isEnabled()
    d.endpoint_edit.setText("http://asr.example.cn/v1")  # unencrypted over a public name: refused
    assert "https" in d.check_asr()
    d.endpoint_edit.setText("https://asr.example.cn/v1")
    d.remote_model_edit.setText("large-v3")
    d.token_edit.setText("s3cret")
    assert d.check_asr() == ""
    assert saved_tokens == ["s3cret"] and d.token_edit.text() == ""
    s = d.settings()
    assert (s.asr_engine, s.asr_endpoint, s.asr_remote_model) == ("remote", "https://asr.example.cn/v1", "large-v3")
    assert "s3cret" not in repr(s)
