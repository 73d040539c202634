"""Fixtures for the sync tests: a store, tiny synthetic meetings, the reference platform on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sync.client import TOKEN_ENV
from core.storage import Store
from core.types import Assessment, Meeting, Minutes, Result, Segment
from tests.sync.platform_server import Faults, PlatformServer

TOKEN = "good-token"
READ_ONLY_TOKEN = "read-only-token"


@pytest.fixture(autouse=True)
def no_os_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the developer's real keyring; the token comes from the environment."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)


@pytest.fixture
def store(sanhui_home: Path) -> Iterator[Store]:
    s = Store()  # the default path under SANHUI_HOME, shared with the CLI
    yield s
    s.close()


def make_meeting(store: Store, n: int, branch: str = "第一党支部", date: str = "2026-10-12", title: str = "") -> str:
    """A tiny processed meeting in the store; returns its id."""
    result = Result(
        meeting=Meeting(type="支部委员会", title=title or f"第{n}次支委会", branch=branch, date=date, roster=["张三", "李四"]),
        segments=[Segment(0.0, 2.5, f"第{n}项议题，同意。", "张三")],
        minutes=Minutes(agenda=[f"议题{n}"]),
        assessment=Assessment(),
        id=f"m{n:04d}",
    )
    return store.save_result(result)


def tiny_docs(result: Result, out_dir: Path) -> dict[str, Path]:
    """Small stand-ins for the Word files: the sync moves bytes and never reads them."""
    files = {}
    for name in ("minutes.docx", "report.docx"):
        path = out_dir / name
        path.write_bytes(f"{name} of {result.id}: {result.meeting.title}".encode())
        files[name] = path
    return files


@pytest.fixture
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(tokens={TOKEN: "write", READ_ONLY_TOKEN: "read"}).start()
    yield srv
    srv.stop()


@pytest.fixture
def faulty_server() -> Iterator[PlatformServer]:
    faults = Faults(error500=0.08, reset=0.06, timeout=0.01, drop=0.08, delay=0.3, seed=20261012)
    srv = PlatformServer(tokens={TOKEN: "write"}, faults=faults).start()
    yield srv
    srv.stop()


@pytest.fixture
def platform_settings(server: PlatformServer) -> PlatformServer:
    """Settings pointing at the reference server, as `sanhui platform --url` would write them."""
    from core.settings import load_settings, save_settings

    settings = load_settings()
    settings.platform_url = server.url
    save_settings(settings)
    return server
