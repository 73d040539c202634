"""A reference party-building platform implementing docs/platform-api.yaml, for tests only.

Runs on 127.0.0.1 (a free port) in a background thread. Besides the contract (idempotent POST,
409 for a version not newer than the stored one, 401/403, 422 with field errors, PUT of the
documents with Content-SHA256, GET with the review status) it can inject faults per request:
500s, connections reset before anything is read, timeouts (the answer comes too late), a
dropped response after the record was stored, a request held without an answer until the server
stops ("hang", for killing a client mid-request), a 422 refusal ("reject") and a receipt naming
a wrong hash ("badhash").
Faults are drawn from a seeded generator; `latency` slows every answer (two senders overlap).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import re
import socket
import ssl
import struct
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from app.sync.canonical import canonical_json, content_sha256, is_sha256_hex

FILE_NAMES = ("minutes.docx", "report.docx")
REVIEW_STATES = ("待审核", "已通过", "已退回")
MAX_BODY = 32 * 1024 * 1024
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Faults:
    """Probabilities per request of each fault; the rest are answered normally."""

    error500: float = 0.0
    reset: float = 0.0  # connection reset before the request is read
    timeout: float = 0.0  # the answer comes after `delay` seconds (the record is still stored)
    drop: float = 0.0  # the request is carried out, then the connection is cut without an answer
    delay: float = 0.5
    latency: float = 0.0  # every request waits this long before it is handled
    seed: int = 0
    script: list[str] = field(default_factory=list)  # faults for the first requests, in order ("ok" for none)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def draw(self) -> str:
        if self.script:
            return self.script.pop(0)
        x = self.rng.random()
        for name in ("error500", "reset", "timeout", "drop"):
            p = getattr(self, name)
            if x < p:
                return name
            x -= p
        return "ok"


@dataclass
class Stored:
    id: str
    body: dict[str, Any]
    received_at: str
    review: dict[str, str] = field(default_factory=lambda: {"status": "待审核", "reason": ""})
    files: dict[str, bytes] = field(default_factory=dict)


class PlatformState:
    """What the platform holds; every access goes through the lock."""

    def __init__(self, tokens: dict[str, str]):
        self.tokens = tokens  # token -> "write" | "read"
        self.lock = threading.Lock()
        self.meetings: dict[str, list[Stored]] = {}  # platform id -> versions in order received
        self.by_key: dict[str, tuple[str, dict[str, Any]]] = {}  # Idempotency-Key -> (content hash, answer)
        self.received: list[Stored] = []  # every record, in the order it was stored
        self.log: list[tuple[str, str, int | str]] = []  # (method, path, status or fault)
        self.created = threading.Condition(self.lock)
        self.inflight = 0  # requests being handled, guarded by the lock
        self.idle = threading.Condition(self.lock)
        self.posts: dict[str, int] = {}  # Idempotency-Key -> POSTs that arrived with it
        # In order: ("in", method, key, None) when a request arrives, ("out", method, key, outcome) when it is
        # answered; key is the Idempotency-Key of a POST, else the path. Shows work repeated after an answer.
        self.events: list[tuple[str, str, str, int | str | None]] = []
        self.logged = threading.Condition(self.lock)


def validate(body: Any) -> list[dict[str, str]]:
    """Field errors of a POST body (empty when valid)."""
    if not isinstance(body, dict):
        return [{"field": "body", "message": "应为 JSON 对象"}]
    errors = []

    def bad(name: str, message: str) -> None:
        errors.append({"field": name, "message": message})

    if body.get("schema") != "sanhui.result/1":
        bad("schema", "应为 sanhui.result/1")
    if not isinstance(body.get("id"), str) or not body.get("id"):
        bad("id", "缺少会议编号")
    meeting = body.get("meeting")
    if not isinstance(meeting, dict):
        bad("meeting", "应为对象")
    else:
        if not isinstance(meeting.get("type"), str) or not meeting.get("type"):
            bad("meeting.type", "缺少会议类型")
        if not isinstance(meeting.get("date"), str) or not _DATE.match(meeting.get("date") or ""):
            bad("meeting.date", "应为 YYYY-MM-DD")
    if not isinstance(body.get("segments"), list):
        bad("segments", "应为列表")
    if not isinstance(body.get("minutes"), dict):
        bad("minutes", "应为对象")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        bad("version", "应为从 1 开始的整数")
    try:
        dt.datetime.fromisoformat(str(body.get("finalized_at")))
    except ValueError:
        bad("finalized_at", "应为 ISO 8601 时间")
    # Hex digits are compared case-insensitively: the contract says "hex", not which case.
    if not is_sha256_hex(str(body.get("prev_sha256")).lower()):
        bad("prev_sha256", "应为 64 位十六进制 SHA-256")
    digest = str(body.get("content_sha256")).lower()
    if not is_sha256_hex(digest):
        bad("content_sha256", "应为 64 位十六进制 SHA-256")
    elif digest != content_sha256(body):
        bad("content_sha256", "与内容的规范 JSON 的 SHA-256 不符")
    return errors


class Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # headers and body go out in two writes; do not wait on delayed ACKs
    server: PlatformServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    # ---------------------------------------------------------------- plumbing

    def _answer(self, status: int, data: Any) -> None:
        payload = canonical_json(data)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _cut(self) -> None:
        """Reset the connection without an answer (RST, not a polite FIN)."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.wfile, self.rfile = io.BytesIO(), io.BytesIO()
        self.close_connection = True

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None
        if not 0 <= length <= MAX_BODY:
            return None
        return self.rfile.read(length)

    def _role(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        return self.server.state.tokens.get(auth[len("Bearer "):])

    def _handle(self, method: str) -> None:
        state = self.server.state
        with state.lock:
            state.inflight += 1
        try:
            self._handle_counted(method)
        finally:
            with state.lock:
                state.inflight -= 1
                state.idle.notify_all()

    def _log(self, method: str, outcome: int | str) -> None:
        state = self.server.state
        with state.lock:
            state.log.append((method, self.path, outcome))
            state.events.append(("out", method, getattr(self, "_key", self.path), outcome))
            state.logged.notify_all()

    def _handle_counted(self, method: str) -> None:
        state = self.server.state
        faults = self.server.faults
        key = self.headers.get("Idempotency-Key", "") if method == "POST" else self.path
        self._key = key
        with state.lock:
            state.events.append(("in", method, key, None))
            if method == "POST":
                state.posts[key] = state.posts.get(key, 0) + 1
        if faults and faults.latency:
            self.server.release.wait(faults.latency)
        fault = faults.draw() if faults else "ok"
        if fault == "hang":  # held until the server stops; never carried out
            self._body()
            self._log(method, "hang")
            self.server.release.wait(60)
            return self._cut()
        if fault == "reset":
            self._log(method, "reset")
            return self._cut()
        if fault == "reject":  # a refusal the client cannot fix by retrying
            self._body()
            self._log(method, 422)
            return self._answer(422, {"errors": [{"field": "注入", "message": "平台拒收（注入）"}]})
        if fault == "error500":
            self._body()
            self._log(method, 500)
            return self._answer(500, {"error": "内部错误（注入）"})
        if fault == "timeout":
            self.server.release.wait(self.server.faults.delay)
        status, data = self._dispatch(method, badhash=fault == "badhash")
        self._log(method, "drop" if fault == "drop" else status)
        if fault == "drop":
            return self._cut()
        try:
            self._answer(status, data)
        except OSError:  # the client gave up (timeout fault)
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    # ---------------------------------------------------------------- the contract

    def _dispatch(self, method: str, badhash: bool = False) -> tuple[int, Any]:
        raw = self._body() if method in ("POST", "PUT") else b""
        role = self._role()
        if role is None:
            return 401, {"error": "令牌无效"}
        path = self.path.split("?", 1)[0]
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:3] != ["api", "v1", "meetings"]:
            return 404, {"error": "没有这个地址"}
        if method == "POST" and len(parts) == 3:
            return (403, {"error": "令牌没有上报权限"}) if role != "write" else self._post(raw, badhash)
        if method == "PUT" and len(parts) == 6 and parts[4] == "files":
            return (403, {"error": "令牌没有上报权限"}) if role != "write" else self._put(parts[3], parts[5], raw)
        if method == "GET" and len(parts) == 4:
            return self._get(parts[3])
        return 405, {"error": "不支持的请求"}

    def _post(self, raw: bytes | None, badhash: bool = False) -> tuple[int, Any]:
        state = self.server.state
        key = self.headers.get("Idempotency-Key", "")
        try:
            uuid.UUID(key)
        except ValueError:
            return 422, {"errors": [{"field": "Idempotency-Key", "message": "缺少或不是 UUID"}]}
        try:
            body = json.loads((raw or b"").decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 422, {"errors": [{"field": "body", "message": "不是有效的 UTF-8 JSON"}]}
        errors = validate(body)
        with state.lock:
            if key in state.by_key:
                digest, answer = state.by_key[key]
                if isinstance(body, dict) and digest == str(body.get("content_sha256")).lower():
                    return 200, answer
                return 422, {"errors": [{"field": "Idempotency-Key", "message": "同一键对应了不同的内容"}]}
            if errors:
                return 422, {"errors": errors}
            pid = body["id"]
            versions = state.meetings.setdefault(pid, [])
            if versions and body["version"] <= versions[-1].body["version"]:
                return 409, {"error": "平台已有该会议相同或更新的版本", "stored_version": versions[-1].body["version"]}
            stored = Stored(pid, body, dt.datetime.now().isoformat())
            versions.append(stored)
            state.received.append(stored)
            # badhash: a platform (or a proxy re-encoding the body) that stored something else than was sent
            answer = {"id": pid, "received_sha256": content_sha256({**body, "garbled": True}) if badhash
                      else content_sha256(body)}
            state.by_key[key] = (body["content_sha256"].lower(), answer)
            state.created.notify_all()
        return 201, answer

    def _put(self, pid: str, name: str, raw: bytes | None) -> tuple[int, Any]:
        state = self.server.state
        if name not in FILE_NAMES:
            return 404, {"error": f"不接受文件 {name}"}
        digest = (self.headers.get("Content-SHA256") or "").lower()
        if raw is None:
            return 422, {"errors": [{"field": "Content-Length", "message": "缺少或无效"}]}
        if not is_sha256_hex(digest):
            return 422, {"errors": [{"field": "Content-SHA256", "message": "缺少或不是 64 位十六进制"}]}

        if hashlib.sha256(raw).hexdigest() != digest:
            return 422, {"errors": [{"field": "Content-SHA256", "message": "与收到的内容不符"}]}
        with state.lock:
            versions = state.meetings.get(pid)
            if not versions:
                return 404, {"error": "没有这个会议"}
            files = versions[-1].files
            status = 200 if name in files else 201
            files[name] = raw
        return status, {"name": name, "sha256": digest, "size": len(raw)}

    def _get(self, pid: str) -> tuple[int, Any]:
        state = self.server.state
        with state.lock:
            versions = state.meetings.get(pid)
            if not versions:
                return 404, {"error": "没有这个会议"}
            s = versions[-1]

            return 200, {
                "id": s.id,
                "version": s.body["version"],
                "content_sha256": s.body["content_sha256"],
                "received_at": s.received_at,
                "record": s.body,
                "review": dict(s.review),
                "files": {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in s.files.items()},
            }


class PlatformServer(ThreadingHTTPServer):
    """Start with .start(); .url is the base URL; .state holds what was received."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        tokens: dict[str, str] | None = None,
        faults: Faults | None = None,
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ):
        super().__init__(("127.0.0.1", port), Handler)
        self.tls = tls
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.state = PlatformState(tokens if tokens is not None else {"good-token": "write"})
        self.faults = faults
        self.release = threading.Event()  # ends injected delays at shutdown
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:  # cut connections are expected
        pass

    def start(self) -> PlatformServer:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(5)

    # ---------------------------------------------------------------- for assertions

    def set_review(self, pid: str, status: str, reason: str = "") -> None:
        assert status in REVIEW_STATES
        with self.state.lock:
            self.state.meetings[pid][-1].review = {"status": status, "reason": reason}

    def forget(self, pid: str) -> None:
        """The platform administrator removes a meeting's stored versions (the idempotency cache stays)."""
        with self.state.lock:
            versions = self.state.meetings.pop(pid, [])
            self.state.received = [s for s in self.state.received if s not in versions]

    def wait_log(self, predicate, timeout: float) -> bool:
        """Wait until predicate(log) holds (a request arrived, was answered or is hanging)."""
        with self.state.logged:
            return self.state.logged.wait_for(lambda: predicate(list(self.state.log)), timeout)

    def settle(self, timeout: float = 10.0) -> bool:
        """End injected delays and wait until no request is being handled (a late answer would skew counts)."""
        self.release.set()
        with self.state.idle:
            return self.state.idle.wait_for(lambda: self.state.inflight == 0, timeout)

    def wait_created(self, count: int, timeout: float) -> bool:
        with self.state.created:
            return self.state.created.wait_for(lambda: len(self.state.received) >= count, timeout)

    def chain_breaks(self) -> list[str]:
        """Check each branch's records, in the order received, link by prev_sha256."""
        heads: dict[str, str] = {}
        breaks = []
        with self.state.lock:
            for s in self.state.received:
                branch = s.body["meeting"].get("branch", "")
                if s.body["prev_sha256"] != heads.get(branch, "0" * 64):
                    breaks.append(f"{s.id} v{s.body['version']}")
                heads[branch] = s.body["content_sha256"]
        return breaks
