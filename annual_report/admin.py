"""The admin shows reports and versions read-only where it matters: versions are made and
approved only through versions.py, so a published file cannot be changed here."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import AnnualReport, ReportVersion, StatedFigures


@admin.register(StatedFigures)
class StatedFiguresAdmin(PortalAdmin):
    list_display = ["body", "year", "meeting_count", "item_count", "source"]
    list_filter = ["year"]


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
    inlines = [ReportVersionInline]
