"""HTTPS with a unit's own CA, and the `sanhui platform` settings command."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from app.cli import main
from app.sync.canonical import canonical_json
from app.sync.client import ConfigError, PlatformClient
from core.settings import load_settings
from tests.sync.conftest import TOKEN
from tests.sync.platform_server import PlatformServer
from tests.sync.stand_ins import intranet_pki, server_tls
from tests.sync.test_client import body


@pytest.fixture
def intranet_ca(tmp_path: Path) -> Path:
    """A private CA and a server certificate for 127.0.0.1 signed by it, as an intranet platform has."""
    pki = intranet_pki(tmp_path)
    if pki is None:
        pytest.skip("openssl is not installed")
    return pki


@pytest.fixture
def https_server(intranet_ca: Path):
    srv = PlatformServer(tokens={TOKEN: "write"}, tls=server_tls(intranet_ca)).start()
    yield srv
    srv.stop()


def test_https_with_the_units_ca_verifies_and_without_it_is_refused(https_server, intranet_ca):
    assert https_server.url.startswith("https://127.0.0.1:")
    client = PlatformClient(https_server.url, TOKEN, ca_file=str(intranet_ca / "ca.pem"), timeout=5)
    assert client.post_meeting(canonical_json(body()), str(uuid.uuid4()))["id"] == "m0001"
    with pytest.raises(ConfigError, match="无法验证党建平台.*的证书.*--ca"):
        PlatformClient(https_server.url, TOKEN, timeout=5).post_meeting(canonical_json(body()), str(uuid.uuid4()))
    assert len(https_server.state.received) == 1


def test_platform_command_saves_url_and_ca(intranet_ca, capsys, sanhui_home):
    assert main(["platform", "--url", "https://dj.example.com/api-root/", "--ca", str(intranet_ca / "ca.pem")]) == 0
    settings = load_settings()
    assert settings.platform_url == "https://dj.example.com/api-root"
    assert settings.platform_ca == str((intranet_ca / "ca.pem").resolve())
    assert TOKEN not in (sanhui_home / "settings.json").read_text()
    assert "dj.example.com" in capsys.readouterr().out


def test_platform_command_refuses_unsafe_settings(tmp_path, capsys):
    assert main(["platform", "--url", "http://dj.example.com"]) == 2
    assert "只允许 https" in capsys.readouterr().err
    (tmp_path / "not-a-cert.pem").write_text("hello")
    assert main(["platform", "--ca", str(tmp_path / "not-a-cert.pem")]) == 2
    assert "无法读取平台根证书文件" in capsys.readouterr().err
    assert load_settings().platform_url == "" and load_settings().platform_ca == ""


def test_token_without_a_keyring_points_to_the_environment_variable(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("new-token\n"))
    assert main(["platform", "--token"]) == 2
    assert "SANHUI_PLATFORM_TOKEN" in capsys.readouterr().err


def test_audit_command_lists_actions(capsys, store):
    from app.sync.ledger import finalize
    from tests.sync.conftest import make_meeting, tiny_docs

    finalize(store, make_meeting(store, 1), render=tiny_docs)
    assert main(["audit"]) == 0
    assert "finalize m0001 第1版" in capsys.readouterr().out
    assert json.loads(store.db.execute("SELECT body FROM records").fetchone()[0])["version"] == 1
