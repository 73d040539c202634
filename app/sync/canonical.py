"""Canonical JSON and SHA-256 as the platform contract defines them (docs/platform-api.yaml).

content_sha256 = SHA-256 hex of the body without `content_sha256`, serialised with keys sorted,
UTF-8, no ASCII escaping and separators "," and ":". Both sides must produce the same bytes,
so this is the only place that serialises a record for hashing.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

ZERO_SHA256 = "0" * 64  # prev_sha256 of a branch's first record
HASH_FIELD = "content_sha256"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def canonical_json(value: Any) -> bytes:
    """The contract's canonical form. NaN/Infinity are not JSON, so they are refused, not written."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_sha256_hex(value: Any) -> bool:
    return isinstance(value, str) and bool(_HEX64.match(value))


def content_sha256(body: dict[str, Any]) -> str:
    """Hash of a record body, ignoring any content_sha256 it already carries."""
    return sha256_hex(canonical_json({k: v for k, v in body.items() if k != HASH_FIELD}))


def seal(body: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of body with its content_sha256 set."""
    sealed = {k: v for k, v in body.items() if k != HASH_FIELD}
    sealed[HASH_FIELD] = content_sha256(sealed)
    return sealed


def build_body(result: dict[str, Any], version: int, finalized_at: str, prev_sha256: str) -> dict[str, Any]:
    """The POST body: the result.json contract plus version, finalized_at, prev_sha256 and content_sha256.

    The result goes through one JSON round trip first so that what is hashed is exactly what a
    receiver parses (tuples become lists, and so on).
    """
    body = json.loads(canonical_json(result))
    body.update({"version": int(version), "finalized_at": finalized_at, "prev_sha256": prev_sha256})
    return seal(body)


def verify_body(body: dict[str, Any]) -> bool:
    return is_sha256_hex(body.get(HASH_FIELD)) and body[HASH_FIELD] == content_sha256(body)
