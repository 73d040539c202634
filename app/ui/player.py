"""Audio playback for the transcript: QMediaPlayer when Qt Multimedia is installed, else disabled."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

log = logging.getLogger(__name__)


class Player(QObject):
    """Seconds in, seconds out; hides milliseconds and the optional Qt Multimedia module."""

    position_changed = Signal(float)  # seconds
    duration_changed = Signal(float)
    playing_changed = Signal(bool)
    refused = Signal(str)  # why play() did not play, in Chinese

    def __init__(self, parent=None):
        super().__init__(parent)
        self.available = False
        self._player = None
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError as exc:  # PySide6-Addons or its system libraries missing
            log.warning("Qt Multimedia unavailable, playback disabled: %s", exc)
            return
        self._player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        self._player.setAudioOutput(self._output)
        self._player.positionChanged.connect(lambda ms: self.position_changed.emit(ms / 1000.0))
        self._player.durationChanged.connect(lambda ms: self.duration_changed.emit(ms / 1000.0))
        self._player.playbackStateChanged.connect(
            lambda state: self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)
        )
        self.available = True

    @property
    def media(self):
        return self._player

    def load(self, path: str | Path | None) -> bool:
        if not self.available:
            return False
        if not path or not Path(path).exists():
            self._player.setSource(QUrl())
            return False
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        return True

    def seek(self, seconds: float) -> None:
        if self.available:
            self._player.setPosition(int(round(seconds * 1000)))

    def position(self) -> float:
        return self._player.position() / 1000.0 if self.available else 0.0

    def duration(self) -> float:
        return self._player.duration() / 1000.0 if self.available else 0.0

    def is_playing(self) -> bool:
        if not self.available:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def no_output(self) -> str:
        """Why nothing could be heard here ("" when a speaker or headphones are there): without an output
        device QMediaPlayer still "plays", and the secretary would wait for sound that never comes."""
        from PySide6.QtMultimedia import QMediaDevices

        if not QMediaDevices.audioOutputs():
            return "没有找到扬声器或耳机（音频输出设备），无法播放录音；请接上音箱或耳机后再试。"
        return ""

    def play(self) -> None:
        if not self.available:
            return
        reason = self.no_output()
        if reason:
            self.refused.emit(reason)
            return
        self._player.play()

    def pause(self) -> None:
        if self.available:
            self._player.pause()

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def stop(self) -> None:
        if self.available:
            self._player.stop()
