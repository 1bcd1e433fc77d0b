"""What a portfolio upload really is: decided by its first bytes, not by its name.

Allowed: photos (JPEG, PNG, WebP) and documents (PDF), at most 5 MB. The extension must
agree with the content, an image must open as an image (Pillow verifies it), and a PDF
must start with ``%PDF-``. Anything else is refused with one clear message.
"""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# content type -> (allowed extensions, test on the first bytes)
KINDS: dict[str, tuple[set[str], object]] = {
    "image/jpeg": ({".jpg", ".jpeg"}, lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/png": ({".png"}, lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/webp": ({".webp"}, lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    "application/pdf": ({".pdf"}, lambda head: head.startswith(b"%PDF-")),
}


def sniff(head: bytes) -> str | None:
    """The content type the bytes show, or None if none of the allowed kinds."""
    for content_type, (_exts, test) in KINDS.items():
        if test(head):
            return content_type
    return None


def check_upload(uploaded) -> str:
    """Validate an uploaded file; return its content type or raise ServiceError."""
    size = getattr(uploaded, "size", None) or 0
    if size <= 0:
        raise ServiceError(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise ServiceError(_("The file is larger than 5 MB."))
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff(head)
    ext = os.path.splitext(uploaded.name or "")[1].lower()
    if content_type is None or ext not in KINDS[content_type][0]:
        raise ServiceError(
            _(
                "This file is not what its name says, or not an allowed kind. "
                "Upload a photo (JPEG, PNG, WebP) or a PDF."
            )
        )
    if content_type.startswith("image/"):
        from PIL import Image

        try:
            with Image.open(uploaded) as image:
                image.verify()
        except Exception as exc:  # noqa: BLE001 - any decoding failure means not an image
            raise ServiceError(_("This photo cannot be read; it may be damaged.")) from exc
        finally:
            uploaded.seek(0)
    return content_type
