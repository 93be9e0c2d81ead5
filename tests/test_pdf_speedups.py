"""helsefellesskap/pdf.py makes two things in pydyf cheaper for long PDFs: it keeps the list of
page references between reads (WeasyPrint's PDF/UA tagging reads it once per element), which
must still be the list of every page; and it compresses streams at zlib's default level rather
than 9."""

import zlib

import pydyf

from helsefellesskap import pdf  # noqa: F401  (installs both changes to pydyf)


def add_page(document):
    page = pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference})
    document.add_object(page)
    document.add_page(page)
    return page


def test_page_references_follow_the_pages_as_they_are_added():
    document = pydyf.PDF()
    first = add_page(document)
    assert document.page_references == (f"{first.number} 0 R".encode(),)
    second = add_page(document)
    assert document.page_references == (
        f"{first.number} 0 R".encode(),
        f"{second.number} 0 R".encode(),
    )
    assert document.page_references is document.page_references  # kept, not rebuilt


def test_streams_are_compressed_at_zlibs_default_level():
    content = b"BT /F1 8 Tf (Side 1 av 87) Tj ET\n" * 200
    data = pydyf.Stream([content], compress=True).data
    compressed = data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert compressed == zlib.compress(content, zlib.Z_DEFAULT_COMPRESSION)
    assert compressed != zlib.compress(content, 9)
    assert zlib.decompress(compressed) == content
