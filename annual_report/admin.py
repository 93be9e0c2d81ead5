"""The admin shows reports and versions read-only where it matters: versions are made and
approved only through versions.py, so a published file cannot be changed here. A report with a
published version cannot be deleted: the delete page (one report or "delete selected") lists
its published versions as what stands in the way, as Django does for protected objects, and
refuses the deletion (the models refuse it on every other path)."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import (
    AnnualReport,
    ReportVersion,
    StatedApproval,
    StatedFigures,
    StatedRoundFigures,
)


@admin.register(StatedFigures)
class StatedFiguresAdmin(PortalAdmin):
    list_display = ["body", "year", "meeting_count", "item_count", "source"]
    list_filter = ["year"]


@admin.register(StatedRoundFigures)
class StatedRoundFiguresAdmin(PortalAdmin):
    list_display = ["round", "received_count", "prioritised_count", "decided_count", "source"]


class StatedApprovalInline(admin.TabularInline):
    """A report's treatment as an earlier document records it (not the portal's approvals)."""

    model = StatedApproval
    fields = ["body", "date", "remark", "source"]
    extra = 0


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    fields = ["number", "status", "generated_at", "approved_by", "approved_on", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(PortalAdmin):
    list_display = ["year", "sector", "body"]
    list_filter = ["year"]
    inlines = [StatedApprovalInline, ReportVersionInline]

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        published = ReportVersion.objects.published().filter(report__in=[obj.pk for obj in objs])
        locked = [
            f"{version} (godkjent og publisert: kan ikke slettes)"
            for version in published.select_related("report__sector", "report__body")
        ]
        return deleted, counts, perms_needed, list(protected) + locked
