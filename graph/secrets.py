"""Secrets generated on first use and kept under ``var/``, readable only by their owner."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create(path: Path, make: int = 32) -> str:
    """Return the secret in ``path``, creating it (``make`` random bytes, URL-safe base64) with mode 0600."""
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(make)
    # O_EXCL: two processes starting at once must not both write a different secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
