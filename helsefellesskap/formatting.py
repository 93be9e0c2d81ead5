"""How the portal writes numbers and lists for people: amounts the Norwegian way, lengths of time
in hours and minutes, enumerations ("A, B og C"). Used by templates (the `nok` filter in
templatetags/portal.py), messages, e-mails and documents alike. Dates follow the formats in
`formats/nb/` (14.10.2025)."""

from datetime import timedelta
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


def duration(length: timedelta) -> str:
    """A length of time to the whole minute, as hours and minutes: 09.00–11.20 is "2 t 20 min",
    two hours "2 t", three quarters "45 min". Spaces are non-breaking."""
    minutes = round(length.total_seconds() / 60)
    hours, minutes = divmod(max(minutes, 0), 60)
    parts = [f"{hours}\xa0t"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes}\xa0min")
    return " ".join(parts)


def listing(words) -> str:
    """Words enumerated the Norwegian way: "A", "A og B", "A, B og C"; "" for none."""
    words = list(words)
    return " og ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))
