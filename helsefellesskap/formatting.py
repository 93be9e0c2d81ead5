"""How the portal writes numbers for people: amounts the Norwegian way. Used by templates (the
`nok` filter in templatetags/portal.py), messages, e-mails and documents alike. Dates follow
the formats in `formats/nb/` (14.10.2025)."""

from decimal import Decimal


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
