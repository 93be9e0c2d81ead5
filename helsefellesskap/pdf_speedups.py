"""What makes the portal's PDFs cheaper, installed once from `HelsefellesskapConfig.ready()` and
only on the pydyf and WeasyPrint it was measured with.

    pdf_speedups.install()    # -> the names installed by this call, () if none
    pdf_speedups.installed()  # -> the names in force
    pdf_speedups.uninstall()  # back to the libraries as they ship (tests, the bench)

On any version but `WRITTEN_FOR` nothing is installed (logged once) and the PDFs are made as
the libraries ship them, only slower. Update `WRITTEN_FOR` and the pins in pyproject.toml
together, after `make bench-documents` (test_full_partnership_layout_speedups) and
tests/test_pdf_speedups.py.

`cycle_collector`: layout creates hundreds of thousands of short-lived objects, and Python's
cycle collector walking them (and every other object of the process) is a good part of a
render. `render_pdf` runs in `cycle_collector_paused()`. Measured interleaved in one run, CPU
time, median of 5 rounds: the whole partnership's report 14.0 s with it, 9.65 s paused (-31 %);
the 2019 Ahus report 1.69 s and 1.23 s (-27 %). The pause is process-wide, so a threaded web
server's other requests would run without the collector meanwhile: acceptable because documents
are made by the background worker (helsefellesskap/jobs.py), whose process does nothing else,
and nothing is leaked: reference counting frees as it goes, cycles are collected after.

Dropped, because the same runs showed no gain beyond the machine's noise (ratios to all
installed, two runs): keeping pydyf's `page_references` tuple between reads (0.96 to 1.06) and
compressing at zlib's level 6 instead of pydyf's 9 (0.93 to 1.12; the file 4 % larger).
"""

import gc
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from importlib import metadata

logger = logging.getLogger(__name__)

# The versions the speed-ups were measured with (pinned in pyproject.toml).
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
            "PDFs are made as the libraries ship (slower)."
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


def _pause_cycle_collector() -> Callable[[], None]:
    # Nothing to change now: `render_pdf` runs in `cycle_collector_paused()`, which pauses the
    # collector only while this speed-up is in force.
    return lambda: None


# name -> a function that installs it and returns its undo
SPEEDUPS: dict[str, Callable[[], Callable[[], None]]] = {
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
