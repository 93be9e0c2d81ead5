"""Issue 17's "query counts equal at one and ten years", as a test at two sizes: each main page
asks the database the same number of questions at one and at two years of synthetic data."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scale_data.pages import main_pages

UNTIL = datetime.date(2026, 6, 30)


def query_counts(client, django_user_model, *, years):
    call_command(
        "generate_scale_data",
        years=years,
        scale=0.1,
        seed=5,
        until=UNTIL,
        stdout=io.StringIO(),
    )
    client.force_login(django_user_model.objects.get(username="syntetisk-sekretariat"))
    found = {}
    for page in main_pages():
        assert client.get(page.url).status_code == 200, page.url  # warm: caches, session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert response.status_code == 200, page.url
        found[page.name] = len(queries)
    call_command("generate_scale_data", delete=True, stdout=io.StringIO())
    return found


@pytest.mark.django_db
def test_main_pages_ask_as_many_queries_at_one_and_at_two_years(client, django_user_model):
    one_year = query_counts(client, django_user_model, years=1)
    two_years = query_counts(client, django_user_model, years=2)
    assert two_years == one_year
