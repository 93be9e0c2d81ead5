"""`link()` gives exactly what `reverse()` gives, for any arguments, at the cost of one
reverse per route."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from helsefellesskap import links
from helsefellesskap.links import link


@pytest.mark.parametrize(
    "view_name, args",
    [
        ("portfolio:cell_edit", [1, 22, 2026]),
        ("portfolio:cell_edit", [987654320, 7, 2030]),
        ("portfolio:row_move", [3, "tiltak", 41]),
        ("meetings:meeting_detail", [5]),
        ("home", []),
    ],
)
def test_link_is_reverse(view_name, args):
    assert link(view_name, *args) == reverse(view_name, args=args)


def test_the_route_is_reversed_once(monkeypatch):
    links._pattern.cache_clear()
    calls = []
    real = links.reverse
    monkeypatch.setattr(links, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    for measure in range(50):
        link("portfolio:cell_history", 1, measure, 2026)
    assert len(calls) == 1


def test_the_template_tag_is_a_drop_in_for_url():
    html = Template(
        "{% load portal %}{% link 'portfolio:cell_edit' 1 2 2026 as edit %}{{ edit }}|"
        "{% link 'portfolio:row_delete' 1 'gruppe' 9 %}"
    ).render(Context())
    assert html == (
        f"{reverse('portfolio:cell_edit', args=[1, 2, 2026])}|"
        f"{reverse('portfolio:row_delete', args=[1, 'gruppe', 9])}"
    )
