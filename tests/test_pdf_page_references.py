"""helsefellesskap/pdf.py keeps pydyf's list of page references between reads (WeasyPrint's
PDF/UA tagging reads it once per element); it must still be the list of every page."""

import pydyf

from helsefellesskap import pdf  # noqa: F401  (installs the cached property)


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
