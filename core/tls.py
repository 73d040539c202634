"""The one way this app opens a verified TLS connection; core.net_policy uses it for every client (platform, recogniser, LLM)."""

from __future__ import annotations

import ssl


def verified_context(ca_file: str | None, error: type[Exception], what: str = "") -> ssl.SSLContext:
    """System trust store plus the unit's own CA when given; verification can never be switched off.
    An unreadable CA file raises `error` with a Chinese message naming `what` the certificate is for."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise error(f"无法读取{what}根证书文件“{ca_file}”：{getattr(exc, 'strerror', None) or exc}") from None
    return context
