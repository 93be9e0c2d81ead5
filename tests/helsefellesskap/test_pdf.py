"""The shared PDF module pauses Python's cycle collector only while WeasyPrint lays out (the
"cycle_collector" speed-up of helsefellesskap/pdf_speedups.py, installed by the app config)."""

import gc

import pytest

from helsefellesskap.pdf_speedups import cycle_collector_paused


def test_the_cycle_collector_runs_again_after_a_render_even_a_failing_one():
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cycle_collector_paused():
        raise ValueError("render failed")
    assert gc.isenabled()
