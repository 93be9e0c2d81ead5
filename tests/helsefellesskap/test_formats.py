"""Dates, amounts and enumerations as Norwegian users write them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from helsefellesskap.formatting import listing, nok


def render(template, **context):
    with translation.override("nb"):
        return Template("{% load portal %}" + template).render(Context(context))


def test_dates_render_as_day_month_year():
    assert render("{{ day }}", day=date(2025, 10, 14)) == "14.10.2025"
    meeting = datetime(2025, 10, 14, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert render('{{ at|date:"SHORT_DATETIME_FORMAT" }}', at=meeting) == "14.10.2025 09.00"


def test_amounts_in_kroner_group_thousands_with_non_breaking_spaces():
    assert nok(17_240_000) == "17\xa0240\xa0000\xa0kr"
    assert nok(Decimal("92900000.00")) == "92\xa0900\xa0000\xa0kr"
    assert nok(Decimal("1234.5")) == "1\xa0234,50\xa0kr"
    assert nok(-500) == "−500\xa0kr"
    assert nok(None) == ""
    assert render("{{ amount|nok }}", amount=17240000) == "17\xa0240\xa0000\xa0kr"


def test_enumerations_join_the_last_two_with_og():
    assert listing([]) == ""
    assert listing(["28.3."]) == "28.3."
    assert listing(["28.3.", "12.12."]) == "28.3. og 12.12."
    assert listing(iter(["A", "B", "C"])) == "A, B og C"
