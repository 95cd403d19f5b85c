"""Uploaded files: size and type checked against what the bytes really are, served only through views.

Every app that takes attachments validates them here. The stored name is chosen by the server
(see each model's ``upload_to``); the uploader's name is kept only as a label for downloads.
Files live under MEDIA_ROOT, which is never served directly: a download is a view that checks
access first.
"""

import os
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: tuple[bytes, ...]  # the file must start with one of these; empty: text


_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ALLOWED_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",)),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".doc": FileType("application/msword", _OLE),
    ".xls": FileType("application/vnd.ms-excel", _OLE),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": FileType("text/plain; charset=utf-8", ()),
    ".zip": FileType("application/zip", _ZIP),
}


def max_upload_bytes() -> int:
    return settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    original_name: str
    extension: str
    content_type: str
    size: int


def _looks_like(upload, file_type: FileType) -> bool:
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if file_type.magic:
        return any(head.startswith(m) for m in file_type.magic)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 4096th byte is still text.
        return exc.start >= len(head) - 3
    return b"\x00" not in head


def check_upload(upload) -> CheckedUpload:
    """Refuse a file that is too large, of a type not on the list, or not what its name says."""
    stem, extension = os.path.splitext(os.path.basename(upload.name or ""))
    extension = extension.lower()
    # Shorten a long name from its stem, so the extension (the type) survives.
    name = stem[: 255 - len(extension)] + extension
    if upload.size > max_upload_bytes():
        raise forms.ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_bytes())},
        )
    if upload.size == 0:
        raise forms.ValidationError(_("The file is empty."), code="empty")
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise forms.ValidationError(
            _("Files of this type cannot be attached. Allowed: %(types)s."),
            code="type",
            params={"types": ", ".join(sorted(ALLOWED_TYPES))},
        )
    if not _looks_like(upload, file_type):
        raise forms.ValidationError(
            _("The file's content does not match its name (%(extension)s)."),
            code="content",
            params={"extension": extension},
        )
    return CheckedUpload(
        file=upload,
        original_name=name,
        extension=extension,
        content_type=file_type.content_type,
        size=upload.size,
    )


class AttachmentField(forms.FileField):
    """A file field whose cleaned value is a ``CheckedUpload``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, Office documents, images, text or ZIP."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(sorted(ALLOWED_TYPES)))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        return check_upload(upload)


def download_response(*, file, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download under its original name, never rendered inline."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Stricter than the pages' policy (django-csp leaves a header it finds): nothing runs, never framed.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    return response


def attachment_response(attachment) -> FileResponse:
    """Send a ``core.models.Attachment`` (a demand's, a meeting's, a report's file) as a download."""
    return download_response(
        file=attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
