"""The shared PDF module pauses Python's cycle collector only while WeasyPrint lays out."""

import gc

import pytest

from helsefellesskap.pdf import _cyclic_gc_paused


def test_the_cycle_collector_runs_again_after_a_render_even_a_failing_one():
    assert gc.isenabled()
    with _cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), _cyclic_gc_paused():
        raise ValueError("render failed")
    assert gc.isenabled()
