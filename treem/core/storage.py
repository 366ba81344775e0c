"""Where attachments and generated reports are kept: a private directory that no URL leads to.

Attachments are about children and the families who care for them. They are never static or media files:
a file is sent only by a view that first checks that the signed-in user's scope covers the record it is
attached to (and then names it with `treem.core.filetypes.safe_filename`). So the storage is rooted at
settings.TREEM_PRIVATE_FILES_DIR, which must not lie under STATIC_ROOT or MEDIA_ROOT (whitenoise, or the
web server, would hand the files to anyone who guessed a name), and it generates no URL at all: `url()`
raises. (`FileSystemStorage(base_url=None)` is not enough: it falls back to MEDIA_URL.) Files are readable
by the server's own user only.

Models use the function itself as the storage (`FileField(storage=private_storage)`), so migrations name
the function, not a path.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage that refuses to make a URL for a file."""

    def url(self, name: str | None) -> str:
        raise ValueError(f"private files have no URL ({name}): send them through a view that checks scope")


def _is_within(path: Path, root: object) -> bool:
    if not root:  # MEDIA_ROOT is "" unless set: no directory
        return False
    base = Path(str(root)).resolve()
    return path == base or base in path.parents


def private_storage() -> PrivateStorage:
    """The storage for attachments, rooted at settings.TREEM_PRIVATE_FILES_DIR. Raises ImproperlyConfigured
    when that directory is, or is under, STATIC_ROOT or MEDIA_ROOT."""
    location = Path(settings.TREEM_PRIVATE_FILES_DIR).resolve()
    for setting in ("STATIC_ROOT", "MEDIA_ROOT"):
        if _is_within(location, getattr(settings, setting, None)):
            raise ImproperlyConfigured(
                f"TREEM_PRIVATE_FILES_DIR ({location}) must not be under {setting}: files there are public"
            )
    return PrivateStorage(
        location=location,
        base_url=None,
        file_permissions_mode=FILE_MODE,
        directory_permissions_mode=DIRECTORY_MODE,
    )
