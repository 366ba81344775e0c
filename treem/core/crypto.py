"""Encryption at rest of sensitive text (children's names, case notes), and blind indexes to find it again.

Encryption: Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) through a MultiFernet over the keys in
settings.TREEM_ENCRYPTION_KEYS (env TREEM_ENCRYPTION_KEYS: comma-separated urlsafe-base64 Fernet keys,
newest first). New values are encrypted with the newest key; any listed key opens a value.

- Rotating keys: put a new key first and keep the old ones after it; `rotate(token)` re-encrypts a value
  under the newest key; once every stored value has been rotated, drop the old key.
- Deployed (DEBUG off and SECRET_KEY from the environment, settings.DEPLOYED) the keys must be set:
  `keys()` raises ImproperlyConfigured otherwise. In development and tests one stable local key is derived
  from SECRET_KEY with HKDF; it protects nothing (DEBUG's SECRET_KEY is public, and a process without
  SECRET_KEY has a throw-away one, so its values die with it): production must set real keys.
- A value that no key opens raises DecryptionError, never returns garbage.
- `EncryptedTextField` stores the token and gives the plain text back in Python; "" and NULL are stored as
  they are. The database cannot compare encrypted values (every encryption differs), so the field only
  allows `isnull` lookups; search with a blind index column. `dumpdata` writes the plain text.

Blind index: `blind_index(text, purpose=…)`, an HMAC-SHA256 (hex) of the normalised text (case folded,
without diacritics, đ → d, spaces collapsed), to find duplicates or search for equal names without
decrypting. Its key is derived with HKDF (the purpose as info, so indexes of different purposes never
match) from settings.TREEM_BLIND_INDEX_KEY (env TREEM_BLIND_INDEX_KEY, 32+ characters), kept apart from the
Fernet keys so that rotating those leaves every index valid. That key must not rotate casually: changing it
means recomputing every stored index from the decrypted values. Deployed, it must be set (ImproperlyConfigured
otherwise; SECRET_KEY is no fallback there, as it may be rotated for sessions); in development and tests it
is derived from SECRET_KEY. An index reveals which records share a normalised value: index only what
duplicate detection or exact search needs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Lookup, Transform

LOCAL_KEY_SALT = b"treem.core.crypto.local-fernet-key"
BLIND_INDEX_SALT = b"treem.core.crypto.blind-index"
BLIND_INDEX_KEY_MIN_LENGTH = 32


class DecryptionError(ValueError):
    """A stored value that none of the configured keys opens (a key missing from TREEM_ENCRYPTION_KEYS, or
    the value is damaged)."""


def _deployed() -> bool:
    return not settings.DEBUG and bool(getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", False))


def _hkdf(material: bytes, *, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material)


def keys() -> list[bytes]:
    """The Fernet keys, newest first: settings.TREEM_ENCRYPTION_KEYS, or in development and tests one key
    derived from SECRET_KEY. ImproperlyConfigured when deployed without keys or with a malformed key."""
    configured = settings.TREEM_ENCRYPTION_KEYS
    if isinstance(configured, str):
        configured = configured.split(",")
    found = [key.strip().encode("ascii") for key in configured if key.strip()]
    if not found:
        if _deployed():
            raise ImproperlyConfigured(
                "Set TREEM_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first) to serve treem."
            )
        local = _hkdf(settings.SECRET_KEY.encode(), salt=LOCAL_KEY_SALT, info=b"fernet")
        return [base64.urlsafe_b64encode(local)]
    for position, key in enumerate(found, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"TREEM_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes, urlsafe base64)."
            ) from None
    return found


@lru_cache(maxsize=8)
def _multi_fernet(key_list: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in key_list])


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(keys()))


def encrypt(text: str) -> str:
    """A Fernet token (ASCII) of the text under the newest key."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token; DecryptionError when no configured key opens it."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            "No key in TREEM_ENCRYPTION_KEYS opens this value (its key was removed, or the value is damaged)."
        ) from None


def rotate(token: str) -> str:
    """The same text re-encrypted under the newest key (its original timestamp kept)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            "No key in TREEM_ENCRYPTION_KEYS opens this value (its key was removed, or the value is damaged)."
        ) from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token, plain text in Python. "" and None are stored as they are. Only `isnull`
    lookups: equal texts have different tokens, so search through a blind index column instead."""

    description = "Encrypted text"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except DecryptionError as error:
            where = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
            where = where or type(self).__name__
            raise DecryptionError(f"{where}: {error}") from None

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        return None  # lower(), trim()… of a token mean nothing


def normalise(text: str) -> str:
    """The form a blind index hashes: case folded, diacritics removed, đ → d, runs of spaces as one space,
    no leading or trailing space ("  Nguyễn  Văn Đức " → "nguyen van duc")."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(bare.split())


def _blind_index_material() -> bytes:
    configured = settings.TREEM_BLIND_INDEX_KEY
    if configured:
        if len(configured) < BLIND_INDEX_KEY_MIN_LENGTH:
            raise ImproperlyConfigured(
                f"TREEM_BLIND_INDEX_KEY must be at least {BLIND_INDEX_KEY_MIN_LENGTH} random characters."
            )
        return configured.encode("utf-8")
    if _deployed():
        raise ImproperlyConfigured(
            "Set TREEM_BLIND_INDEX_KEY (32+ random characters, never rotated casually) to serve treem."
        )
    return settings.SECRET_KEY.encode("utf-8")


@lru_cache(maxsize=32)
def _blind_index_key(material: bytes, purpose: str) -> bytes:
    return _hkdf(material, salt=BLIND_INDEX_SALT, info=purpose.encode("utf-8"))


def blind_index(text: str, *, purpose: str) -> str:
    """HMAC-SHA256 (64 hex characters) of the normalised text under the key of `purpose` (e.g.
    "cases.child_name"); "" for a text that normalises to nothing, so empty values never match each other."""
    if not purpose:
        raise ValueError("blind_index needs a purpose")
    normalised = normalise(text)
    if not normalised:
        return ""
    key = _blind_index_key(_blind_index_material(), purpose)
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
