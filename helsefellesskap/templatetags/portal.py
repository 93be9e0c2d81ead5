"""Template helpers shared by every app's templates."""

from django import template

from helsefellesskap.formatting import nok
from helsefellesskap.links import link

register = template.Library()

# Which main-menu entry a page belongs to: a feature app's namespace ("portfolio"), or for the
# register's pages the prefix of the URL name.
NAV_SECTIONS = {
    "body": "bodies",
    "membership": "bodies",
    "organisation": "organisations",
    "sector": "organisations",
    "person": "people",
    "home": "home",
}


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    if match and match.namespace:
        return match.namespace
    name = match.url_name if match else ""
    return next(
        (section for prefix, section in NAV_SECTIONS.items() if name.startswith(prefix)), ""
    )


register.filter("nok", nok)


@register.simple_tag(name="link")
def link_tag(view_name: str, *args) -> str:
    """`{% url %}` for long loops: the route is reversed once (helsefellesskap/links.py)."""
    return link(view_name, *args)


@register.simple_tag(takes_context=True)
def page_url(context, number: int, page_param: str = "side") -> str:
    """The current page's query string with `page_param` set to `number`: a pagination link
    keeps the search, filter or body the reader chose."""
    query = context["request"].GET.copy()
    query[page_param] = number
    return f"?{query.urlencode()}"
