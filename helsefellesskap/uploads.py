"""Checking and storing uploaded documents (PDF, Word, Excel, PowerPoint), for any model with
`name`, `file` and `size` (a meeting item's attachment, a grant application's).

An upload is refused, with a message that says why, when it is too large, of a type not
allowed, has a name with a folder or control characters in it, or when its first bytes do not
match its type (an executable renamed to .pdf). Nothing is written before every check passed.

The file is stored under a generated name (`files.generated_name`) in the private storage, which
has no URL. The user's file name is kept in the row's `name`, for the page and the download.
"""

import os
import unicodedata
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from .files import DOCUMENT_TYPES
from .forms import NorwegianForm

NAME_MAX_LENGTH = 200
DEFAULT_MAX_SIZE = 20 * 1024 * 1024

# What a file of each type starts with.
PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"  # Office Open XML (.docx, .xlsx, .pptx) is a zip file
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the older .doc, .xls, .ppt
MAGIC = {
    ".pdf": PDF_MAGIC,
    ".doc": OLE_MAGIC,
    ".xls": OLE_MAGIC,
    ".ppt": OLE_MAGIC,
    ".docx": ZIP_MAGIC,
    ".xlsx": ZIP_MAGIC,
    ".pptx": ZIP_MAGIC,
}
# The folder inside an Office Open XML file that holds the document itself.
OOXML_FOLDER = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
TYPE_NAMES = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ppt": "PowerPoint",
    ".pptx": "PowerPoint",
}


def max_size() -> int:
    # Read at call time, so that a test (or a later setting) can lower the limit.
    return getattr(settings, "PORTAL_UPLOAD_MAX_SIZE", DEFAULT_MAX_SIZE)


def allowed_types_text() -> str:
    """ ".pdf, .doc, .docx, … og .pptx" for messages and help texts."""
    extensions = list(DOCUMENT_TYPES)
    return f"{', '.join(extensions[:-1])} og {extensions[-1]}"


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def check_name(name: str) -> str:
    """The name stripped of surrounding spaces; refused if it holds a folder, a control
    character or is too long."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Filen mangler navn.", code="no_name")
    if "/" in name or "\\" in name or ".." in name:
        raise ValidationError(
            "Filnavnet kan ikke inneholde mappe eller sti (/, \\ eller ..). "
            "Gi filen et vanlig navn, for eksempel «Saksframlegg.pdf».",
            code="path_in_name",
        )
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise ValidationError(
            "Filnavnet inneholder usynlige kontrolltegn. Gi filen nytt navn og prøv igjen.",
            code="control_characters",
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            f"Filnavnet kan være høyst {NAME_MAX_LENGTH} tegn; dette har {len(name)}.",
            code="name_too_long",
        )
    return name


def check_extension(name: str) -> str:
    extension = extension_of(name)
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            f"Filtypen {extension or '(ingen)'} er ikke tillatt. Tillatte filtyper er "
            f"{allowed_types_text()} (PDF, Word, Excel og PowerPoint).",
            code="extension",
        )
    return extension


def check_size(size: int) -> None:
    limit = max_size()
    if size > limit:
        raise ValidationError(
            f"Filen er for stor ({filesizeformat(size)}). Vedlegg kan være høyst "
            f"{filesizeformat(limit)}.",
            code="too_large",
        )
    if size == 0:
        raise ValidationError("Filen er tom.", code="empty")


def check_content(uploaded_file, extension: str) -> None:
    """The file's first bytes must match its type: a renamed program is refused."""
    uploaded_file.seek(0)
    head = uploaded_file.read(len(MAGIC[extension]))
    uploaded_file.seek(0)
    valid = head == MAGIC[extension]
    if valid and extension in OOXML_FOLDER:
        valid = _is_office_open_xml(uploaded_file, OOXML_FOLDER[extension])
    if not valid:
        raise ValidationError(
            f"Innholdet i filen er ikke en {TYPE_NAMES[extension]}-fil, selv om navnet slutter "
            f"på {extension}. Lagre dokumentet på nytt i riktig format og last det opp igjen.",
            code="content",
        )


def _is_office_open_xml(uploaded_file, folder: str) -> bool:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded_file.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _kept_name(uploaded_file, name: str) -> str:
    """`name` if one was typed (with the file's extension added when it lacks it: the
    download's content type comes from the name), else the file's own name."""
    file_name = check_name(uploaded_file.name)
    extension = check_extension(file_name)
    if not (name and name.strip()):
        return file_name
    kept_name = name.strip()
    if extension_of(kept_name) != extension:
        kept_name += extension
    return check_name(kept_name)


def validate_upload(uploaded_file, name: str = "") -> str:
    """Checks an uploaded file and returns the name to keep (see `_kept_name`).

    Raises ValidationError with every problem found; the content is read only when the name,
    type and size are acceptable.
    """
    errors = []
    kept_name = ""
    try:
        kept_name = _kept_name(uploaded_file, name)
    except ValidationError as error:
        errors.append(error)
    try:
        check_size(uploaded_file.size)
    except ValidationError as error:
        errors.append(error)
    if not errors:
        try:
            check_content(uploaded_file, extension_of(kept_name))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return kept_name


def save_new(document, uploaded_file):
    """Saves a checked upload with its new, unsaved row (of any model with `name`, `file` and
    `size`). If the row cannot be saved, the stored file is removed again, so nothing is left
    behind."""
    uploaded_file.seek(0)
    # The stored name is generated by the field's upload_to.
    document.file.save(document.name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def remove(document) -> None:
    """Deletes the document's row, and its file once the deletion is committed."""
    storage, file_name = document.file.storage, document.file.name
    with transaction.atomic():
        document.delete()
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))


class UploadForm(NorwegianForm):
    """An uploaded document: the file, and optionally the name to show instead of the file's
    own. Valid only when every check above passes; `kept_name` is then the name to store."""

    file = forms.FileField(
        label="Fil",
        widget=forms.FileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
    )
    name = forms.CharField(
        label="Navn på vedlegget",
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text="Valgfritt. Tomt: filens eget navn.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"PDF, Word, Excel eller PowerPoint ({allowed_types_text()}), "
            f"høyst {filesizeformat(max_size())}."
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        return check_name(name) if name else ""

    def clean(self):
        cleaned_data = super().clean()
        uploaded = cleaned_data.get("file")
        if uploaded and "name" in cleaned_data:
            try:
                cleaned_data["kept_name"] = validate_upload(uploaded, cleaned_data["name"])
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned_data
