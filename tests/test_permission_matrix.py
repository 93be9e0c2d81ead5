"""Every URL of the portal × every role → the expected status code.

Later issues add their URLs to MATRIX; `test_every_portal_url_is_in_the_matrix` fails when a
named URL exists that the matrix does not cover.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from annual_report import versions
from annual_report.models import AnnualReport
from annual_report.versions import approve_version, generate_version
from helsefellesskap.jobs import DocumentJob
from helsefellesskap.models import BodyName, Person
from meetings.calendar_feeds import feed_token
from meetings.models import ItemPart
from portfolio.models import PlanImport
from portfolio.spreadsheet import ImportPreview
from tests.conftest import ROLES
from tests.factories import MembershipFactory, PersonFactory, SectorAssignmentFactory
from tests.grants.factories import ApplicationAttachmentFactory, ApplicationFactory
from tests.meetings.factories import (
    PDF_BYTES,
    ActivityFactory,
    AttachmentFactory,
    FollowUpFactory,
    ItemFactory,
)
from tests.portfolio.factories import MeasureFactory

OK, FORBIDDEN, LOGIN, NOT_ALLOWED = 200, 403, 302, 405

EVERYONE = {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], OK)
SECRETARIAT_ONLY = {"anonymous": LOGIN, "secretariat": OK} | dict.fromkeys(ROLES[2:], FORBIDDEN)
# A meeting of the LSU is kept by the secretariat and by the LSU's leader (and sekretær).
MEETING_KEEPERS = SECRETARIAT_ONLY | {"leader": OK}

# A draft (a report or version nobody has approved yet) is the secretariat's: to everyone else it
# does not exist.
SECRETARIAT_ELSE_NOT_FOUND = {"anonymous": LOGIN, "secretariat": OK} | dict.fromkeys(ROLES[2:], 404)

# url name → (how to build its arguments from the test data, expected status per role). A URL
# checked on more than one kind of object has a second key "url name#case": only the part before
# the "#" is reversed.
MATRIX = {
    "login": (lambda d: [], {"anonymous": OK} | dict.fromkeys(ROLES[1:], LOGIN)),
    # Logging out is a POST; a GET is refused (anonymous users are sent to log in first).
    "logout": (lambda d: [], dict.fromkeys(ROLES, NOT_ALLOWED) | {"anonymous": LOGIN}),
    "home": (lambda d: [], EVERYONE),
    "waiting_counts": (lambda d: [], EVERYONE),
    "body_tree": (lambda d: [], EVERYONE),
    "body_create": (lambda d: [], SECRETARIAT_ONLY),
    "body_detail": (lambda d: [d["lsu"].pk], EVERYONE),
    "body_past_members": (lambda d: [d["lsu"].pk], EVERYONE),
    "body_edit": (lambda d: [d["lsu"].pk], SECRETARIAT_ONLY),
    "body_name_create": (lambda d: [d["lsu"].pk], SECRETARIAT_ONLY),
    "body_name_edit": (lambda d: [d["body_name"].pk], SECRETARIAT_ONLY),
    # A body's leader and secretary follow changes to their own body.
    "body_history": (lambda d: [d["lsu"].pk], SECRETARIAT_ONLY | {"leader": OK}),
    "membership_create": (lambda d: [d["lsu"].pk], SECRETARIAT_ONLY),
    "membership_edit": (lambda d: [d["membership"].pk], SECRETARIAT_ONLY),
    "membership_history": (lambda d: [d["membership"].pk], SECRETARIAT_ONLY),
    "organisation_list": (lambda d: [], EVERYONE),
    "organisation_create": (lambda d: [], SECRETARIAT_ONLY),
    "organisation_detail": (lambda d: [d["organisation"].pk], EVERYONE),
    "organisation_edit": (lambda d: [d["organisation"].pk], SECRETARIAT_ONLY),
    "organisation_history": (lambda d: [d["organisation"].pk], SECRETARIAT_ONLY),
    "sector_assignment_create": (lambda d: [d["organisation"].pk], SECRETARIAT_ONLY),
    "sector_assignment_edit": (lambda d: [d["assignment"].pk], SECRETARIAT_ONLY),
    "person_list": (lambda d: [], EVERYONE),
    "person_create": (lambda d: [], SECRETARIAT_ONLY),
    "person_detail": (lambda d: [d["person"].pk], EVERYONE),
    "person_edit": (lambda d: [d["person"].pk], SECRETARIAT_ONLY),
    "person_history": (lambda d: [d["person"].pk], SECRETARIAT_ONLY),
    # Portfolio plans: everyone reads; the secretariat edits (an LSU's sekretær edits its
    # local plan: tests/portfolio/test_views.py).
    "portfolio:plan_list": (lambda d: [], EVERYONE),
    "portfolio:plan_create": (lambda d: [], SECRETARIAT_ONLY),
    "portfolio:plan_detail": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_changes": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_overview": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_copy": (lambda d: [d["plan"].pk], SECRETARIAT_ONLY),
    "portfolio:plan_pdf": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_pptx": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_export": (lambda d: [d["plan"].pk], EVERYONE),
    "portfolio:plan_import": (lambda d: [d["plan"].pk], SECRETARIAT_ONLY),
    # The preview of an upload: its uploader's (others who may edit the plan get 404).
    "portfolio:plan_import_preview": (
        lambda d: [d["plan"].pk, d["plan_import"].pk],
        SECRETARIAT_ONLY,
    ),
    "portfolio:cell": (lambda d: d["cell"], EVERYONE),
    "portfolio:cell_edit": (lambda d: d["cell"], SECRETARIAT_ONLY),
    "portfolio:cell_history": (lambda d: d["cell"], EVERYONE),
    # Setting the status of several marked cells is a POST: a GET is refused.
    "portfolio:cell_status": (
        lambda d: [d["plan"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    "portfolio:area_create": (lambda d: [d["plan"].pk], SECRETARIAT_ONLY),
    "portfolio:area_edit": (lambda d: [d["plan"].pk, d["area"].pk], SECRETARIAT_ONLY),
    "portfolio:group_create": (lambda d: [d["plan"].pk, d["area"].pk], SECRETARIAT_ONLY),
    "portfolio:group_edit": (lambda d: [d["plan"].pk, d["group"].pk], SECRETARIAT_ONLY),
    "portfolio:measure_create": (lambda d: [d["plan"].pk], SECRETARIAT_ONLY),
    "portfolio:measure_edit": (lambda d: [d["plan"].pk, d["measure"].pk], SECRETARIAT_ONLY),
    # Moving is a POST: a GET is refused once the user may edit at all.
    "portfolio:row_move": (
        lambda d: [d["plan"].pk, "tiltak", d["measure"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    "portfolio:row_delete": (
        lambda d: [d["plan"].pk, "tiltak", d["measure"].pk],
        SECRETARIAT_ONLY,
    ),
    # Meetings: everyone reads the plan and agendas; the secretariat and the body's leader
    # and sekretær keep them (another body's keepers cannot: tests/meetings/
    # test_lsu_meetings.py), and its leader records the approval of the minutes.
    "meetings:meeting_list": (lambda d: [], EVERYONE),
    "meetings:meeting_create": (lambda d: [], MEETING_KEEPERS),
    "meetings:meeting_detail": (lambda d: [d["meeting"].pk], EVERYONE),
    "meetings:meeting_edit": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    "meetings:meeting_cancel": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    "meetings:item_create": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    "meetings:item_edit": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    # Moving an item is a POST: a GET is refused once the user may move it.
    "meetings:item_move": (
        lambda d: [d["item"].pk],
        MEETING_KEEPERS | {"secretariat": NOT_ALLOWED, "leader": NOT_ALLOWED},
    ),
    "meetings:item_minutes": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    "meetings:part_create": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    "meetings:part_edit": (lambda d: [d["item_part"].pk], MEETING_KEEPERS),
    # Moving a part is a POST, like moving an item.
    "meetings:part_move": (
        lambda d: [d["item_part"].pk],
        MEETING_KEEPERS | {"secretariat": NOT_ALLOWED, "leader": NOT_ALLOWED},
    ),
    "meetings:announcement_create": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    "meetings:attendance": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    "meetings:minutes": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    # The minutes PDF follows "meetings.view_minutes": a draft only for the body's members and
    # the secretariat (once published for everyone: tests/meetings/test_minutes_pdf.py).
    "meetings:minutes_pdf": (
        lambda d: [d["meeting"].pk],
        SECRETARIAT_ONLY | {"member": OK, "leader": OK},
    ),
    "meetings:search": (lambda d: [], EVERYONE),
    # Attachments are read by everyone logged in, only through the download view; follow-ups
    # are kept by the meeting's keepers and their overview read by all; the notice is sent by
    # the keepers.
    "meetings:attachment_upload": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    "meetings:attachment_download": (lambda d: [d["attachment"].pk], EVERYONE),
    "meetings:attachment_delete": (lambda d: [d["attachment"].pk], MEETING_KEEPERS),
    "meetings:followup_create": (lambda d: [d["item"].pk], MEETING_KEEPERS),
    "meetings:followup_edit": (lambda d: [d["follow_up"].pk], MEETING_KEEPERS),
    "meetings:followup_list": (lambda d: [], EVERYONE),
    "meetings:notice_send": (lambda d: [d["meeting"].pk], MEETING_KEEPERS),
    # The notice with its agenda as a PDF: everyone logged in sees notices and agendas.
    "meetings:notice_pdf": (lambda d: [d["meeting"].pk], EVERYONE),
    # The annual wheel: everyone reads it; the secretariat keeps activities and drafts next
    # year. A calendar feed needs no login: its signed token is the key (a forged one is a
    # 404: tests/meetings/test_calendar_feeds.py).
    "meetings:year_wheel": (lambda d: [], EVERYONE),
    "meetings:year_draft": (lambda d: [2025], SECRETARIAT_ONLY),
    "meetings:activity_create": (lambda d: [], SECRETARIAT_ONLY),
    "meetings:activity_edit": (lambda d: [d["activity"].pk], SECRETARIAT_ONLY),
    "meetings:meeting_ics": (lambda d: [d["meeting"].pk], EVERYONE),
    "meetings:body_feed": (lambda d: [feed_token("body", d["lsu"].pk)], dict.fromkeys(ROLES, OK)),
    "meetings:person_feed": (
        lambda d: [feed_token("person", d["person"].pk)],
        dict.fromkeys(ROLES, OK),
    ),
    # Grants: the rounds are open to everyone logged in; applications are filtered per user
    # (tests/grants/), and one that the user may not see is a 404.
    "grants:round_list": (lambda d: [], EVERYONE),
    "grants:round_detail": (lambda d: [d["round"].pk], EVERYONE),
    "grants:application_detail": (
        lambda d: [d["application"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    # The applicant's side: applying is for LSU members of a sector (the matrix's LSU has no
    # sector, so its member and leader are refused) and the secretariat; the draft (a random
    # user's) is changed, sent in and read as PDF only by those who see it, else 404
    # (tests/grants/test_applying.py).
    "grants:application_create": (lambda d: [d["round"].pk], SECRETARIAT_ONLY),
    "grants:application_edit": (
        lambda d: [d["application"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    "grants:application_submit": (
        lambda d: [d["application"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    "grants:application_pdf": (
        lambda d: [d["application"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    # The draft's attachments: added and removed like the draft is changed, read by whoever
    # sees the application (tests/grants/test_application_attachments.py).
    "grants:application_attachment_upload": (
        lambda d: [d["application"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    "grants:application_attachment_download": (
        lambda d: [d["application_attachment"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    "grants:application_attachment_delete": (
        lambda d: [d["application_attachment"].pk],
        {"anonymous": LOGIN, "secretariat": OK, "decision_maker": 404}
        | dict.fromkeys(("member", "leader", "reader"), 404),
    ),
    # The committees' pages: the LSU's leader or sekretær prioritises its own sector (the
    # matrix's leader leads an LSU without a sector: tests/grants/test_committees.py has the
    # leader's own); SSU, the decision makers and the secretariat see the compilation and the
    # decision list; the decision makers and the secretariat decide and export. The two steps
    # on one application are POSTs: a GET is refused once the user may take the step.
    "grants:prioritisation": (lambda d: [d["round"].pk, d["sector"].pk], SECRETARIAT_ONLY),
    # Reopening the LSU's prioritisation is a POST (tests/grants/test_lsu_reopening.py).
    "grants:prioritisation_reopen": (
        lambda d: [d["round"].pk, d["sector"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    "grants:compilation": (lambda d: [d["round"].pk], SECRETARIAT_ONLY | {"decision_maker": OK}),
    "grants:decisions": (lambda d: [d["round"].pk], SECRETARIAT_ONLY | {"decision_maker": OK}),
    "grants:round_export": (lambda d: [d["round"].pk], SECRETARIAT_ONLY | {"decision_maker": OK}),
    "grants:decision_list_pdf": (
        lambda d: [d["round"].pk],
        SECRETARIAT_ONLY | {"decision_maker": OK},
    ),
    "grants:recommendation": (
        lambda d: [d["application"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    # Drafting, adopting and correcting decisions are POSTs (tests/grants/test_decision_drafts.py).
    "grants:decision_draft": (
        lambda d: [d["application"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED, "decision_maker": NOT_ALLOWED},
    ),
    "grants:decisions_adopt": (
        lambda d: [d["round"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED, "decision_maker": NOT_ALLOWED},
    ),
    "grants:decision_correct": (
        lambda d: [d["application"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED, "decision_maker": NOT_ALLOWED},
    ),
    # Annual reports: everyone logged in reads the list and the published versions; the
    # secretariat writes the texts, generates versions and records approvals. A report without
    # a published version and a draft's PDF are a 404 for everyone else. Generating is a POST:
    # a GET is refused once the user may generate.
    "annual_report:report_list": (lambda d: [], EVERYONE),
    "annual_report:report_create": (lambda d: [], SECRETARIAT_ONLY),
    "annual_report:report_detail": (lambda d: [d["annual_report"].pk], EVERYONE),
    "annual_report:report_detail#draft": (
        lambda d: [d["draft_report"].pk],
        SECRETARIAT_ELSE_NOT_FOUND,
    ),
    "annual_report:report_edit": (lambda d: [d["annual_report"].pk], SECRETARIAT_ONLY),
    "annual_report:version_generate": (
        lambda d: [d["annual_report"].pk],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    "annual_report:version_approve": (lambda d: [d["draft_version"].pk], SECRETARIAT_ONLY),
    "annual_report:version_pdf": (lambda d: [d["published_version"].pk], EVERYONE),
    "annual_report:version_pdf#draft": (
        lambda d: [d["draft_version"].pk],
        SECRETARIAT_ELSE_NOT_FOUND,
    ),
    # The load balancer's health check needs no login and tells nothing about the contents.
    "health": (lambda d: [], dict.fromkeys(ROLES, OK)),
    # A document made in the background is seen by whoever ordered it (here the secretariat);
    # to others it does not exist. Trying again is a POST (tests/helsefellesskap/test_jobs.py).
    "document_job": (lambda d: [d["document_job"].pk], SECRETARIAT_ELSE_NOT_FOUND),
    "document_job_download": (lambda d: [d["document_job"].pk], SECRETARIAT_ELSE_NOT_FOUND),
    "document_job_retry": (
        lambda d: [d["document_job"].pk],
        dict.fromkeys(ROLES, NOT_ALLOWED) | {"anonymous": LOGIN},
    ),
    # Deleted objects: only the secretariat lists and restores them; restoring is a POST
    # (tests/helsefellesskap/test_restoring.py).
    "deleted_list": (lambda d: [], SECRETARIAT_ONLY),
    "deleted_restore": (
        lambda d: ["helsefellesskap.person", d["deleted_person_record"]],
        SECRETARIAT_ONLY | {"secretariat": NOT_ALLOWED},
    ),
    # The admin sends everyone who is not staff to its own login page.
    "admin:index": (lambda d: [], dict.fromkeys(ROLES, LOGIN) | {"secretariat": OK}),
}


def _named_urls(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin's own pages are covered by admin:index and Django's tests
            yield from _named_urls(pattern, f"{pattern.namespace}:" if pattern.namespace else "")
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def _url_name(key):
    return key.partition("#")[0]


def test_every_portal_url_is_in_the_matrix():
    missing = set(_named_urls()) - {_url_name(key) for key in MATRIX}
    assert not missing, f"Add these URLs to the permission matrix: {sorted(missing)}"


@pytest.fixture
def annual_report_data(lsu, secretariat_user, monkeypatch):
    """A report of the LSU with a published version, and another report with only a draft.
    Laying them out with WeasyPrint would cost seconds per test, so a small fixed PDF stands in
    (the real one: tests/browser/test_annual_report.py)."""
    monkeypatch.setattr(versions, "render_report_pdf", lambda *args, **kwargs: PDF_BYTES)
    report = AnnualReport.objects.create(year=2025, body=lsu, introduction="Et godt år.")
    published = approve_version(
        generate_version(report, secretariat_user),
        body=lsu,
        approved_on=timezone.localdate(),
        remark="Godkjent",
        user=secretariat_user,
    )
    draft_report = AnnualReport.objects.create(year=2024, body=lsu)
    draft = generate_version(draft_report, secretariat_user)
    assert published.is_published and not draft.is_published
    return {
        "annual_report": report,
        "published_version": published,
        "draft_report": draft_report,
        "draft_version": draft,
    }


@pytest.fixture
def document_job(secretariat_user):
    job = DocumentJob(kind="test", key="test", title="Notat", requested_by=secretariat_user)
    job.file.save("notat.pdf", ContentFile(PDF_BYTES), save=False)
    job.name, job.status = "notat.pdf", DocumentJob.Status.READY
    job.save()
    return job


@pytest.fixture
def register_data(lsu, annual_report_data, document_job, secretariat_user):
    membership = MembershipFactory(body=lsu)
    assignment = SectorAssignmentFactory()
    measure = MeasureFactory()
    item = ItemFactory(meeting__body=lsu)
    deleted_person = PersonFactory()
    deleted_person.delete()
    application = ApplicationFactory()
    return annual_report_data | {
        "round": application.round,
        "application": application,
        "application_attachment": ApplicationAttachmentFactory(application=application),
        "sector": application.sector,
        "meeting": item.meeting,
        "item": item,
        "item_part": ItemPart.objects.create(item=item, position=1, title="Del 1"),
        "attachment": AttachmentFactory(item=item),
        "follow_up": FollowUpFactory(item=item),
        "activity": ActivityFactory(),
        "plan": measure.group.area.plan,
        "area": measure.group.area,
        "group": measure.group,
        "measure": measure,
        "cell": [measure.group.area.plan.pk, measure.pk, 2026],
        "lsu": lsu,
        "body_name": BodyName.objects.create(
            body=lsu, name="Direktørmøtet", valid_to=datetime.date(2021, 5, 31)
        ),
        "membership": membership,
        "person": membership.person,
        "organisation": assignment.organisation,
        "assignment": assignment,
        "document_job": document_job,
        "plan_import": PlanImport.objects.create(
            plan=measure.group.area.plan,
            uploaded_by=secretariat_user,
            file_name="plan.xlsx",
            preview=ImportPreview().as_data(),
        ),
        "deleted_person_record": Person.history.filter(history_type="-").latest().history_id,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(client, user_for_role, register_data, url_name, role):
    build_args, expected = MATRIX[url_name]
    user = user_for_role(role)
    if user:
        client.force_login(user)
    response = client.get(reverse(_url_name(url_name), args=build_args(register_data)))
    assert response.status_code == expected[role], (
        f"{role} on {url_name}: {response.status_code}, expected {expected[role]}"
    )
    if expected[role] == LOGIN and url_name != "login":
        assert "logg-inn" in response["Location"] or "admin/login" in response["Location"]
