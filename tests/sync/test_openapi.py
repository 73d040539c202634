"""docs/platform-api.yaml describes what the reference server and the client actually do."""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid

import pytest

from app.sync.canonical import canonical_json
from app.sync.client import PlatformClient, PlatformError
from tests.conftest import REPO
from tests.sync.conftest import READ_ONLY_TOKEN, TOKEN
from tests.sync.test_client import body

yaml = pytest.importorskip("yaml")
SPEC = REPO / "docs" / "platform-api.yaml"


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _operation(spec: dict, method: str, path: str) -> dict:
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not documented")


def test_spec_is_openapi_31_with_the_three_operations(spec):
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/api/v1/meetings", "/api/v1/meetings/{id}/files/{name}", "/api/v1/meetings/{id}"}
    post = spec["paths"]["/api/v1/meetings"]["post"]
    assert {p["name"] for p in post["parameters"]} == {"Idempotency-Key"}
    assert set(post["responses"]) >= {"200", "201", "401", "403", "409", "422"}
    record = spec["components"]["schemas"]["MeetingRecord"]
    assert set(record["required"]) >= {"version", "finalized_at", "prev_sha256", "content_sha256"}
    assert spec["components"]["schemas"]["Review"]["properties"]["status"]["enum"] == ["待审核", "已通过", "已退回"]


def test_every_answer_of_the_reference_server_is_documented(spec, server):
    good, read_only, bad = (PlatformClient(server.url, t, timeout=5) for t in (TOKEN, READ_ONLY_TOKEN, "nope"))
    key = str(uuid.uuid4())
    doc = "纪要".encode()
    calls = [
        lambda: good.post_meeting(canonical_json(body(version=2)), key),
        lambda: good.post_meeting(canonical_json(body(version=2)), key),
        lambda: good.post_meeting(canonical_json(body(version=1)), str(uuid.uuid4())),
        lambda: good.post_meeting(b"{}", str(uuid.uuid4())),
        lambda: bad.post_meeting(canonical_json(body()), str(uuid.uuid4())),
        lambda: read_only.post_meeting(canonical_json(body()), str(uuid.uuid4())),
        lambda: good.put_file("m0001", "minutes.docx", doc, hashlib.sha256(doc).hexdigest()),
        lambda: good.put_file("m0001", "minutes.docx", doc, hashlib.sha256(doc).hexdigest()),
        lambda: good.put_file("m0001", "report.docx", doc, "0" * 64),
        lambda: good.put_file("nothing", "report.docx", doc, hashlib.sha256(doc).hexdigest()),
        lambda: good.get_meeting("m0001"),
        lambda: read_only.get_meeting("m0001"),
        lambda: good.get_meeting("nothing"),
    ]
    for call in calls:
        with contextlib.suppress(PlatformError):
            call()
    seen = {(method, status) for method, _, status in server.state.log}
    assert {s for _, s in seen} >= {200, 201, 401, 403, 404, 409, 422}
    for method, path, status in server.state.log:
        assert str(status) in _operation(spec, method, path)["responses"], (method, path, status)
    answer = good.get_meeting("m0001")
    assert set(spec["components"]["schemas"]["StoredMeeting"]["required"]) <= set(answer)
