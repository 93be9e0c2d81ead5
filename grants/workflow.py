"""The grant workflow: an application goes LSU member → LSU → SSU → final decision.

Every step here checks who may take it and from which state, runs in one transaction, and
records who, when and why in the application's history. The state field only changes through
the model's django-fsm transitions, which these functions call; `ConcurrentTransitionMixin` puts
the old state in the UPDATE's WHERE clause, so of two decision makers deciding the same
application at once, one wins and the other gets `WorkflowError`.

Views, commands and tests call these functions; nothing else changes an application's state.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from helsefellesskap import uploads
from helsefellesskap.formatting import nok
from helsefellesskap.models import today
from meetings.models import Item

from . import numbering, receipt
from .models import (
    Allocation,
    Application,
    ApplicationAttachment,
    DecidedApplicationLocked,
    DecisionMeeting,
    DraftDecision,
    Outcome,
    PrioritisationReopening,
    Round,
    recorded_step,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .forms import ApplicationForm, BaseBudgetLineFormSet


class WorkflowError(Exception):
    """A step that cannot be taken now; the message says why, in the user's words."""


class AlreadySubmitted(WorkflowError):
    """The draft was sent in (from another window) while this copy of it was being changed."""


class DecidedElsewhere(WorkflowError):
    """Someone else decided the application meanwhile; `application` is as it is now."""

    def __init__(self, application: Application):
        super().__init__(
            f"Noen andre har behandlet søknaden samtidig: «{application.title}» er nå "
            f"{application.get_state_display().lower()}. Vedtaket ditt er ikke lagret. Last "
            "siden på nytt for å se utfallet."
        )
        self.application = application


# A save from a copy read before someone else's step: the state in the UPDATE's WHERE clause no
# longer matches (ConcurrentTransitionMixin), or the application is decided by now (the
# model's guard on decided applications, which looks first).
STATE_CHANGED_MEANWHILE = (ConcurrentTransition, DecidedApplicationLocked)

DRAFT_LOCKED = "Søknaden er sendt inn og kan ikke endres."
ATTACHMENTS_LOCKED = (
    "Søknaden er sendt inn, og vedleggene kan ikke lenger endres. "
    "Vedlegg kan legges til og fjernes mens søknaden er et utkast."
)


def save_draft(
    *, form: "ApplicationForm", budget_lines: "BaseBudgetLineFormSet", user, reason: str
) -> Application:
    """The applicant's form and its budget lines (both valid), saved in one transaction. A draft
    may be incomplete. AlreadySubmitted when it was sent in meanwhile."""
    with transaction.atomic():
        return _save_form(form, budget_lines, user=user, reason=reason)


def _save_form(form, budget_lines, *, user, reason: str) -> Application:
    application = form.save(commit=False)
    _stamp(application, user, reason)
    try:
        application.save()
    except STATE_CHANGED_MEANWHILE:
        raise AlreadySubmitted(DRAFT_LOCKED) from None
    form.save_m2m()
    budget_lines.instance = application
    budget_lines.save()
    return application


def submit_application(application: Application, *, user) -> Application:
    """The applicant sends the draft: complete, before the deadline, only once. Checked on the
    application as stored (locked), not on the caller's copy, which may be stale."""
    _require(user, "grants.change_draft", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.state != Application.State.DRAFT:
            raise WorkflowError("Søknaden er allerede sendt inn.")
        if not application.round.is_open:
            raise WorkflowError(application.round.closed_reason)
        problems = application.completeness_problems()
        if problems:
            raise WorkflowError(" ".join(problems))
        numbering.give_reference(application)
        _transition(
            application,
            application.submit,
            user=user,
            reason="Sendt inn",
            fields=["submitted_at", "reference_year", "reference_number"],
            atomic=False,
        )
    _after_commit(receipt.send_receipt, application)
    return application


def add_attachment(
    application: Application, *, uploaded: "UploadedFile", name: str, user
) -> ApplicationAttachment:
    """Adds a checked upload (helsefellesskap.uploads) to a draft. The application is locked
    meanwhile, so that a submission at the same moment waits: nothing is added after it."""
    _require(user, "grants.change_draft", application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != Application.State.DRAFT:
            raise WorkflowError(ATTACHMENTS_LOCKED)
        return uploads.save_new(
            ApplicationAttachment(application=locked, name=name, size=uploaded.size), uploaded
        )


@dataclass
class Priority:
    """The LSU's judgement of one application: its rank, whether it goes to SSU, and the LSU's
    comment on it."""

    application_id: int
    rank: int | None
    forward: bool
    comment: str = ""


def prioritise_applications(
    round: Round, sector, priorities: list[Priority], *, item: Item | None, user
) -> list[Application]:
    """The LSU ranks all of its sector's submitted applications at once and forwards the
    prioritised ones to SSU; the rest are set aside. One action, one transaction."""
    if not user.has_perm("grants.prioritise", sector):
        raise PermissionDenied
    # Locked while checked and changed: two people prioritising at once cannot mix.
    with transaction.atomic():
        by_id = {
            a.pk: a
            for a in Application.objects.select_for_update().filter(
                round=round, sector=sector, state=Application.State.SUBMITTED
            )
        }
        unknown = [p.application_id for p in priorities if p.application_id not in by_id]
        if unknown:
            raise WorkflowError(
                "Noen av søknadene er ikke lenger til behandling i LSU. Last siden på nytt."
            )
        ranks = [p.rank for p in priorities if p.rank is not None]
        if len(ranks) != len(set(ranks)):
            raise WorkflowError("To søknader har fått samme rangering.")
        taken = Application.objects.ranks_taken_by_lsu(round, sector)
        if reused := sorted(set(ranks) & set(taken)):
            raise WorkflowError(
                f"Rangering {reused[0]} er allerede gitt til «{taken[reused[0]]}», som LSU har "
                "behandlet."
            )
        if not any(p.forward for p in priorities):
            raise WorkflowError("Velg minst én søknad som prioriteres og sendes til SSU.")
        done = []
        for priority in priorities:
            application = by_id[priority.application_id]
            application.lsu_rank = priority.rank
            application.lsu_comment = priority.comment
            application.lsu_item = item
            step = application.forward if priority.forward else application.set_aside
            reason = (
                "Prioritert av LSU og sendt til SSU"
                if priority.forward
                else "Ikke prioritert av LSU"
            )
            _transition(
                application,
                step,
                user=user,
                reason=reason,
                fields=["lsu_rank", "lsu_comment", "lsu_item"],
                atomic=False,
            )
            done.append(application)
        return done


def reopen_prioritisation(*, round: Round, sector, reason: str, user) -> PrioritisationReopening:
    """The LSU opens its sent prioritisation of the sector again, with a reason: the handled
    applications are back to be prioritised (rank and comment kept as they were). Refused
    once SSU has compiled the sector (Application.COMPILED_STATES)."""
    if not user.has_perm("grants.prioritise", sector):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Skriv hvorfor prioriteringen åpnes igjen.")
    with transaction.atomic():
        # The sector's applications locked, so that an SSU recommendation waits or is seen.
        handled = list(
            Application.objects.select_for_update()
            .filter(round=round, sector=sector)
            .exclude(state__in=[Application.State.DRAFT, Application.State.SUBMITTED])
            .order_by("pk")
        )
        if any(a.state in Application.COMPILED_STATES for a in handled):
            raise WorkflowError(
                f"SSU har allerede sammenstilt søknadene fra {sector}. LSUs prioritering kan "
                "ikke åpnes igjen."
            )
        if not handled:
            raise WorkflowError(f"LSU har ikke sendt noen prioritering fra {sector} ennå.")
        for application in handled:
            _transition(
                application,
                application.reopen_prioritisation,
                user=user,
                reason=f"LSUs prioritering åpnet igjen: {reason}",
                fields=[],
                atomic=False,
            )
        reopening = PrioritisationReopening(
            round=round, sector=sector, reason=reason, reopened_by=user
        )
        _stamp(reopening, user, "LSUs prioritering åpnet igjen")
        reopening.save()
        return reopening


def record_recommendation(
    application: Application, *, amount: Decimal, text: str, user
) -> Application:
    """SSU's recommendation on a forwarded application: the amount SSU recommends (0 for none,
    at most what was asked) and a comment. It moves the application to "Anbefalt av SSU"; a
    recommended application's recommendation may be changed until it is decided."""
    _require(user, "grants.recommend", application)
    if amount < 0 or amount > application.amount_asked:
        raise WorkflowError(
            f"Anbefalt beløp må være mellom 0 kr og søkt beløp ({nok(application.amount_asked)})."
        )
    with transaction.atomic():
        # Locked, so that the LSU reopening its prioritisation at the same moment waits.
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state not in Application.TO_DECIDE_STATES:
            raise WorkflowError(
                "SSU gir anbefaling bare på søknader LSU har sendt videre og som ikke er "
                f"avgjort; søknaden er {locked.get_state_display().lower()}."
            )
        locked.ssu_amount = amount
        locked.ssu_recommendation = text
        _transition(
            locked,
            locked.recommend,
            user=user,
            reason="Anbefalt av SSU",
            fields=["ssu_amount", "ssu_recommendation"],
            atomic=False,
        )
    return locked


def grant_application(
    application: Application, *, amount: Decimal, note: str, user, reason: str = "Innvilget"
) -> Application:
    """Grant an amount, at most what was asked and what is left of the sector's allocation."""
    _require(user, "grants.decide", application)
    _check_grant(application, amount)
    with transaction.atomic():
        # Lock the sector's allocation so that two grants at once cannot together overspend it.
        allocation = _locked_allocation(application.round, application.sector)
        remaining = allocation.remaining()
        if amount > remaining:
            raise WorkflowError(
                f"Det er bare {nok(remaining)} igjen av rammen til {application.sector}."
            )
        application.amount_granted = amount
        _decide(
            application,
            application.grant,
            note=note,
            user=user,
            reason=reason,
            fields=["amount_granted"],
        )
    return application


def reject_application(
    application: Application, *, note: str, user, reason: str = "Avslått"
) -> Application:
    _require(user, "grants.decide", application)
    with transaction.atomic():
        _decide(application, application.reject, note=note, user=user, reason=reason)
    return application


def move_to_next_round(
    application: Application, *, note: str, user, reason: str = "Flyttet til neste år"
) -> Application:
    """Move the application to next year's round: it appears there, submitted, without
    retyping (the round must exist)."""
    _require(user, "grants.decide", application)
    next_round = _next_round(application)
    with transaction.atomic():
        # The copy first, so that the move's history record names where it went.
        application.moved_to = _copy_to(application, next_round, user=user)
        _decide(
            application,
            application.move_to_next_round,
            note=note,
            user=user,
            reason=reason,
            fields=["moved_to"],
        )
    return application


# --- Decisions prepared as a draft set, adopted together, corrected with a reason ---


def save_draft_decision(
    application: Application, *, outcome: str, amount: Decimal | None, note: str, user
) -> DraftDecision:
    """The decision makers' draft of one undecided application's decision (Outcome): nothing
    is decided or told yet. A grant is above zero, at most what was asked, and the sector's
    grants and drafted grants together stay within its allocation."""
    _require(user, "grants.decide", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.state not in Application.TO_DECIDE_STATES:
            raise DecidedElsewhere(application)
        if outcome == Outcome.GRANT:
            _check_grant(application, amount)
            allocation = _locked_allocation(application.round, application.sector)
            other_drafts = _drafted_grants(allocation).exclude(application=application)
            left = allocation.remaining() - _sum(other_drafts, "amount")
            if amount > left:
                raise WorkflowError(
                    f"Det er bare {nok(left)} igjen av rammen til {application.sector} når de "
                    "andre utkastene regnes med."
                )
        elif outcome == Outcome.MOVE:
            _next_round(application)
        else:
            amount = None
        draft = DraftDecision.objects.filter(application=application).first()
        draft = draft or DraftDecision(application=application)
        draft.outcome, draft.amount, draft.note = outcome, amount, note
        _stamp(draft, user, "Vedtaksutkast")
        draft.save()
        return draft


def check_decision_meeting_date(held_on) -> None:
    """Decisions are adopted in a meeting that has been held: not on a later day than today
    (the applicants are told at once)."""
    if held_on > today():
        raise WorkflowError(
            "Vedtaksmøtet kan ikke ha en dato etter i dag. Vedta utkastene når møtet er holdt."
        )


def adopt_decisions(*, round: Round, held_on, participants: str, user) -> DecisionMeeting:
    """The joint decision meeting adopts every drafted decision of the round in one step: each
    application is granted, rejected or moved as drafted, with the meeting recorded on it, and
    each applicant is told once all is committed. Nothing is adopted when one draft cannot be
    (an allocation overspent, an application decided meanwhile)."""
    if not user.has_perm("grants.decide"):
        raise PermissionDenied
    check_decision_meeting_date(held_on)
    participants = "\n".join(line.strip() for line in participants.splitlines() if line.strip())
    if not participants:
        raise WorkflowError("Skriv hvem som deltok i vedtaksmøtet.")
    with transaction.atomic():
        allocations = list(round.allocations.select_for_update().order_by("pk"))
        drafts = list(
            DraftDecision.objects.select_for_update()
            .filter(application__round=round)
            .select_related("application__round__scheme", "application__sector")
            .order_by("application__sector__name", "application__lsu_rank", "application_id")
        )
        if not drafts:
            raise WorkflowError("Det er ingen vedtaksutkast å vedta.")
        for allocation in allocations:
            drafted = _sum(_drafted_grants(allocation), "amount")
            if drafted > allocation.remaining():
                raise WorkflowError(
                    f"Utkastene til {allocation.sector} er {nok(drafted)}, men det er bare "
                    f"{nok(allocation.remaining())} igjen av rammen."
                )
        meeting = DecisionMeeting(
            round=round, held_on=held_on, participants=participants, adopted_by=user
        )
        _stamp(meeting, user, "Vedtakene vedtatt samlet")
        meeting.save()
        for draft in drafts:
            _adopt(draft, meeting, user=user)
        DraftDecision.objects.filter(pk__in=[d.pk for d in drafts]).delete()
    return meeting


def _adopt(draft: DraftDecision, meeting: DecisionMeeting, *, user) -> None:
    application = draft.application
    if application.state not in Application.TO_DECIDE_STATES:
        raise DecidedElsewhere(application)
    application.decision_meeting = meeting
    step = {
        "note": draft.note,
        "user": user,
        "reason": f"{draft.get_outcome_display()} i vedtaksmøtet {meeting.held_on:%d.%m.%Y}",
    }
    if draft.outcome == Outcome.GRANT:
        grant_application(application, amount=draft.amount, **step)
    elif draft.outcome == Outcome.REJECT:
        reject_application(application, **step)
    else:
        move_to_next_round(application, **step)


def correct_decision(
    application: Application, *, amount: Decimal | None, note: str, reason: str, user
) -> Application:
    """Corrects an adopted decision: the amount granted (a granted application) and the note,
    with the reason recorded in the history; the applicant is told of the correction."""
    _require(user, "grants.decide", application)
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Skriv hvorfor vedtaket rettes.")
    with transaction.atomic(), recorded_step():
        application = (
            Application.objects.select_for_update()
            .select_related("round", "sector")
            .get(pk=application.pk)
        )
        if application.state not in Application.DECIDED_STATES:
            raise WorkflowError("Bare vedtatte søknader kan rettes.")
        if application.state == Application.State.GRANTED:
            _check_grant(application, amount)
            allocation = _locked_allocation(application.round, application.sector)
            left = allocation.remaining() + application.amount_granted
            if amount > left:
                raise WorkflowError(
                    f"Det er bare {nok(left)} igjen av rammen til {application.sector}."
                )
            application.amount_granted = amount
        application.decision_note = note
        _stamp(application, user, f"Vedtaket rettet: {reason}")
        application.save(update_fields=["amount_granted", "decision_note"])
    tell = partial(receipt.send_outcome, application, correction=reason)
    transaction.on_commit(tell, robust=True)
    return application


def _check_grant(application: Application, amount: Decimal | None) -> None:
    if amount is None or amount <= 0:
        raise WorkflowError("Innvilget beløp må være større enn null.")
    if amount > application.amount_asked:
        raise WorkflowError(
            f"Innvilget beløp ({nok(amount)}) er større enn søkt beløp "
            f"({nok(application.amount_asked)})."
        )


def _locked_allocation(round: Round, sector) -> Allocation:
    allocation = Allocation.objects.select_for_update().filter(round=round, sector=sector).first()
    if allocation is None:
        raise WorkflowError(f"{sector} har ingen ramme i {round}.")
    return allocation


def _drafted_grants(allocation: Allocation):
    return DraftDecision.objects.filter(
        outcome=Outcome.GRANT,
        application__round_id=allocation.round_id,
        application__sector_id=allocation.sector_id,
        application__state__in=Application.TO_DECIDE_STATES,
    )


def _sum(queryset, field: str) -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0")


def _next_round(application: Application) -> Round:
    next_round = Round.objects.filter(
        scheme=application.round.scheme, year=application.round.year + 1
    ).first()
    if next_round is None:
        raise WorkflowError(
            f"Runden for {application.round.year + 1} er ikke opprettet ennå. "
            "Sekretariatet må opprette den først."
        )
    return next_round


def _copy_to(application: Application, round: Round, *, user) -> Application:
    partners = list(application.partners.all())
    measures = list(application.measures.all())
    lines = list(application.budget_lines.all())
    copy = Application(
        round=round,
        sector=application.sector,
        # It arrives submitted: next year's LSU treats it again, without retyping.
        state=Application.State.SUBMITTED,
        title=application.title,
        summary=application.summary,
        focus_area=application.focus_area,
        applicant_organisation=application.applicant_organisation,
        contact_name=application.contact_name,
        contact_email=application.contact_email,
        period_start=application.period_start,
        period_end=application.period_end,
        amount_asked=application.amount_asked,
        continues=application.continues,
        created_by=application.created_by,
        submitted_at=timezone.now(),
    )
    numbering.give_reference(copy)
    _stamp(copy, user, f"Flyttet fra {application.round}")
    copy.save()
    copy.partners.set(partners)
    copy.measures.set(measures)
    for line in lines:
        line.pk = None
        line.application = copy
        line.save()
    return copy


def _transition(application, step, *, user, reason: str, fields: list[str], atomic: bool = True):
    """Take a django-fsm transition and save the state and the step's own `fields` only, so a
    stale copy cannot overwrite what others saved meanwhile. A wrong state, or a state changed
    by someone else since the copy was read, is a WorkflowError."""

    def run():
        try:
            step()
        except TransitionNotAllowed:
            state = application.get_state_display().lower()
            raise WorkflowError(f"Søknaden er {state}; det steget kan ikke tas nå.") from None
        _stamp(application, user, reason)
        try:
            application.save(update_fields=["state", *fields])
        except STATE_CHANGED_MEANWHILE:
            raise WorkflowError(
                "Noen andre har behandlet søknaden samtidig. Last siden på nytt for å se utfallet."
            ) from None

    if atomic:
        with transaction.atomic():
            run()
    else:
        run()


def _decide(application, step, *, note: str, user, reason: str, fields=()) -> None:
    """The decision's transition (grant, reject or move) with the decision maker's note, inside
    the caller's transaction; the applicant is told the outcome once it is committed."""
    application.decision_note = note
    _transition(
        application,
        step,
        user=user,
        reason=reason,
        fields=["decided_at", "decision_note", "decision_meeting", *fields],
        atomic=False,
    )
    _after_commit(receipt.send_outcome, application)


def _after_commit(send, application: Application) -> None:
    """Tell the applicant (receipt.py) once the step is committed; a failing mail server is
    logged and does not undo the step."""
    transaction.on_commit(partial(send, application), robust=True)


def _require(user, permission: str, application: Application) -> None:
    if not user.has_perm(permission, application):
        raise PermissionDenied


def _stamp(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
