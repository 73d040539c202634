"""core.net_policy, the one network policy of every client, and the platform client under it."""

from __future__ import annotations

import socket
import uuid

import pytest

from app.sync.canonical import canonical_json
from app.sync.client import ConfigError, PlatformClient
from core import net_policy
from tests.sync.conftest import TOKEN
from tests.sync.stand_ins import ProxyTrap
from tests.sync.test_client import body


class Refused(Exception):
    pass


def test_loopback_is_127_8_and_ipv6_one_and_the_name_localhost():
    for host in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "localhost."):
        assert net_policy.is_loopback(host), host
    for host in ("10.0.0.5", "192.168.1.1", "0.0.0.0", "::", "127.0.0.1.example.cn", "localhost.example.cn",
                 "example.cn", ""):
        assert not net_policy.is_loopback(host), host


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "http://172.16.0.1", "http://192.168.0.9", "http://dj.example.cn",
                                 "http://[fe80::1]:80"])
def test_plain_http_off_this_machine_is_refused_with_a_chinese_message(url):
    with pytest.raises(Refused, match="未加密：为保护党务数据，只允许 https（http 仅限本机"):
        net_policy.check_url(url, what="平台地址", error=Refused)


def test_a_token_is_never_put_on_plain_http_off_this_machine():
    from urllib.parse import urlsplit

    assert net_policy.bearer(urlsplit("https://dj.example.cn"), "t", error=Refused, what="平台") == {
        "Authorization": "Bearer t"}
    assert net_policy.bearer(urlsplit("http://127.0.0.1:9"), "t", error=Refused, what="平台")
    assert net_policy.bearer(urlsplit("http://10.0.0.5"), None, error=Refused, what="平台") == {}
    with pytest.raises(Refused, match="令牌不会通过未加密的连接发送"):
        net_policy.bearer(urlsplit("http://10.0.0.5"), "t", error=Refused, what="平台")


def test_the_name_localhost_must_resolve_to_loopback(server, monkeypatch):
    """A hosts file that points localhost at another machine does not get the token over plain http."""
    port = server.server_address[1]
    real = socket.getaddrinfo

    def elsewhere(host, *args, **kwargs):
        if host == "localhost":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        return real(host, *args, **kwargs)

    client = PlatformClient(f"http://localhost:{port}", TOKEN, timeout=5)
    assert client.post_meeting(canonical_json(body()), str(uuid.uuid4()))["id"] == "m0001"  # the real localhost
    monkeypatch.setattr(socket, "getaddrinfo", elsewhere)
    with pytest.raises(ConfigError, match="解析到了非本机地址"):
        client.post_meeting(canonical_json(body(version=2)), str(uuid.uuid4()))
    assert len(server.state.received) == 1


def test_the_platform_client_ignores_proxies(server, monkeypatch):
    with ProxyTrap() as trap:
        trap.install(monkeypatch)
        answer = PlatformClient(server.url, TOKEN, timeout=5).post_meeting(canonical_json(body()), str(uuid.uuid4()))
    assert answer["id"] == "m0001" and trap.connections == 0 and len(server.state.received) == 1


def test_plain_http_platform_off_this_machine_is_refused_before_any_connection():
    for url in ("http://10.0.0.5:8080", "http://dj.example.cn"):
        with pytest.raises(ConfigError, match="只允许 https"):
            PlatformClient(url, TOKEN)
