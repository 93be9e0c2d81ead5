"""Private files and downloads: where uploaded documents are kept, and how any file leaves the
portal (PDF, Excel, PowerPoint, attachments).

Uploaded documents live in the "attachments" storage (settings.STORAGES): a folder outside the
static and media folders, or a private S3 bucket (`helsefellesskap.s3`), without any URL.
Django's FileSystemStorage falls back to MEDIA_URL when it is given no base URL, and S3 hands out
signed links; the private storages refuse instead (`NoUrlMixin`). The only way to such a file
is a view derived from `PrivateFileDownloadView`, which checks who may read it first and reads
the file through the storage. Code reaches stored files only through the storage API (open,
save, delete, listdir), never through a local path, so both storages behave alike.
"""

import os
import re
import unicodedata

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View

# The document types an upload may have, with the content type it is served as.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class NoUrlMixin:
    """For a private storage: no file has an address of its own."""

    def url(self, name, *args, **kwargs):
        raise ValueError("Private files have no URL: serve them through PrivateFileDownloadView.")


class StorageUnavailable(OSError):
    """The storage did not answer (an S3 bucket out of reach): the file may well be there."""


class PrivateFileSystemStorage(NoUrlMixin, FileSystemStorage):
    pass


def private_storage():
    """The storage of uploaded documents (a callable, so that tests can point it elsewhere)."""
    return storages["attachments"]


def generated_name(folder: str, filename: str) -> str:
    """A stored name that reveals nothing of the user's own: "vedlegg/3/9f…e1.pdf"."""
    extension = os.path.splitext(filename)[1].lower()
    return f"{folder}/{os.urandom(12).hex()}{extension}"


_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def safe_filename(filename: str, *, default: str = "dokument") -> str:
    """An ASCII file name without paths or quotes: "Porteføljeplan 2024–2026.pdf" →
    "portefoljeplan-2024-2026.pdf"."""
    match = re.fullmatch(r"(.*)\.([A-Za-z0-9]{1,10})", filename, flags=re.DOTALL)
    stem, extension = (match[1], match[2].lower()) if match else (filename, "")
    text = unicodedata.normalize("NFKD", stem.translate(_NORWEGIAN_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    stem = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "replace").decode()).strip("-")
    stem = stem[:80].strip("-") or default
    return f"{stem}.{extension}" if extension else stem


def download_response(content: bytes, filename: str, content_type: str, *, inline=False):
    """Bytes made by the portal (a PDF, a workbook) as a file under a safe name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=safe_filename(filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file_response(document) -> FileResponse:
    """A stored upload (any model with `file` and `name`) as a download, after the caller has
    checked access; 404 when the file is missing. The content type follows the kept name,
    whose extension was checked on upload."""
    try:
        handle = document.file.open("rb")
    except StorageUnavailable:
        return storage_unavailable_response()
    except (OSError, ValueError):
        raise Http404("Filen til vedlegget mangler.") from None
    extension = os.path.splitext(document.name)[1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(document.name, default="vedlegg"),
        content_type=DOCUMENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response


def storage_unavailable_response() -> HttpResponse:
    response = HttpResponse(
        "Filen kan ikke hentes akkurat nå, fordi fillageret ikke svarer. Prøv igjen om litt.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "30"
    return response


class PrivateFileDownloadView(View):
    """The only way to a private file. A subclass says which document the request may read in
    `get_document` (raising 404 or 403 when it may not); this view then serves its file."""

    missing_message = "Filen finnes ikke i portalen."

    def get_document(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        document = self.get_document()
        if not document.file:
            raise Http404(self.missing_message)
        return stored_file_response(document)
