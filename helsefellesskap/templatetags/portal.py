"""Template helpers shared by every app's templates."""

from decimal import Decimal

from django import template

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


@register.filter
def nok(amount) -> str:
    """An amount in Norwegian kroner as the partnership writes it: "17 240 000 kr".

    Spaces are non-breaking so that an amount never wraps across lines; øre are shown only
    when there are any ("1 234,50 kr").
    """
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    sign = "−" if value < 0 else ""
    value = abs(value)
    kroner = int(value)
    ore = int((value - kroner) * 100)
    text = f"{kroner:,}".replace(",", "\xa0")
    if ore:
        text += f",{ore:02d}"
    return f"{sign}{text}\xa0kr"
