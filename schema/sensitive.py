"""How ID and phone numbers are kept (PIPL): a keyed hash, a masked form and ciphertext, never plain text.

- ``hash``: HMAC-SHA256 under a key of this deployment, for lookup and de-duplication. Without the key the
  hash cannot be reversed by trying all 18-digit numbers.
- ``masked``: for display, e.g. ``3707**********1234`` and ``138****5678``.
- ``cipher``: AES-256-GCM ciphertext for an audited reveal by those allowed.
- ``person_key``: the key of a person with an ID number, an HMAC of the ID hash under a third key, so that the
  key, which every caller and analyst sees, tells nothing about the hash (and a re-import finds the same key).

The key is passed in (:func:`graph.pii_key.sensitive_data` reads it from ``GRIDGRAPH_PII_KEY`` or from
``var/pii.key``, generated at first use). Hash, cipher and person keys use separate keys derived from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PERSON_KEY_PREFIX = "pid:"
LEGACY_PERSON_KEY_PREFIX = "id:"  # keys before migration 4: the prefix and the ID hash itself


@dataclass(frozen=True)
class Protected:
    """The three stored forms of one sensitive value."""

    hash: str
    masked: str
    cipher: str


def mask_id_number(number: str) -> str:
    """``370781198801021234`` → ``3707**********1234`` (first 4 and last 4 kept)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """``13812345678`` → ``138****5678``; other lengths keep the first 3 and last 4."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


class SensitiveData:
    """Hashes, masks, encrypts and decrypts ID and phone numbers with this deployment's key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) < 32:
            raise ValueError("the PII key must be at least 32 bytes")
        self._hash_key = hmac.new(master_key, b"gridgraph/hash", hashlib.sha256).digest()
        self._aead = AESGCM(hmac.new(master_key, b"gridgraph/cipher", hashlib.sha256).digest())
        self._nonces = _NoncePool()
        self._hash_base = hmac.new(self._hash_key, digestmod=hashlib.sha256)
        self._person_key_base = hmac.new(hmac.new(master_key, b"gridgraph/person-key", hashlib.sha256).digest(),
                                         digestmod=hashlib.sha256)

    def hash(self, kind: str, value: str) -> str:
        """Keyed hash of a normalised value; ``kind`` ('id', 'phone') keeps the two namespaces apart."""
        mac = self._hash_base.copy()  # the key's HMAC state, computed once
        mac.update(f"{kind}:{value}".encode())
        return mac.hexdigest()[:40]

    def person_key(self, id_hash: str) -> str:
        """The key of the person whose ID number hashes to ``id_hash`` (every person key is made here).

        Opaque: ``pid:`` and 128 bits of an HMAC of the hash under a key of its own, unrelated to the hash itself
        (the key cannot be turned back into the hash, nor the hash into the key, without the PII key); the same
        hash always gives the same key, so imports stay idempotent. ``pid:`` keeps them apart from the keys of
        persons without an ID number (``nid:``)."""
        mac = self._person_key_base.copy()
        mac.update(id_hash.encode())
        return PERSON_KEY_PREFIX + mac.hexdigest()[:32]

    def encrypt(self, value: str) -> str:
        nonce = self._nonces.take()
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, value.encode(), None)).decode()

    def decrypt(self, cipher: str) -> str:
        raw = base64.urlsafe_b64decode(cipher.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def protect_id(self, number: str) -> Protected:
        return Protected(self.hash("id", number), mask_id_number(number), self.encrypt(number))

    def protect_phone(self, number: str) -> Protected:
        return Protected(self.hash("phone", number), mask_phone(number), self.encrypt(number))


class _NoncePool:
    """Random 96-bit AES-GCM nonces, drawn from the OS a few thousand at a time (one system call each).

    As random as one ``os.urandom(12)`` per nonce; the pool is dropped in a forked child, which must not reuse
    its parent's nonces.
    """

    SIZE = 12
    COUNT = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._offset = 0
        self._pid = os.getpid()

    def take(self) -> bytes:
        with self._lock:
            if self._offset >= len(self._pool) or self._pid != os.getpid():
                self._pool, self._offset, self._pid = os.urandom(self.SIZE * self.COUNT), 0, os.getpid()
            nonce = self._pool[self._offset:self._offset + self.SIZE]
            self._offset += self.SIZE
            return nonce
