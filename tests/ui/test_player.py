"""Playback never pretends: with no speaker or headphones it says so instead of 'playing' silence."""

from __future__ import annotations

from app.ui.player import Player
from tests.conftest import SAMPLE_AUDIO


def test_no_output_device_is_said_not_played(qtbot, monkeypatch):
    from PySide6.QtMultimedia import QMediaDevices

    player = Player()
    assert player.available and player.load(SAMPLE_AUDIO)
    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    with qtbot.waitSignal(player.refused, timeout=2000) as said:
        player.play()
    assert "扬声器或耳机" in said.args[0]
    assert not player.is_playing()


def test_the_transcript_view_shows_why(qtbot, monkeypatch):
    from PySide6.QtMultimedia import QMediaDevices

    from app.ui.transcript import TranscriptView
    from tests.ui.conftest import make_result

    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_result(make_result())
    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    view.player.play()
    assert "扬声器或耳机" in view.status_label.text()
