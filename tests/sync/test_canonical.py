"""The contract's canonical JSON and content_sha256, checked against independently written bytes."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.sync.canonical import ZERO_SHA256, build_body, canonical_json, content_sha256, seal, verify_body


def test_canonical_json_is_sorted_compact_utf8_without_ascii_escapes():
    value = {"b": [1, 2.5, None, True], "a": "第一党支部", "c": {"z": "\n", "y": "引号\""}}
    expected = '{"a":"第一党支部","b":[1,2.5,null,true],"c":{"y":"引号\\"","z":"\\n"}}'.encode()
    assert canonical_json(value) == expected


def test_content_sha256_is_the_hash_of_the_body_without_itself():
    body = {"id": "m1", "version": 1, "meeting": {"branch": "一支部"}, "content_sha256": "f" * 64}
    written_by_hand = '{"id":"m1","meeting":{"branch":"一支部"},"version":1}'.encode()
    assert content_sha256(body) == hashlib.sha256(written_by_hand).hexdigest()


def test_seal_and_verify_detect_any_change():
    body = seal({"id": "m1", "text": "同意"})
    assert verify_body(body)
    assert verify_body(json.loads(json.dumps(body, indent=2, ensure_ascii=True)))  # formatting is irrelevant
    body["text"] = "不同意"
    assert not verify_body(body)


def test_build_body_adds_the_contract_fields():
    body = build_body({"schema": "sanhui.result/1", "id": "m1", "pair": (1, 2)}, 3, "2026-10-12T09:00:00+08:00", ZERO_SHA256)
    assert body["version"] == 3 and body["prev_sha256"] == "0" * 64
    assert body["finalized_at"] == "2026-10-12T09:00:00+08:00"
    assert body["pair"] == [1, 2]  # hashed as a receiver parses it
    assert verify_body(body)


def test_nan_is_refused_rather_than_written_as_invalid_json():
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
