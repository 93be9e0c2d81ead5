"""Admin for grants, with history. The workflow's steps happen in the grant pages."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import Allocation, Application, BudgetLine, Round, Scheme


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0

    def has_change_permission(self, request, obj=None):
        # Budgets change in the application form, while the application is a draft.
        return super().has_change_permission(request, obj) and (
            obj is None or obj.state == Application.State.DRAFT
        )

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Scheme)
class SchemeAdmin(PortalAdmin):
    list_display = ("name",)


@admin.register(Round)
class RoundAdmin(PortalAdmin):
    list_display = ("__str__", "deadline_or_not_stated", "total_amount")
    inlines = [AllocationInline]

    @admin.display(description="søknadsfrist", ordering="deadline", empty_value="ikke oppgitt")
    def deadline_or_not_stated(self, round):
        return round.deadline


@admin.register(Application)
class ApplicationAdmin(PortalAdmin):
    list_display = ("title", "round", "sector", "state", "amount_asked", "amount_granted")
    list_filter = ("round", "sector", "state")
    search_fields = ("title",)
    # The workflow's fields change only through workflow.py (its checks: amounts, allocation,
    # who and when); the admin shows them.
    readonly_fields = (
        "state",
        "submitted_at",
        "lsu_rank",
        "lsu_comment",
        "lsu_item",
        "ssu_recommendation",
        "amount_granted",
        "decision_note",
        "decided_at",
        "moved_to",
    )
    inlines = [BudgetLineInline]

    # A decided application is part of the record (models.DecidedApplicationLocked): shown
    # read-only, never deleted, here as everywhere.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _decided(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _decided(obj)


def _decided(application) -> bool:
    return application is not None and application.state in Application.DECIDED_STATES
