"""helsefellesskap/pdf_speedups.py pauses Python's cycle collector while a PDF is laid out
(tests/helsefellesskap/test_pdf.py). The app config installs it on the pydyf and WeasyPrint it
was measured with and on no other; install is idempotent and uninstall undoes it."""

import gc
import logging
import threading

import pytest

from helsefellesskap import pdf_speedups

ALL = ("cycle_collector",)


@pytest.fixture
def fresh():
    """No speed-up in force; afterwards, as the app config left them."""
    in_force = pdf_speedups.installed()
    pdf_speedups.uninstall()
    yield
    pdf_speedups.uninstall()
    pdf_speedups.install(only=in_force)


def collector_paused_by_a_render() -> bool:
    with pdf_speedups.cycle_collector_paused():
        return not gc.isenabled()


def test_the_app_config_installed_them_on_the_pinned_versions():
    assert pdf_speedups.installed_versions() == pdf_speedups.WRITTEN_FOR
    assert pdf_speedups.installed() == ALL
    assert collector_paused_by_a_render()


def test_install_once_then_nothing_more_and_uninstall_undoes_it(fresh):
    assert not collector_paused_by_a_render()
    assert pdf_speedups.install() == ALL
    assert pdf_speedups.install() == ()  # already in force
    assert collector_paused_by_a_render()
    pdf_speedups.uninstall()
    assert pdf_speedups.installed() == ()
    assert not collector_paused_by_a_render()


def test_nothing_is_installed_on_another_version_and_why_is_logged_once(fresh, monkeypatch, caplog):
    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING):
        patch.setattr(
            pdf_speedups,
            "installed_versions",
            lambda: {**pdf_speedups.WRITTEN_FOR, "pydyf": "0.14.0.test"},
        )
        assert pdf_speedups.install() == ()
        assert pdf_speedups.install() == ()
    assert pdf_speedups.installed() == ()
    assert not collector_paused_by_a_render()
    refusals = [r.getMessage() for r in caplog.records if r.name == pdf_speedups.__name__]
    assert len(refusals) == 1
    assert "not installed" in refusals[0] and "0.14.0.test" in refusals[0]


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
