"""This deployment's PII key, read from the settings, and the :class:`SensitiveData` that uses it."""

from __future__ import annotations

import base64

from graph.secrets import read_or_create
from graph.settings import Settings
from schema.sensitive import SensitiveData


def sensitive_data(settings: Settings) -> SensitiveData:
    """The key from GRIDGRAPH_PII_KEY, or from ``var/pii.key`` (generated on first use)."""
    if settings.pii_key is not None:
        text = settings.pii_key.reveal()
    else:
        text = read_or_create(settings.var_dir / "pii.key", make=32)
    return SensitiveData(decode_key(text))


def decode_key(text: str) -> bytes:
    """The key's bytes from its URL-safe base64 text (padding optional); at least 32 of them."""
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    try:
        key = base64.urlsafe_b64decode(padded)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise ValueError(
            "GRIDGRAPH_PII_KEY must be base64 of at least 32 random bytes, e.g. the output of "
            "`python -c \"import secrets; print(secrets.token_urlsafe(32))\"`"
        )
    return key
