"""Many links to one route at the cost of one `reverse()`.

`reverse()` walks the URL resolver on every call (about a fifth of a millisecond), and the plan
page links each of its thousands of cells and rows: at 400 measures that was a third of the
page's time. `link()` reverses each route once, with sentinel numbers in place of its
arguments, and from then on only fills the arguments into that text.

    link("portfolio:cell_edit", plan.pk, measure.pk, 2026)   # as reverse(..., args=[...])

Only for routes whose arguments are numbers or plain words (int, slug and str converters),
which is every route of the portal; the template tag `{% link %}` (templatetags/portal.py)
is the drop-in for `{% url %}` in long loops.
"""

from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Numbers no route of ours takes as a real argument, and that appear nowhere else in a URL.
SENTINEL = 987_654_320


def link(view_name: str, *args) -> str:
    pattern = _pattern(
        view_name, len(args), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return pattern.format(*(quote(str(arg), safe="") for arg in args))


@cache
def _pattern(view_name: str, arity: int, urlconf: str, script_prefix: str) -> str:
    """The route's URL with "{0}", "{1}" ... where its arguments go."""
    sentinels = [str(SENTINEL + index) for index in range(arity)]
    url = reverse(view_name, args=sentinels, urlconf=urlconf).replace("{", "{{").replace("}", "}}")
    for index, sentinel in enumerate(sentinels):
        if url.count(sentinel) != 1:
            raise ValueError(f"{view_name} cannot be linked by pattern: {url}")
        url = url.replace(sentinel, f"{{{index}}}")
    return url
