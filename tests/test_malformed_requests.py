"""No server error anywhere: every URL of the portal (the permission matrix's list, with its
data) and the admin's change lists, asked with malformed query strings and posted garbage,
answers with a page (2xx, 3xx or 4xx), never a 5xx."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

# The permission matrix's URL list and its data (fixtures used by name below).
from tests.test_permission_matrix import (  # noqa: F401
    MATRIX,
    _url_name,
    annual_report_data,
    document_job,
    register_data,
)

MALFORMED_QUERIES = [
    "?q=%00&aar=99999999999999999999&side=0&fra=2025-13-45",
    "?aar=-1&side=99999999&til=x&dato=%ff%fe&status=ukjent&omrade=abc&ansvarlig=-5",
    "?" + "x" * 3000 + "=1",
]
GARBAGE_POSTS = [
    {"version": "abc", "retning": "sidelengs", "status": "\x00", "tekst": "x" * 100_000},
    {"form-TOTAL_FORMS": "99999999", "form-INITIAL_FORMS": "-1", "aar": "1e9"},
]


def portal_urls(data) -> list[str]:
    urls = []
    for key, (build_args, _) in MATRIX.items():
        if key.startswith("admin:") or key in {"logout"}:
            continue
        urls.append(reverse(_url_name(key), args=build_args(data)))
    return urls


@pytest.fixture
def as_secretariat(secretariat_user):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    return client


@pytest.mark.django_db
def test_no_portal_url_answers_a_malformed_request_with_a_server_error(
    as_secretariat,
    register_data,  # noqa: F811
):
    errors = []
    for url in portal_urls(register_data):
        for query in MALFORMED_QUERIES:
            status = as_secretariat.get(url + query).status_code
            if status >= 500:
                errors.append(f"GET {url}{query[:40]} → {status}")
        for body in GARBAGE_POSTS:
            status = as_secretariat.post(url, body).status_code
            if status >= 500:
                errors.append(f"POST {url} {list(body)} → {status}")
    assert not errors, "\n".join(errors)


@pytest.mark.django_db
def test_no_admin_change_list_answers_a_malformed_filter_with_a_server_error(as_secretariat):
    errors = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in [*MALFORMED_QUERIES, "?o=999", "?all=&p=-3", "?id__gt=abc", "?e=%00"]:
            status = as_secretariat.get(url + query).status_code
            if status >= 500:
                errors.append(f"GET {url}{query[:40]} → {status}")
    assert not errors, "\n".join(errors)
