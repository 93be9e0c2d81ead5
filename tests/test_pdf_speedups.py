"""helsefellesskap/pdf_speedups.py makes two things in pydyf cheaper for long PDFs: it keeps the
list of page references between reads (WeasyPrint's PDF/UA tagging reads it once per element),
which must still be the list of every page; and it compresses streams at zlib's default level
rather than 9. It also pauses the cycle collector during renders (tests/helsefellesskap/
test_pdf.py). The app config installs them, on the pydyf and WeasyPrint they were written for
and on no other."""

import gc
import logging
import threading
import zlib

import pydyf
import pytest

from helsefellesskap import pdf_speedups

ALL = ("page_references", "compression", "cycle_collector")


@pytest.fixture
def fresh():
    """No speed-up in force; afterwards, as the app config left them."""
    in_force = pdf_speedups.installed()
    pdf_speedups.uninstall()
    yield
    pdf_speedups.uninstall()
    pdf_speedups.install(only=in_force)


def as_shipped() -> bool:
    """pydyf's own page_references and its zlib module, untouched."""
    return pydyf.PDF.page_references.fget.__module__ == "pydyf" and pydyf.zlib is zlib


def add_page(document):
    page = pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference})
    document.add_object(page)
    document.add_page(page)
    return page


def test_the_app_config_installed_both_on_the_pinned_versions():
    assert pdf_speedups.installed_versions() == pdf_speedups.WRITTEN_FOR
    assert pdf_speedups.installed() == ALL
    assert not as_shipped()


def test_install_once_then_nothing_more_and_uninstall_restores_pydyf(fresh):
    assert as_shipped()
    assert pdf_speedups.install() == ALL
    assert pdf_speedups.install() == ()  # already in force
    pdf_speedups.uninstall()
    assert as_shipped()
    assert pdf_speedups.installed() == ()


def test_nothing_is_installed_on_another_version_and_why_is_logged_once(fresh, monkeypatch, caplog):
    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING):
        patch.setattr(
            pdf_speedups,
            "installed_versions",
            lambda: {**pdf_speedups.WRITTEN_FOR, "pydyf": "0.14.0.test"},
        )
        assert pdf_speedups.install() == ()
        assert pdf_speedups.install() == ()
    assert as_shipped()
    assert pdf_speedups.installed() == ()
    with pdf_speedups.cycle_collector_paused():
        assert gc.isenabled()
    refusals = [r.getMessage() for r in caplog.records if r.name == pdf_speedups.__name__]
    assert len(refusals) == 1
    assert "not installed" in refusals[0] and "0.14.0.test" in refusals[0]


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


def test_the_collector_stays_paused_until_the_last_of_two_overlapping_renders_ends():
    first_inside, second_may_end = threading.Event(), threading.Event()

    def first_render():
        with pdf_speedups.cycle_collector_paused():
            first_inside.set()
            second_may_end.wait(5)

    thread = threading.Thread(target=first_render)
    thread.start()
    first_inside.wait(5)
    with pdf_speedups.cycle_collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first render is still running
    second_may_end.set()
    thread.join(5)
    assert gc.isenabled()
