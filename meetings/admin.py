"""Admin for meetings, with history. Day-to-day work happens in the meeting pages."""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import Activity, Attachment, Attendance, FollowUp, Item, Meeting, Minutes


class ItemInline(admin.TabularInline):
    model = Item
    fields = ("position", "kind", "title")
    extra = 0
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(PortalAdmin):
    list_display = ("__str__", "body", "starts_at", "location")
    list_filter = ("body",)
    date_hierarchy = "starts_at"
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(PortalAdmin):
    list_display = ("label", "title", "meeting", "kind")
    list_filter = ("kind", "body")
    search_fields = ("title", "decision", "minutes_text")
    readonly_fields = ("body", "year", "number")


@admin.register(Activity)
class ActivityAdmin(PortalAdmin):
    list_display = ("title", "kind", "body", "starts_on", "ends_on")
    list_filter = ("kind",)


@admin.register(Attendance)
class AttendanceAdmin(PortalAdmin):
    list_display = ("person", "meeting", "status")
    list_filter = ("status",)


@admin.register(Minutes)
class MinutesAdmin(PortalAdmin):
    list_display = ("meeting", "status", "approved_on")


@admin.register(FollowUp)
class FollowUpAdmin(PortalAdmin):
    list_display = ("title", "responsible", "due_on", "status")
    list_filter = ("status",)


@admin.register(Attachment)
class AttachmentAdmin(PortalAdmin):
    list_display = ("name", "item", "size")
    readonly_fields = ("size",)
