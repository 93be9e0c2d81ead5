"""The life of a report's versions: generate a numbered draft, approve it on behalf of a body,
which freezes and publishes it.

Laying a year out takes seconds to tens of seconds, so the portal's pages call neither
`generate_version` nor `approve_version` themselves: `request_draft` and `request_approval`
queue them for the background worker (helsefellesskap/jobs.py), whose job page leads to the
report when the draft is there or the version is published.

    version = generate_version(report, user)
    approve_version(version, body=forum, approved_on=date(2020, 6, 2), remark="Godkjent",
                    user=user)

A published version's file is never written again: a later generation is a new version with
the next number. Approval lays the frozen snapshot out once more with the approval log, so the
published PDF says who approved it and when.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from helsefellesskap.jobs import (
    BuiltDocument,
    DocumentError,
    DocumentJob,
    request_document,
    unfinished_job,
)
from helsefellesskap.models import Body

from .assembly import assemble, long_date
from .document import render_report_pdf
from .models import AnnualReport, ReportVersion

DRAFT_DOCUMENT = "annual_report.draft"
APPROVAL_DOCUMENT = "annual_report.approval"


class ApprovalRefused(ValidationError):
    pass


def request_draft(*, report: AnnualReport, user) -> DocumentJob:
    """Queues the report's next draft; a second request while it is made shares the job."""
    if not user.has_perm("annual_report.generate_version", report):
        raise PermissionDenied
    return request_document(
        kind=DRAFT_DOCUMENT,
        key=f"annual_report:{report.pk}:draft",
        title=f"Nytt utkast: {report.title}",
        params={"report": report.pk},
        user=user,
    )


def build_draft(params: dict, user) -> BuiltDocument:
    """The worker's part of `request_draft`."""
    report = AnnualReport.objects.filter(pk=params["report"]).first()
    if report is None:
        raise DocumentError("Årsrapporten finnes ikke lenger.")
    version = generate_version(report, user)
    return BuiltDocument(
        result_url=report.get_absolute_url(),
        message=f"Utkast versjon {version.number} er generert.",
    )


def generate_version(report: AnnualReport, user) -> ReportVersion:
    """The report's next draft. Laid out before the transaction, which holds the report's lock
    (on SQLite the database's one write lock, which every other write of the portal waits
    for) only to store the file and the row: if another version or approval was stored while
    this one was laid out, it is laid out again with the new number and approval log."""
    if not user.has_perm("annual_report.generate_version", report):
        raise PermissionDenied
    snapshot = assemble(report)
    while True:
        number, approvals = newest_number(report) + 1, approval_log(report)
        pdf = render_report_pdf(snapshot, number=number, approvals=approvals, draft=True)
        with transaction.atomic():
            # One generation at a time per report, so two never take the same number.
            AnnualReport.objects.select_for_update().get(pk=report.pk)
            if (newest_number(report) + 1, approval_log(report)) != (number, approvals):
                continue
            version = ReportVersion(
                report=report,
                number=number,
                snapshot=snapshot,
                generated_at=timezone.now(),
                generated_by=user,
                pdf_size=len(pdf),
            )
            _save_file(version, pdf)
        return version


def preview_pdf(report: AnnualReport) -> tuple[int, bytes]:
    """The draft the next generation would give, without storing it (the report may be
    unsaved): its number and PDF."""
    number = newest_number(report) + 1
    approvals = approval_log(report) if report.pk else []
    return number, render_report_pdf(
        assemble(report), number=number, approvals=approvals, draft=True
    )


def request_approval(
    version: ReportVersion, *, body, approved_on: datetime.date, remark: str, user
) -> DocumentJob:
    """Records the approval decision (the body, the date, the remark) in a job for the worker,
    which lays the published PDF out and publishes the version (`build_approval`). Refused at
    once when the approval makes no sense, or when the version's approval is already under
    way: of two approvals at once, one wins."""
    if not user.has_perm("annual_report.approve_version", version):
        raise PermissionDenied
    with transaction.atomic():
        version = _locked(version)
        check_approval(version, approved_on)
        if approval_job(version):
            raise ApprovalRefused(
                "Versjonen er allerede sendt til godkjenning og publiseres nå. "
                "Følg arbeidet på dokumentsiden."
            )
        return request_document(
            kind=APPROVAL_DOCUMENT,
            key=_approval_key(version),
            title=f"Godkjenning: {version}",
            params={
                "version": version.pk,
                "body": body.pk,
                "approved_on": approved_on.isoformat(),
                "remark": remark,
            },
            user=user,
        )


def approval_job(version: ReportVersion) -> DocumentJob | None:
    """The version's approval while the worker is publishing it, if it is."""
    return unfinished_job(_approval_key(version))


def _approval_key(version: ReportVersion) -> str:
    return f"annual_report:version:{version.pk}:approval"


def build_approval(params: dict, user) -> BuiltDocument:
    """The worker's part of `request_approval`: a refusal fails the job with its reason and
    leaves the version a draft."""
    version = ReportVersion.objects.filter(pk=params["version"]).first()
    body = Body.objects.filter(pk=params["body"]).first()
    if version is None or body is None:
        raise DocumentError("Versjonen eller organet som godkjente den, finnes ikke lenger.")
    try:
        version = approve_version(
            version,
            body=body,
            approved_on=datetime.date.fromisoformat(params["approved_on"]),
            remark=params["remark"],
            user=user,
        )
    except ApprovalRefused as refusal:
        raise DocumentError(" ".join(refusal.messages)) from refusal
    except PermissionDenied as denied:
        raise DocumentError("Du har ikke lenger lov til å godkjenne årsrapporter.") from denied
    return BuiltDocument(
        result_url=version.report.get_absolute_url(),
        message=f"Versjon {version.number} er godkjent av {version.approved_by} og publisert.",
    )


def approve_version(
    version: ReportVersion, *, body, approved_on: datetime.date, remark: str, user
) -> ReportVersion:
    """Lays the published PDF out with the approval, then publishes the version with it in one
    transaction (checked again under the lock): published only once its file is stored. The
    layout takes seconds, so it runs before the transaction and holds no lock."""
    if not user.has_perm("annual_report.approve_version", version):
        raise PermissionDenied
    version = ReportVersion.objects.select_related("report").get(pk=version.pk)
    check_approval(version, approved_on)
    _record_approval(version, body=body, approved_on=approved_on, remark=remark)
    approvals = approval_log(version.report, including=version)
    pdf = render_report_pdf(
        version.snapshot, number=version.number, approvals=approvals, draft=False
    )
    with transaction.atomic():
        locked = _locked(version)
        check_approval(locked, approved_on)
        _record_approval(locked, body=body, approved_on=approved_on, remark=remark)
        locked.status = ReportVersion.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.pdf_size = len(pdf)
        locked._change_reason = f"Godkjent av {body} {long_date(approved_on)}"
        draft_file = locked.pdf.name
        _save_file(locked, pdf)
        transaction.on_commit(lambda: locked.pdf.storage.delete(draft_file))
    return locked


def _locked(version: ReportVersion) -> ReportVersion:
    """The version under its row lock, and its report's, which a new generation takes too: no
    newer version can appear until the transaction ends."""
    AnnualReport.objects.select_for_update().get(pk=version.report_id)
    return ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)


def _record_approval(version: ReportVersion, *, body, approved_on, remark: str) -> None:
    version.approved_by = body
    version.approved_on = approved_on
    version.approval_remark = remark


def check_approval(version: ReportVersion, approved_on) -> None:
    if version.is_published:
        raise ApprovalRefused("Versjonen er allerede godkjent og publisert.")
    newest = newest_number(version.report)
    if newest != version.number:
        raise ApprovalRefused(
            f"Det finnes en nyere versjon ({newest}). Godkjenn den nyeste versjonen."
        )
    if approved_on > timezone.localdate():
        raise ApprovalRefused({"approved_on": "Godkjenningsdatoen kan ikke være fram i tid."})
    if approved_on < timezone.localdate(version.generated_at):
        raise ApprovalRefused(
            {"approved_on": "Godkjenningsdatoen kan ikke være før versjonen ble generert."}
        )


def newest_number(report: AnnualReport) -> int:
    """The number of the report's newest version; 0 before the first (or while unsaved)."""
    if report.pk is None:
        return 0
    return report.versions.aggregate(last=Max("number"))["last"] or 0


def approval_log(report: AnnualReport, *, including: ReportVersion | None = None) -> list[dict]:
    """The approvals of the report's published versions, oldest first, as the PDF prints them."""
    versions = list(report.versions.published().select_related("approved_by"))
    if including is not None:
        versions = [v for v in versions if v.pk != including.pk] + [including]
    versions.sort(key=lambda v: (v.approved_on, v.number))
    return [
        {
            "body": str(v.approved_by),
            "date": long_date(v.approved_on),
            "remark": v.approval_remark,
            "version": v.number,
        }
        for v in versions
    ]


def _save_file(version: ReportVersion, pdf: bytes) -> None:
    """Stores the file and the row together: if the row cannot be saved, the file goes too."""
    version.pdf.save(f"{version.number}.pdf", ContentFile(pdf), save=False)
    try:
        version.save()
    except Exception:
        version.pdf.storage.delete(version.pdf.name)
        raise
