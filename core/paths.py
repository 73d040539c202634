"""Where Sanhui keeps its data. SANHUI_HOME overrides the platform default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sanhui"


def data_dir() -> Path:
    override = os.environ.get("SANHUI_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "sanhui.db"


def recordings_dir() -> Path:
    path = data_dir() / "recordings"
    path.mkdir(parents=True, exist_ok=True)
    return path
