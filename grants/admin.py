"""Admin for grants, with history. The workflow's steps happen in the grant pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Allocation, Application, BudgetLine, Round, Scheme


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ("name",)


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "deadline", "total_amount")
    inlines = [AllocationInline]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "round", "sector", "state", "amount_asked", "amount_granted")
    list_filter = ("round", "sector", "state")
    search_fields = ("title",)
    readonly_fields = ("state",)
    inlines = [BudgetLineInline]
