"""Every PDF of the portal is made here: a Django template rendered to HTML, laid out by
WeasyPrint as a tagged PDF (PDF/UA-1) with the shared print stylesheet `static/css/print.css`.

WeasyPrint would otherwise read whatever a document names: `file:///etc/passwd` in an <img> or
a <link rel="attachment"> embeds a local file, and an http(s) URL makes the server fetch it
(SSRF). `PortalURLFetcher` serves the portal's own static files and nothing else, so text
written by users can never make a PDF read a file or the network.

    pdf = render_pdf("meetings/minutes_pdf.html", {"meeting": meeting}, request=request)
    return pdf_response(pdf, f"referat-{meeting.date}.pdf")

The document's template gives the <title>, `lang="nb"` on <html> and clean headings (h1, then
h2 ...): WeasyPrint builds the PDF's title, language, tags and bookmarks from them.

pdf_speedups.py makes renders cheaper (the cycle collector paused); the app config installs it.
"""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.templatetags.static import static
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import pdf_speedups
from .files import download_response

PRINT_STYLESHEET = "css/print.css"
# The base URL documents are laid out against when there is no request (commands, tests).
# It never leaves the process: the fetcher answers it from the static files.
INTERNAL_BASE_URL = "https://portal.invalid/"
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A document named something other than one of the portal's static files."""


class PortalURLFetcher(URLFetcher):
    """Serves `<base origin>/static/...` from the project's static files; refuses the rest.

    Refused: other schemes (file:, data:, ftp: ...), other hosts, paths outside STATIC_URL,
    and path traversal (`..`, encoded or not). WeasyPrint logs a refused resource and leaves
    it out of the document; the rendering goes on.
    """

    def __init__(self, base_url: str = INTERNAL_BASE_URL, **kwargs):
        kwargs.setdefault("allowed_protocols", ("http", "https"))
        kwargs.setdefault("allow_redirects", False)
        super().__init__(**kwargs)
        base = urlsplit(base_url)
        self.origin = (base.scheme.lower(), base.netloc.lower())
        # "/static/" (Django adds the script prefix to a relative STATIC_URL)
        self.static_prefix = urlsplit(settings.STATIC_URL).path

    def fetch(self, url, headers=None):
        name = self.static_name(url)
        path = self.find(name)
        if path is None:
            raise RefusedURL(f"Fant ingen statisk fil {name!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def static_name(self, url: str) -> str:
        """The static file's name in a URL of ours ("css/print.css"), or RefusedURL."""
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise RefusedURL(f"Ugyldig adresse: {url!r}.") from error
        if (parts.scheme.lower(), parts.netloc.lower()) != self.origin:
            raise RefusedURL(f"Bare portalens egne statiske filer kan brukes i PDF: {url!r}.")
        path = unquote(parts.path)
        if not path.startswith(self.static_prefix):
            raise RefusedURL(f"Bare portalens egne statiske filer kan brukes i PDF: {url!r}.")
        name = path.removeprefix(self.static_prefix)
        segments = name.replace("\\", "/").split("/")
        if (
            not name
            or "\x00" in name
            or any(segment in ("", ".", "..") for segment in segments)
            or posixpath.normpath(name) != name
        ):
            raise RefusedURL(f"Ugyldig filsti: {url!r}.")
        return name

    @staticmethod
    def find(name: str) -> Path | None:
        """The file in the project's static folders, else a collected copy (production, where
        `{% static %}` gives hashed names that only exist in STATIC_ROOT)."""
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        if found:
            return Path(found)
        try:
            if settings.STATIC_ROOT and staticfiles_storage.exists(name):
                return Path(staticfiles_storage.path(name))
        except (SuspiciousFileOperation, NotImplementedError):
            return None
        return None


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The template as a tagged PDF, with the shared print stylesheet before its own styles."""
    return layout_pdf(render_to_string(template_name, context, request=request), request=request)


def layout_pdf(html: str, *, request=None) -> bytes:
    """A document's HTML (a template of ours, rendered) laid out as a tagged PDF."""
    base_url = request.build_absolute_uri("/") if request is not None else INTERNAL_BASE_URL
    fetcher = PortalURLFetcher(base_url)
    print_css = weasyprint.CSS(url=urljoin(base_url, static(PRINT_STYLESHEET)), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    with pdf_speedups.cycle_collector_paused():
        return document.write_pdf(stylesheets=[print_css], pdf_variant=PDF_VARIANT)


def pdf_response(pdf_bytes: bytes, filename: str):
    """The PDF shown in the browser (inline), saved under a safe file name."""
    return download_response(pdf_bytes, filename, "application/pdf", inline=True)
