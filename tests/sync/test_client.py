"""The HTTP client against the reference platform: every answer of the contract, and the safety rules."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest

from app.sync.canonical import canonical_json, seal
from app.sync.client import (
    AuthError,
    ConfigError,
    ConflictError,
    PlatformClient,
    RejectedError,
    TransientError,
    check_url,
    get_token,
    parse_review,
)
from tests.sync.conftest import READ_ONLY_TOKEN, TOKEN
from tests.sync.platform_server import Faults, PlatformServer


def body(mid="m0001", version=1, **extra):
    b = {
        "schema": "sanhui.result/1",
        "id": mid,
        "meeting": {"type": "支部委员会", "title": "支委会", "branch": "一支部", "date": "2026-10-12"},
        "segments": [{"start": 0.0, "end": 1.5, "speaker": "张三", "text": "同意。"}],
        "minutes": {"agenda": ["议题"]},
        "version": version,
        "finalized_at": "2026-10-12T10:00:00+08:00",
        "prev_sha256": "0" * 64,
        **extra,
    }
    return seal(b)


def post(client, b, key=None):
    return client.post_meeting(canonical_json(b), key or str(uuid.uuid4()))


def test_check_url_allows_https_anywhere_and_http_only_to_loopback():
    assert check_url("https://dj.example.com/platform/") == "https://dj.example.com/platform"
    assert check_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert check_url("http://localhost:9") and check_url("http://[::1]:9")
    for bad, words in [
        ("http://dj.example.com", "只允许 https"),
        ("http://10.0.0.5", "只允许 https"),
        ("ftp://dj.example.com", "无效"),
        ("", "尚未设置"),
        ("https://user:pw@dj.example.com", "用户名"),
    ]:
        with pytest.raises(ConfigError, match=words):
            check_url(bad)


def test_post_is_idempotent_per_key(server):
    client = PlatformClient(server.url, TOKEN, timeout=5)
    b, key = body(), str(uuid.uuid4())
    first = post(client, b, key)
    assert first == {"id": "m0001", "received_sha256": b["content_sha256"]}
    assert post(client, b, key) == first  # the same key again: same answer
    assert len(server.state.received) == 1
    assert [entry[2] for entry in server.state.log] == [201, 200]


def test_an_older_or_equal_version_is_a_conflict(server):
    client = PlatformClient(server.url, TOKEN, timeout=5)
    post(client, body(version=2))
    for version in (1, 2):
        with pytest.raises(ConflictError, match="409"):
            post(client, body(version=version))
    post(client, body(version=3))
    assert [s.body["version"] for s in server.state.received] == [2, 3]


def test_bad_and_read_only_tokens_are_auth_errors_in_chinese(server):
    with pytest.raises(AuthError, match="拒绝了访问令牌（HTTP 401）"):
        post(PlatformClient(server.url, "wrong", timeout=5), body())
    with pytest.raises(AuthError, match="HTTP 403"):
        post(PlatformClient(server.url, READ_ONLY_TOKEN, timeout=5), body())
    assert server.state.received == []


def test_field_errors_come_back_as_a_rejection_naming_the_fields(server):
    client = PlatformClient(server.url, TOKEN, timeout=5)
    b = body()
    b["meeting"]["date"] = "2026年10月12日"  # changed after sealing: two field errors
    with pytest.raises(RejectedError, match="422") as info:
        post(client, b)
    assert "meeting.date" in str(info.value) and "content_sha256" in str(info.value)
    with pytest.raises(RejectedError, match="Idempotency-Key"):
        client.post_meeting(canonical_json(body()), "not-a-uuid")
    key = str(uuid.uuid4())
    post(client, body(), key)
    with pytest.raises(RejectedError, match="Idempotency-Key"):  # the same key for different content
        post(client, body(version=5), key)


def test_documents_are_put_with_their_sha256_and_the_review_comes_back(server):
    client = PlatformClient(server.url, TOKEN, timeout=5)
    pid = post(client, body())["id"]
    data = "纪要".encode() * 100
    import hashlib

    with pytest.raises(RejectedError, match="Content-SHA256"):
        client.put_file(pid, "minutes.docx", data, "0" * 64)
    client.put_file(pid, "minutes.docx", data, hashlib.sha256(data).hexdigest())
    answer = client.get_meeting(pid)
    assert answer["files"]["minutes.docx"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert answer["record"]["content_sha256"] == body()["content_sha256"]
    assert parse_review(answer) == ("待审核", "")
    server.set_review(pid, "已退回", "缺少参会人员签到表")
    assert parse_review(client.get_meeting(pid)) == ("已退回", "缺少参会人员签到表")
    with pytest.raises(RejectedError, match="404"):
        client.get_meeting("no-such-meeting")


def test_parse_review_accepts_flat_and_english_forms():
    assert parse_review({"review_status": "approved"}) == ("已通过", "")
    assert parse_review({"status": "已退回", "reason": "日期有误"}) == ("已退回", "日期有误")
    assert parse_review({"review": "待审核"}) == ("待审核", "")


def test_platform_down_is_transient_and_said_in_chinese():
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransientError, match="连接被拒绝"):
        post(PlatformClient(f"http://127.0.0.1:{port}", TOKEN, timeout=2), body())


def test_every_request_has_a_timeout():
    srv = PlatformServer(tokens={TOKEN: "write"}, faults=Faults(timeout=1.0, delay=1.0)).start()
    try:
        with pytest.raises(TransientError, match="超时"):
            post(PlatformClient(srv.url, TOKEN, timeout=0.2), body())
    finally:
        srv.stop()


def test_5xx_and_cut_connections_are_transient():
    for faults in (Faults(error500=1.0), Faults(reset=1.0), Faults(drop=1.0)):
        srv = PlatformServer(tokens={TOKEN: "write"}, faults=faults).start()
        try:
            with pytest.raises(TransientError):
                post(PlatformClient(srv.url, TOKEN, timeout=2), body())
        finally:
            srv.stop()


def test_the_token_is_never_in_messages_or_logs(server, caplog, monkeypatch):
    secret = "s3cret-token-value"
    monkeypatch.setenv("SANHUI_PLATFORM_TOKEN", secret)
    caplog.set_level(logging.DEBUG)
    client = PlatformClient(server.url, get_token(), timeout=5)
    with pytest.raises(AuthError) as info:
        post(client, body())
    assert secret not in str(info.value) and secret not in repr(client) and secret not in caplog.text


def test_a_token_that_cannot_travel_in_a_header_is_refused_without_echoing_it(server):
    with pytest.raises(ConfigError, match="无效字符") as info:
        PlatformClient(server.url, "abc令牌\r\nX-Evil: 1")
    assert "令牌\r" not in str(info.value) and "X-Evil" not in str(info.value)


def test_without_token_or_keyring_the_user_is_told_what_to_do(monkeypatch):
    monkeypatch.delenv("SANHUI_PLATFORM_TOKEN")
    with pytest.raises(ConfigError, match="SANHUI_PLATFORM_TOKEN"):
        get_token()
