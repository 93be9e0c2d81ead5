"""Admin for the plans, with history. Day-to-day editing happens in the grid page; the admin is
for the secretariat's rare repairs."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0


@admin.register(Plan)
class PlanAdmin(PortalAdmin):
    list_display = ("title", "body", "dated")
    inlines = [ColumnInline]


@admin.register(FocusArea)
class FocusAreaAdmin(PortalAdmin):
    list_display = ("name", "plan", "position")
    list_filter = ("plan",)


@admin.register(MeasureGroup)
class MeasureGroupAdmin(PortalAdmin):
    list_display = ("name", "area", "position")
    list_filter = ("area__plan",)


@admin.register(Measure)
class MeasureAdmin(PortalAdmin):
    list_display = ("name", "group", "responsible_body", "position")
    list_filter = ("group__area__plan", "group__area")
    search_fields = ("name",)


@admin.register(Cell)
class CellAdmin(PortalAdmin):
    list_display = ("measure", "column", "text", "status")
    list_filter = ("column__plan", "status")
    search_fields = ("text", "measure__name")
    readonly_fields = ("version",)
