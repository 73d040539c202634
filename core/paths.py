"""Where Sanhui keeps its data. SANHUI_HOME overrides the platform default.

Transcripts of party meetings and members' voiceprints are personal data: the data folder is 0700
and every file the app writes there or exports is 0600 (private_files() at start sets the umask;
private_dir/private_file tighten what already exists). On Windows the user profile's ACLs apply.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "sanhui"


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_files() -> None:
    """Process-wide: files and folders this process creates are readable by the user only."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create path (and parents) if needed, and make it the user's own."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    if path.exists():
        _tighten(path, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    if os.name == "posix" and path.stat().st_mode & 0o777 & ~mode:
        with contextlib.suppress(PermissionError):  # not ours (a shared folder the user picked): leave it
            os.chmod(path, mode)


def data_dir() -> Path:
    override = os.environ.get("SANHUI_HOME")
    return private_dir(Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def models_dir() -> Path:
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "sanhui.db"


def recordings_dir() -> Path:
    return private_dir(data_dir() / "recordings")
