"""Finding a report's scope from what a user typed: a sector ("Ahus", "Ahus-sektoren") or a body
("Samarbeidsforum (Ahus-sektoren)", "SF"), or nothing for the whole partnership. An LSU stands
for its sector: the sector's report is the LSU's and its bodies'."""

from django.db.models import Q

from helsefellesskap.models import Body, Sector


class UnknownScope(ValueError):
    pass


def find_scope(text: str) -> tuple[Sector | None, Body | None]:
    text = (text or "").strip()
    if not text or text.lower() in {"alle", "helsefellesskapet", "helsefellesskap oslo"}:
        return None, None
    sector = Sector.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).first()
    if sector:
        return sector, None
    bodies = list(
        Body.objects.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).select_related(
            "sector"
        )
    )
    if len(bodies) > 1:
        names = ", ".join(body.name for body in bodies)
        raise UnknownScope(f"«{text}» passer på flere organer: {names}. Bruk hele navnet.")
    if not bodies:
        raise UnknownScope(
            f"Fant ingen sektor eller organ som heter «{text}». Sektorer: "
            + ", ".join(Sector.objects.values_list("short_name", flat=True))
            + "."
        )
    body = bodies[0]
    if body.kind == Body.Kind.LOCAL_COMMITTEE and body.sector_id:
        return body.sector, None
    return None, body
