"""The HTTP side of the platform contract (docs/platform-api.yaml), on the standard library only.

One connection per request, a timeout on every one, and the network policy of core.net_policy:
certificate verification always on (with an optional extra CA file for intranet platforms), plain
http only to loopback, no proxies, no redirects followed (the token must never travel to another host). Every failure becomes one of
the PlatformError classes below with a Chinese message; the token never appears in a message
or a log line.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from core import net_policy
from core.errors import SanhuiError
from core.tls import verified_context

log = logging.getLogger(__name__)

TOKEN_ENV = "SANHUI_PLATFORM_TOKEN"
KEYRING_SERVICE = "sanhui-platform"
KEYRING_USER = "token"
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REVIEW_STATES = ("待审核", "已通过", "已退回")
_REVIEW_ALIASES = {"pending": "待审核", "approved": "已通过", "returned": "已退回", "rejected": "已退回"}


class PlatformError(SanhuiError):
    """A sync step failed; str() is a Chinese sentence for the secretary."""


class TransientError(PlatformError):
    """Worth retrying later: platform down, network cut, timeout, 5xx, 429."""


class AuthError(PlatformError):
    """401/403: the token is wrong, expired or lacks the right. Retrying will not help."""


class ConfigError(PlatformError):
    """No URL or token, an unsafe URL, an unreadable CA file or a certificate that does not verify."""


class RejectedError(PlatformError):
    """The platform refused this record (422 and other 4xx); the others can still go."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class ConflictError(RejectedError):
    """409: the platform already holds a newer version of this meeting."""


# ------------------------------------------------------------------ settings, URL, token


def check_url(url: str) -> str:
    """Accept https anywhere and http only to this machine (core.net_policy); return the URL without a trailing slash."""
    url = (url or "").strip()
    if not url:
        raise ConfigError("尚未设置党建平台地址：请先运行 sanhui platform --url https://平台地址")
    net_policy.check_url(url, what="平台地址", error=ConfigError)
    return url.rstrip("/")


def ssl_context(ca_file: str | None = None) -> ssl.SSLContext:
    return verified_context(ca_file, ConfigError, "平台")


def get_token() -> str:
    """The token from SANHUI_PLATFORM_TOKEN, else from the OS keyring."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    try:
        import keyring

        token = keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or ""
    except Exception:  # no keyring backend on a headless machine, or a locked one
        log.info("keyring unavailable for the platform token")
        token = ""
    if not token:
        raise ConfigError(
            f"尚未设置平台访问令牌：请运行 sanhui platform --token 录入（保存在系统密钥环），"
            f"或在没有密钥环的系统上设置环境变量 {TOKEN_ENV}。"
        )
    return token


def set_token(token: str) -> None:
    """Store the token in the OS keyring; never in a file."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
    except Exception:
        raise ConfigError(
            f"本机没有可用的系统密钥环，无法保存令牌：请改用环境变量 {TOKEN_ENV} 提供令牌。"
        ) from None


# ------------------------------------------------------------------ HTTP


@dataclass
class Response:
    status: int
    data: Any  # parsed JSON, or None


def field_errors(data: Any) -> str:
    """Readable field errors from a 422 body: {"errors": [{"field", "message"}]} or FastAPI's {"detail": [...]}."""
    items = data.get("errors") or data.get("detail") if isinstance(data, dict) else None
    if isinstance(items, str):
        return items
    parts = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            field = item.get("field") or ".".join(str(x) for x in item.get("loc") or [])
            parts.append(f"{field}：{item.get('message') or item.get('msg') or ''}".strip("："))
        else:
            parts.append(str(item))
    return "；".join(parts)


def parse_review(data: Any) -> tuple[str, str]:
    """(status, reason) from a GET answer: {"review": {"status", "reason"}} or flat review_status/status."""
    if not isinstance(data, dict):
        return "", ""
    review = data.get("review")
    if isinstance(review, dict):
        status, reason = review.get("status"), review.get("reason")
    elif isinstance(review, str):
        status, reason = review, data.get("review_reason") or data.get("reason")
    else:
        status = data.get("review_status") or data.get("status")
        reason = data.get("review_reason") or data.get("reason")
    status = str(status or "")
    return _REVIEW_ALIASES.get(status.lower(), status), str(reason or "")


class PlatformClient:
    """POST a record, PUT its documents, GET its review status. Stateless between calls."""

    def __init__(self, base_url: str, token: str, *, ca_file: str | None = None, timeout: float = 20.0):
        self.base_url = check_url(base_url)
        self._parts = urlsplit(self.base_url)
        self._host = self._parts.hostname or ""
        self._port = self._parts.port
        self._prefix = self._parts.path.rstrip("/")
        self._context = ssl_context(ca_file) if self._parts.scheme == "https" else None
        self.timeout = timeout
        if not token:
            raise ConfigError("平台访问令牌为空。")
        if not all(33 <= ord(c) < 127 for c in token):  # an HTTP header carries visible ASCII only
            raise ConfigError("平台访问令牌含有空格、中文或其他无效字符，请检查后重新设置。")
        self._auth = net_policy.bearer(self._parts, token, error=ConfigError, what="党建平台")

    def __repr__(self) -> str:  # never the token
        return f"PlatformClient({self.base_url!r})"

    @property
    def where(self) -> str:
        return f"{self._host}:{self._port}" if self._port else self._host

    def _connection(self) -> http.client.HTTPConnection:
        return net_policy.connection(self._parts, timeout=self.timeout, error=ConfigError, what="党建平台",
                                     context=self._context)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Response:
        all_headers = {**self._auth, "Accept": "application/json", **(headers or {})}
        conn = self._connection()
        try:
            conn.request(method, self._prefix + path, body=body, headers=all_headers)
            resp = conn.getresponse()
            raw = resp.read(MAX_RESPONSE_BYTES + 1)
            status = resp.status
        except ssl.SSLCertVerificationError as exc:
            raise ConfigError(
                f"无法验证党建平台（{self.where}）的证书：{exc.verify_message or exc.reason}。"
                "如平台使用单位自建的证书，请用 sanhui platform --ca 指定根证书文件。"
            ) from None
        except ConnectionRefusedError:
            raise TransientError(
                f"无法连接党建平台（{self.where}）：连接被拒绝，平台可能未启动或地址有误。"
            ) from None
        except TimeoutError:
            raise TransientError(f"党建平台（{self.where}）在 {self.timeout:g} 秒内没有响应（超时）。") from None
        except socket.gaierror:
            raise TransientError(f"无法解析平台地址“{self._host}”：请检查网络连接和平台地址。") from None
        except ssl.SSLError as exc:
            raise TransientError(f"与党建平台（{self.where}）的加密连接失败：{exc.reason or exc}。") from None
        except (http.client.HTTPException, ConnectionError):
            raise TransientError(f"与党建平台（{self.where}）的连接中途断开。") from None
        except OSError as exc:
            raise TransientError(f"连接党建平台（{self.where}）时网络出错：{exc.strerror or exc}。") from None
        finally:
            conn.close()
        log.info("platform %s %s -> %s", method, path, status)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise TransientError("党建平台的回应过大，已放弃。")
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, ValueError):
            data = None
        return Response(status, data)

    def _check(self, resp: Response, what: str) -> Any:
        status = resp.status
        if 200 <= status < 300:
            return resp.data
        if status in (401, 403):
            raise AuthError(
                f"党建平台拒绝了访问令牌（HTTP {status}）：令牌无效、已过期或没有上报权限。"
                "请用 sanhui platform --token 重新设置令牌；待发送的记录都已保留。"
            )
        if status == 409:
            raise ConflictError(f"平台上已有该会议更新的版本，{what}未被接受（HTTP 409）。", status)
        if status in (408, 425, 429) or status >= 500:
            raise TransientError(f"党建平台暂时出错（HTTP {status}），稍后会自动重试。")
        detail = field_errors(resp.data)
        raise RejectedError(f"党建平台退回了{what}（HTTP {status}）" + (f"：{detail}" if detail else "。"), status)

    # ---------------------------------------------------------------- the contract

    def post_meeting(self, body: bytes, idempotency_key: str) -> dict[str, Any]:
        """POST /api/v1/meetings; returns {"id", "received_sha256"} (201 new, 200 already stored)."""
        resp = self.request(
            "POST",
            "/api/v1/meetings",
            body,
            {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key},
        )
        data = self._check(resp, "会议记录")
        if not isinstance(data, dict) or data.get("id") in (None, ""):
            raise TransientError("党建平台的回执不完整（缺少记录编号），稍后重试。")
        return data

    def put_file(self, platform_id: str, name: str, data: bytes, sha256: str) -> None:
        """PUT /api/v1/meetings/{id}/files/{name} with Content-SHA256."""
        resp = self.request(
            "PUT",
            f"/api/v1/meetings/{quote(str(platform_id), safe='')}/files/{quote(name, safe='')}",
            data,
            {"Content-Type": DOCX_TYPE, "Content-SHA256": sha256},
        )
        self._check(resp, f"文档“{name}”")

    def get_meeting(self, platform_id: str) -> dict[str, Any]:
        """GET /api/v1/meetings/{id}: the stored record and its review status."""
        resp = self.request("GET", f"/api/v1/meetings/{quote(str(platform_id), safe='')}")
        data = self._check(resp, "查询")
        return data if isinstance(data, dict) else {}
