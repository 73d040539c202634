"""The one network policy of every client: the platform sync, the remote recogniser, the LLM endpoint.

- https with certificate verification always on (system trust store plus the unit's own CA file);
- plain http only to this machine: 127.0.0.0/8, ::1 or the name localhost, and a name is accepted
  only when every address it resolves to is loopback (a hosts file may point localhost elsewhere);
- a bearer token is attached only here, and never to plain http that is not loopback;
- no proxies: connections are opened with http.client, which never reads HTTP(S)_PROXY or ALL_PROXY,
  so loopback traffic cannot be routed through a proxy and intranet hosts are reached directly;
- no redirects: http.client does not follow them, so a token never travels to a second host.
Every refusal raises the caller's error class with a Chinese sentence.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import SplitResult, urlsplit

from core.tls import verified_context

LOOPBACK_NAMES = ("localhost",)
HTTP_ONLY_HERE = "http 仅限本机 127.0.0.1、::1 或 localhost"


def is_loopback(host: str) -> bool:
    """True for a loopback address literal or the name localhost (its resolution is checked on connect)."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, what: str, error: type[Exception], protects: str = "党务数据") -> SplitResult:
    """The parts of an acceptable URL; raises `error` naming `what` (e.g. 平台地址) otherwise."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise error(f"{what}“{url}”无效：应以 https:// 开头。")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise error(f"{what}“{url}”不应包含用户名、密码、查询参数或锚点。")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise error(f"{what}“{url}”中的端口无效。") from None
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise error(f"{what}“{url}”未加密：为保护{protects}，只允许 https（{HTTP_ONLY_HERE}）。")
    return parts


def _check_resolves_to_loopback(host: str, port: int | None, error: type[Exception], what: str) -> None:
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port or 80, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # the connection attempt reports an unresolvable name in the caller's words
    addresses = {info[4][0] for info in infos}
    if not all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses):
        raise error(f"{what}的主机名“{host}”解析到了非本机地址（{'、'.join(sorted(addresses))}），"
                    f"未加密的 http 连接已拒绝。")


def connection(parts: SplitResult, *, timeout: float, error: type[Exception], what: str,
               context: ssl.SSLContext | None = None, ca_file: str | None = None) -> http.client.HTTPConnection:
    """A direct connection (never through a proxy) to a URL that passed check_url."""
    if parts.scheme == "https":
        context = context or verified_context(ca_file, error, what)
        return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context)
    if parts.scheme != "http" or not is_loopback(parts.hostname or ""):
        raise error(f"{what}未加密：为保护数据，只允许 https（{HTTP_ONLY_HERE}）。")
    _check_resolves_to_loopback(parts.hostname or "", parts.port, error, what)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def bearer(parts: SplitResult, token: str | None, *, error: type[Exception], what: str) -> dict[str, str]:
    """The Authorization header for token, or {} without one; refuses to put a token on unencrypted
    http that is not loopback (check_url already refuses such URLs: this is the last line)."""
    if not token:
        return {}
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        raise error(f"{what}未加密：访问令牌不会通过未加密的连接发送。")
    return {"Authorization": f"Bearer {token}"}
