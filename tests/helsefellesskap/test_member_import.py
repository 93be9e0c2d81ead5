"""The secretariat bulk-loads members from an Excel sheet in the admin (django-import-export):
columns by name, a preview first, and a bad row named with nothing written."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from helsefellesskap.admin import MembershipResource
from helsefellesskap.models import Membership
from tests.factories import (
    BodyFactory,
    CompositionRequirementFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ["person", "body", "role", "organisation", "representative_kind", "start", "end"]


@pytest.fixture
def register():
    return {
        "body": BodyFactory(name="Samarbeidsforum for somatikk"),
        "org": OrganisationFactory(name="Bydel Stovner"),
        "person": PersonFactory(name="Anna K. Ryymin"),
        "gp": PersonFactory(name="Ellen A. Fagerberg"),
    }


def sheet(*rows):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "medlemmer.xlsx"
    return buffer


def test_members_listed_by_name_are_imported(register):
    from tablib import Dataset

    dataset = Dataset(headers=HEADER)
    dataset.append(
        [
            "Anna K. Ryymin",
            "Samarbeidsforum for somatikk",
            "medlem",
            "Bydel Stovner",
            "",
            "01.01.2026",
            "",
        ]
    )
    dataset.append(
        [
            "Ellen A. Fagerberg",
            "Samarbeidsforum for somatikk",
            "medlem",
            "",
            "fastlege",
            "14.10.2025",
            "",
        ]
    )
    result = MembershipResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.filter(body=register["body"]).count() == 2
    gp = Membership.objects.get(person=register["gp"])
    assert gp.representative_kind == "fastlege"
    assert gp.history.count() == 1  # imported rows are in the audit trail


def test_the_secretariat_sees_the_register_in_the_admin(client, secretariat_user):
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:helsefellesskap_membership_changelist") in page
    assert client.get(reverse("admin:helsefellesskap_membership_import")).status_code == 200


def test_an_unknown_body_names_its_row_and_nothing_is_written(client, secretariat_user, register):
    client.force_login(secretariat_user)
    form = client.get(reverse("admin:helsefellesskap_membership_import")).context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if label == "xlsx")
    upload = sheet(
        ["Anna K. Ryymin", "Samarbeidsforum for somatikk", "medlem", "", "", "01.01.2026", ""],
        ["Ellen A. Fagerberg", "Utvalg som ikke finnes", "medlem", "", "", "01.01.2026", ""],
    )
    response = client.post(
        reverse("admin:helsefellesskap_membership_import"),
        {"import_file": upload, "format": xlsx, "resource": "0"},
        follow=True,  # the worker checks the file (admin_imports.py)
    )
    assert response.context["summary"].errors == [
        "Rad 2: «body»: Fant ingen organ med navnet «Utvalg som ikke finnes» i registeret."
    ]
    assert 'value="Importer"' not in response.text  # no way to confirm a failing import
    assert Membership.objects.count() == 0


def test_end_before_start_in_the_sheet_is_refused(register):
    from tablib import Dataset

    dataset = Dataset(headers=HEADER)
    dataset.append(
        [
            "Anna K. Ryymin",
            "Samarbeidsforum for somatikk",
            "medlem",
            "",
            "",
            "01.06.2026",
            "01.01.2026",
        ]
    )
    result = MembershipResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    row_errors = result.invalid_rows[0].error_dict
    assert "Sluttdato kan ikke være før startdato." in row_errors["end"]
    assert Membership.objects.count() == 0


def test_each_name_is_looked_up_once_per_import(register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tablib import Dataset

    dataset = Dataset(headers=HEADER)
    for year in range(2000, 2030):
        name = "Anna K. Ryymin" if year % 2 else "Ellen A. Fagerberg"
        body = "Samarbeidsforum for somatikk"
        dataset.append([name, body, "medlem", "", "", f"01.01.{year}", f"31.12.{year}"])
    with CaptureQueriesContext(connection) as queries:
        result = MembershipResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.count() == 30
    lookups = [q["sql"] for q in queries if '"name" =' in q["sql"] and "SELECT" in q["sql"]]
    assert len(lookups) == 3  # the body once, each person once


def member_rows(count, *, role="medlem"):
    from tablib import Dataset

    dataset = Dataset(headers=HEADER)
    for index in range(count):
        name = "Anna K. Ryymin" if index % 2 else "Ellen A. Fagerberg"
        start = f"01.01.{1000 + index}"
        dataset.append([name, "Samarbeidsforum for somatikk", role, "", "", start, start])
    return dataset


def test_rows_written_in_batches_keep_their_history_with_the_importing_user(register):
    user = UserFactory()
    rows = MembershipResource._meta.batch_size + 3  # one full batch and the rest at the end
    result = MembershipResource().import_data(
        member_rows(rows), dry_run=False, use_transactions=True, user=user, file_name="liste.csv"
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.count() == rows
    history = Membership.history.all()
    assert history.count() == rows
    assert set(history.values_list("history_user", "history_change_reason", "history_type")) == {
        (user.pk, "Importert fra liste.csv", "+")
    }
    assert set(history.values_list("id", flat=True)) == set(
        Membership.objects.values_list("id", flat=True)
    )


def test_a_second_leader_in_the_same_file_is_refused_on_its_row(register):
    from tablib import Dataset

    dataset = Dataset(headers=HEADER)
    body = "Samarbeidsforum for somatikk"
    dataset.append(["Anna K. Ryymin", body, "leder", "", "", "01.01.2026", ""])
    dataset.append(["Ellen A. Fagerberg", body, "leder", "", "", "01.06.2026", ""])
    result = MembershipResource().import_data(
        dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
    )
    assert [invalid.number for invalid in result.invalid_rows] == [2]
    assert "har allerede en leder i denne perioden" in str(
        result.invalid_rows[0].error_dict["role"]
    )
    assert Membership.objects.count() == 0


def test_an_import_makes_no_queries_per_row_only_per_batch(register):
    """The names are looked up once each, the rows checked without a query and written a
    batch at a time (SQLite writes a batch in parts of at most 999 values, ~80 rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    counts = {}
    for rows in (10, 400):
        with CaptureQueriesContext(connection) as queries:
            result = MembershipResource().import_data(
                member_rows(rows), dry_run=True, use_transactions=True, user=user
            )
        assert not result.has_errors() and result.totals["new"] == rows
        counts[rows] = len(queries)
    assert counts[400] - counts[10] <= 400 // 40  # before: six queries a row


def test_a_person_already_in_the_register_with_the_same_organisation_is_refused(register):
    """The organisation named in the sheet is not looked up twice, but the register's rule
    that a name is unique within an organisation still holds."""
    from tablib import Dataset

    from helsefellesskap.admin import PersonResource

    dataset = Dataset(headers=["name", "title", "organisation", "email"])
    dataset.append(["Anna K. Ryymin", "Rådgiver", "Bydel Stovner", ""])
    dataset.append(["Anna K. Ryymin", "Rådgiver", "Bydel Stovner", ""])
    result = PersonResource().import_data(
        dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
    )
    assert [invalid.number for invalid in result.invalid_rows] == [2]
    assert "Personen finnes allerede i registeret med samme navn og virksomhet." in str(
        result.invalid_rows[0].error_dict
    )


def test_a_batch_the_database_refuses_makes_the_file_not_importable(register, monkeypatch):
    from django.db import IntegrityError

    from helsefellesskap import admin_base
    from helsefellesskap.admin_imports import summarise

    def refuse(*args, **kwargs):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(admin_base, "bulk_create_with_history", refuse)
    result = MembershipResource().import_data(
        member_rows(3), dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )
    summary = summarise(result)
    assert summary.errors == ["Filen kunne ikke lagres: FOREIGN KEY constraint failed"]
    assert not summary.importable
    assert Membership.objects.count() == 0


SEAT_HEADER = ["person", "body", "role", "seat", "start"]
CLINIC_HEAD = "Klinikkleder, Klinikk for akutt- og mottaksmedisin"


def seat_rows(*rows):
    from tablib import Dataset

    return Dataset(*rows, headers=SEAT_HEADER)


def test_a_named_seat_is_filled_by_its_name_in_the_sheet_and_exported_the_same_way(register):
    seat = CompositionRequirementFactory(
        body=register["body"], representative_kind="", seat=CLINIC_HEAD
    )
    body = "Samarbeidsforum for somatikk"
    dataset = seat_rows(
        ["Anna K. Ryymin", body, "medlem", CLINIC_HEAD, "01.01.2026"],
        ["Ellen A. Fagerberg", body, "medlem", "", "01.01.2026"],
    )
    result = MembershipResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.get(person=register["person"]).seat == seat
    assert Membership.objects.get(person=register["gp"]).seat is None
    exported = MembershipResource().export()
    assert sorted(exported["seat"]) == ["", CLINIC_HEAD]


def test_a_seat_the_rows_body_does_not_have_is_refused_on_its_row(register):
    CompositionRequirementFactory(representative_kind="", seat=CLINIC_HEAD)  # another body's
    dataset = seat_rows(
        ["Anna K. Ryymin", "Samarbeidsforum for somatikk", "medlem", CLINIC_HEAD, "01.01.2026"]
    )
    result = MembershipResource().import_data(
        dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
    )
    assert [invalid.number for invalid in result.invalid_rows] == [1]
    assert result.invalid_rows[0].error_dict["seat"] == [
        f"Samarbeidsforum for somatikk har ingen navngitt plass som heter «{CLINIC_HEAD}»."
    ]
    assert Membership.objects.count() == 0


def test_two_seats_of_one_name_in_a_body_are_not_guessed_between(register):
    for year in (2021, 2025):
        CompositionRequirementFactory(
            body=register["body"],
            representative_kind="",
            seat=CLINIC_HEAD,
            valid_from=f"{year}-01-01",
        )
    dataset = seat_rows(
        ["Anna K. Ryymin", "Samarbeidsforum for somatikk", "medlem", CLINIC_HEAD, "01.01.2026"]
    )
    result = MembershipResource().import_data(
        dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
    )
    assert "har flere plasser som heter" in result.invalid_rows[0].error_dict["seat"][0]
    assert Membership.objects.count() == 0
