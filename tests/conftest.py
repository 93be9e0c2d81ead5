"""Users for each role of the portal, shared by all tests."""

import pytest

from helsefellesskap.models import Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP, READER_GROUP, SECRETARIAT_GROUP
from tests.factories import (
    GP_USER_UNION,
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

ROLES = ("anonymous", "secretariat", "member", "leader", "decision_maker", "reader")


@pytest.fixture
def lsu(db):
    return BodyFactory(name="Lokalt samarbeidsutvalg Testsektoren", requires=GP_USER_UNION)


@pytest.fixture
def secretariat_user(db):
    user = UserFactory(username="sekretariat", roles=[SECRETARIAT_GROUP], is_staff=True)
    PersonFactory(name="Siri Sekretariat", user=user)
    return user


@pytest.fixture
def member_user(lsu):
    user = UserFactory(username="medlem")
    MembershipFactory(person=PersonFactory(name="Mona Medlem", user=user), body=lsu)
    return user


@pytest.fixture
def leader_user(lsu):
    user = UserFactory(username="leder")
    MembershipFactory(
        person=PersonFactory(name="Lars Leder", user=user), body=lsu, role=Membership.Role.LEADER
    )
    return user


@pytest.fixture
def decision_maker_user(db):
    return UserFactory(username="beslutning", roles=[DECISION_MAKER_GROUP])


@pytest.fixture
def reader_user(db):
    return UserFactory(username="leser", roles=[READER_GROUP])


@pytest.fixture
def user_for_role(request):
    """user_for_role("leader") → a logged-in-able user with that role, or None for anonymous."""

    def get(role):
        return None if role == "anonymous" else request.getfixturevalue(f"{role}_user")

    return get


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Creating users should not cost a real key derivation each; PBKDF2 stays available so
    # that the demo logins (stored with PBKDF2) still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: the rendered plan grids, meeting records and year
    wheels are keyed by ids and history state, which the next test's rolled-back database can
    give again with other contents (in production ids are never reused)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks run in the calling thread, so a test sees their result at once. Tests
    of the queue itself set the database backend and run `db_worker --batch`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def attachment_storage(settings, tmp_path, monkeypatch):
    """Meeting and application attachments, annual report files, generated documents and kept
    PDFs go to a folder of the test's own, never into the project's."""
    from django.core.files.storage import storages

    from annual_report.models import ReportVersion
    from grants.models import ApplicationAttachment
    from helsefellesskap.jobs import DocumentJob
    from helsefellesskap.kept_pdfs import KeptPdf
    from meetings.models import Attachment
    from portfolio.models import PlanImport

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            **settings.STORAGES["attachments"],
            "OPTIONS": {"location": str(tmp_path / "vedlegg")},
        },
    }
    storage = storages["attachments"]
    # The model field took its storage when the models were loaded.
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(ApplicationAttachment._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(ReportVersion._meta.get_field("pdf"), "storage", storage)
    monkeypatch.setattr(DocumentJob._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(KeptPdf._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(PlanImport._meta.get_field("file"), "storage", storage)
    return storage
