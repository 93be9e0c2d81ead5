"""Admin for meetings, with history. Day-to-day work happens in the meeting pages.

Once a meeting's minutes are approved, its record (the meeting, the minutes, items with their
decisions, attachments, attendance) is shown read-only and cannot be deleted here: the models
refuse it too (GuardedRecord), and corrections are made on the item's minutes page with a
reason. Follow-ups stay open for their progress, but are not deleted from a locked record.
"""

from django.contrib import admin

from helsefellesskap.admin_base import PortalAdmin

from .models import (
    Activity,
    Attachment,
    Attendance,
    FollowUp,
    Item,
    ItemPart,
    Meeting,
    Minutes,
    ParticipantGroup,
    locked_meeting_ids,
)


class LockedRecordAdmin(PortalAdmin):
    """Objects of a locked record are read-only: no change, no delete (also not through the
    change list's delete action, which asks for each object)."""

    def is_locked(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.record_locked

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(obj)


class LockedInline(admin.TabularInline):
    """An inline of a record's part (a meeting's items, an item's parts), fixed with its
    parent's record."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _locked_record(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _locked_record(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _locked_record(obj)


def _locked_record(obj) -> bool:
    return obj is not None and obj.pk is not None and obj.record_locked


class ItemInline(LockedInline):
    # `meeting` is the inline's parent: its items are fixed with its record.
    model = Item
    fields = ("position", "kind", "title")
    show_change_link = True


class ItemPartInline(LockedInline):
    model = ItemPart
    fields = ("position", "title", "purpose", "presenter", "text")


class ParticipantGroupInline(LockedInline):
    model = ParticipantGroup
    fields = ("position", "heading")


@admin.register(Meeting)
class MeetingAdmin(LockedRecordAdmin):
    list_display = ("__str__", "body", "starts_at", "location")
    list_filter = ("body",)
    date_hierarchy = "starts_at"
    inlines = [ItemInline, ParticipantGroupInline]


@admin.register(ItemPart)
class ItemPartAdmin(LockedRecordAdmin):
    list_display = ("title", "item", "position")
    search_fields = ("title", "purpose", "text")


@admin.register(ParticipantGroup)
class ParticipantGroupAdmin(LockedRecordAdmin):
    list_display = ("heading", "meeting", "position")


@admin.register(Item)
class ItemAdmin(LockedRecordAdmin):
    list_display = ("label", "title", "meeting", "kind")
    list_filter = ("kind", "body")
    search_fields = ("title", "decision", "minutes_text")
    readonly_fields = ("body", "year", "number")
    inlines = [ItemPartInline]


@admin.register(Activity)
class ActivityAdmin(PortalAdmin):
    list_display = ("title", "kind", "body", "starts_on", "ends_on")
    list_filter = ("kind",)


@admin.register(Attendance)
class AttendanceAdmin(LockedRecordAdmin):
    list_display = ("person", "meeting", "status", "group")
    list_filter = ("status",)


@admin.register(Minutes)
class MinutesAdmin(LockedRecordAdmin):
    list_display = ("meeting", "status", "approved_on")

    def is_locked(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.is_locked


@admin.register(FollowUp)
class FollowUpAdmin(LockedRecordAdmin):
    list_display = ("title", "responsible", "due_on", "status")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        # A follow-up's progress is kept after the minutes are approved.
        return PortalAdmin.has_change_permission(self, request, obj)

    def is_locked(self, obj) -> bool:
        return obj is not None and bool(locked_meeting_ids([obj.item.meeting_id]))


@admin.register(Attachment)
class AttachmentAdmin(LockedRecordAdmin):
    list_display = ("name", "item", "size")
    readonly_fields = ("size",)
