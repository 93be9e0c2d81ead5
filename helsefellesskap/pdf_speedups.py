"""Changes to pydyf that make the long PDFs cheaper, installed once from
`HelsefellesskapConfig.ready()` and only on the versions they were written for.

    pdf_speedups.install()    # -> the names installed by this call, () if none
    pdf_speedups.installed()  # -> the names in force
    pdf_speedups.uninstall()  # back to pydyf as it ships (tests, the bench)

They reach into pydyf's internals, so another pydyf or WeasyPrint may break them or make them
pointless: on any version but `WRITTEN_FOR` nothing is installed (logged once), and the PDFs
are made by pydyf as it ships, only slower. Update `WRITTEN_FOR` and the pins in
pyproject.toml together, after `make bench` and tests/test_pdf_speedups.py.

What each one buys, from `make bench` (the whole partnership's 87-page report laid out, each
speed-up left out in turn, interleaved in one run; see the commit that added this module):
- `page_references`: pydyf builds the tuple of every page anew on each read, and WeasyPrint's
  PDF/UA tagging reads it once per tagged element (pages × elements). It is kept until a page
  is added.
- `compression`: pydyf compresses every stream at zlib's level 9; level 6 (zlib's default)
  gives a file about 4 % larger in a fraction of the time.
- `cycle_collector`: layout creates hundreds of thousands of short-lived objects, and the cycle
  collector walking them (and every other object of the process) is a good part of a render.
  `render_pdf` pauses it while it lays out. The pause is process-wide, so a threaded web server's
  other requests run without it meanwhile: acceptable because documents are made by the
  background worker (helsefellesskap/jobs.py), whose process does nothing else, and because
  nothing is leaked: reference counting frees as it goes, cycles are collected after.
"""

import gc
import logging
import threading
import types
import zlib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from importlib import metadata

import pydyf

logger = logging.getLogger(__name__)

# The versions these changes were written against and measured with (pinned in pyproject.toml).
WRITTEN_FOR = {"pydyf": "0.13.0", "weasyprint": "70.0"}

# name -> how to undo it, for each speed-up in force
_undo: dict[str, Callable[[], None]] = {}
# the reasons already logged for not installing, so each is logged once
_refusals_logged: set[str] = set()


def installed_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in WRITTEN_FOR}


def install(only: Iterable[str] | None = None) -> tuple[str, ...]:
    """Installs the speed-ups (all, or those named in `only`) that are not yet in force, if
    pydyf and WeasyPrint are the versions in `WRITTEN_FOR`. Returns the names it installed."""
    versions = installed_versions()
    if versions != WRITTEN_FOR:
        refusal = (
            f"PDF speed-ups not installed: written for {WRITTEN_FOR}, installed {versions}. "
            "PDFs are made by pydyf as it ships (slower)."
        )
        if refusal not in _refusals_logged:
            _refusals_logged.add(refusal)
            logger.warning(refusal)
        return ()
    names = [name for name in SPEEDUPS if (only is None or name in only) and name not in _undo]
    for name in names:
        _undo[name] = SPEEDUPS[name]()
    return tuple(names)


def uninstall() -> None:
    """Undoes every speed-up in force, the last installed first."""
    while _undo:
        _undo.pop(next(reversed(_undo)))()


def installed() -> tuple[str, ...]:
    return tuple(_undo)


def _cache_page_references() -> Callable[[], None]:
    original = pydyf.PDF.__dict__["page_references"]

    def page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        # Pages are only ever appended: the tuple holds until the number of pages changes.
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_portal_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), original.fget(pdf))
            pdf.__dict__["_portal_page_references"] = cached
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    return lambda: setattr(pydyf.PDF, "page_references", original)


def _compress_at_default_level() -> Callable[[], None]:
    original = pydyf.zlib

    def compressobj(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        # pydyf asks for level 9; every other argument is passed on.
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)

    # pydyf's own name for the zlib module: the same module but for its compressobj.
    pydyf.zlib = types.SimpleNamespace(**{**vars(zlib), "compressobj": compressobj})
    return lambda: setattr(pydyf, "zlib", original)


def _pause_cycle_collector() -> Callable[[], None]:
    # Nothing to change now: `render_pdf` runs in `cycle_collector_paused()`, which pauses the
    # collector only while this speed-up is in force.
    return lambda: None


# name -> a function that installs it and returns its undo
SPEEDUPS: dict[str, Callable[[], Callable[[], None]]] = {
    "page_references": _cache_page_references,
    "compression": _compress_at_default_level,
    "cycle_collector": _pause_cycle_collector,
}

_renders_lock = threading.Lock()
_renders_running = 0
_collector_was_enabled = False


@contextmanager
def cycle_collector_paused():
    """Around a render: Python's cycle collector is off until the last render running ends, if
    the "cycle_collector" speed-up is in force. It is off for the whole process, other threads
    too; reference counting still frees what they drop, cycles wait until the render ends."""
    if "cycle_collector" not in _undo:
        yield
        return
    global _renders_running, _collector_was_enabled
    with _renders_lock:
        if _renders_running == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _renders_running += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders_running -= 1
            if _renders_running == 0 and _collector_was_enabled:
                gc.enable()
