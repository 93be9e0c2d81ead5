"""Admin for the plans, with history. Day-to-day editing happens in the grid page; the admin is
for the secretariat's rare repairs."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .editing import references_to
from .models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0


class PlanRowAdmin(PortalAdmin):
    """A plan or row that an application, a meeting's item or a grant round points at (itself
    or through a row under it) is not deleted here either: the delete page lists them as
    protected, as it does for a protected key, and refuses (editing.references_to)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for obj in objs:
            protected += [str(reference) for reference in references_to(obj)]
        return deleted, counts, perms_needed, protected


@admin.register(Plan)
class PlanAdmin(PlanRowAdmin):
    list_display = ("title", "body", "dated")
    inlines = [ColumnInline]


@admin.register(FocusArea)
class FocusAreaAdmin(PlanRowAdmin):
    list_display = ("name", "plan", "position")
    list_filter = ("plan",)


@admin.register(MeasureGroup)
class MeasureGroupAdmin(PlanRowAdmin):
    list_display = ("name", "area", "position")
    list_filter = ("area__plan",)


@admin.register(Measure)
class MeasureAdmin(PlanRowAdmin):
    list_display = ("name", "group", "responsible_body", "assignment", "position")
    list_filter = ("group__area__plan", "group__area")
    search_fields = ("name",)


@admin.register(Cell)
class CellAdmin(PortalAdmin):
    list_display = ("measure", "column", "text", "status")
    list_filter = ("column__plan", "status")
    search_fields = ("text", "measure__name")
    readonly_fields = ("version",)
