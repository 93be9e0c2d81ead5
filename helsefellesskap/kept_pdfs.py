"""PDFs kept once made: a document that is read far more often than it changes (a meeting's
minutes) is laid out once and served from the private storage afterwards.

    pdf = kept_pdf(key="meetings:minutes:12", template_name=..., context=..., request=request)

A kept PDF is stored with the fingerprint of what it was laid out from: the document's HTML
(the template rendered with today's data, which costs milliseconds), the shared print
stylesheet and the versions of the libraries that lay it out. Every request renders the HTML
again and compares: the same fingerprint serves the stored file, any difference (a correction,
a renamed person, a new template) lays the PDF out anew and replaces the stored one. So a kept
PDF can never show older data than the page; nothing has to remember to invalidate it.

The file lives in the private storage like attachments (never under a URL: the caller checks
who may read the document) and in backups with them. A file that cannot be read (deleted, a
storage out of reach) is made again; one that cannot be stored is served all the same.
"""

import functools
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .files import generated_name, private_storage
from .pdf import PDF_VARIANT, PRINT_STYLESHEET, PortalURLFetcher, layout_pdf
from .pdf_speedups import installed_versions

logger = logging.getLogger(__name__)

FOLDER = "lagrede-pdf"


class KeptPdf(models.Model):
    key = models.CharField("dokument", max_length=200, unique=True)
    fingerprint = models.CharField("fingeravtrykk", max_length=64)
    file = models.FileField("fil", upload_to=FOLDER, storage=private_storage)
    made_at = models.DateTimeField("laget", default=timezone.now)

    class Meta:
        verbose_name = "lagret PDF"
        verbose_name_plural = "lagrede PDF-er"

    def __str__(self):
        return self.key


def kept_pdf(*, key: str, template_name: str, context: dict, request=None) -> bytes:
    """The document `key` as a PDF: the stored one if it was laid out from the same HTML,
    else laid out now and stored in place of the old one."""
    html = render_to_string(template_name, context, request=request)
    fingerprint = pdf_fingerprint(html)
    kept = KeptPdf.objects.filter(key=key).first()
    if kept is not None and kept.fingerprint == fingerprint:
        try:
            with kept.file.open("rb") as stored:
                return stored.read()
        except (OSError, ValueError):
            logger.warning("Lagret PDF %s kunne ikke leses; den lages på nytt.", key)
    pdf = layout_pdf(html, request=request)
    _keep(key, fingerprint, pdf)
    return pdf


def forget_pdf(key: str) -> None:
    """Deletes the stored PDF of `key`, if any (its file once the caller's transaction is
    committed): the document is gone, or the next request lays it out anew."""
    for kept in KeptPdf.objects.filter(key=key):
        kept.delete()
        transaction.on_commit(lambda name=kept.file.name: _delete_file(name))


def pdf_fingerprint(html: str) -> str:
    """What a PDF laid out from `html` depends on, as a SHA-256 in hex."""
    digest = hashlib.sha256(_layout_inputs())
    digest.update(html.encode())
    return digest.hexdigest()


@functools.cache
def _layout_inputs() -> bytes:
    # The stylesheet and the libraries change only with a deployment, which restarts the
    # process: read once.
    stylesheet = PortalURLFetcher.find(PRINT_STYLESHEET)
    versions = sorted(installed_versions().items())
    return repr((PDF_VARIANT, versions)).encode() + stylesheet.read_bytes()


def _keep(key: str, fingerprint: str, pdf: bytes) -> None:
    """Stores `pdf` as the kept PDF of `key`; the file it replaces is deleted once the new
    one is recorded. Two requests keeping the same document at once both succeed: the last
    one's file stays, the other's is deleted."""
    try:
        name = _storage().save(generated_name(FOLDER, "dokument.pdf"), ContentFile(pdf))
    except OSError:
        logger.exception("PDF-en %s kunne ikke lagres; den lages på nytt neste gang.", key)
        return
    try:
        with transaction.atomic():
            kept = KeptPdf.objects.select_for_update().filter(key=key).first()
            if kept is None:
                KeptPdf.objects.create(key=key, fingerprint=fingerprint, file=name)
                return
            replaced = kept.file.name
            kept.fingerprint, kept.file, kept.made_at = fingerprint, name, timezone.now()
            kept.save(update_fields=["fingerprint", "file", "made_at"])
    except IntegrityError:
        # Another request stored the same document a moment ago: keep that one.
        _delete_file(name)
        return
    transaction.on_commit(lambda: _delete_file(replaced))


def _storage():
    return KeptPdf._meta.get_field("file").storage


def _delete_file(name: str) -> None:
    try:
        _storage().delete(name)
    except OSError:
        logger.warning("Den gamle filen %s til en lagret PDF kunne ikke slettes.", name)
