"""Admin: the full history of each object, and Excel import/export so the secretariat can
bulk-load members. Imports always go through django-import-export's preview step."""

from django.contrib import admin
from import_export import fields
from import_export.widgets import DateWidget, ForeignKeyWidget

from .admin_base import NameWidget, PortalAdmin, PortalImportExportAdmin, PortalResource
from .admin_imports import ImportRefused
from .models import (
    Body,
    BodyName,
    CompositionRequirement,
    Membership,
    Organisation,
    Person,
    Sector,
    SectorAssignment,
)

admin.site.site_header = "Helsefellesskap Oslo – administrasjon"
admin.site.site_title = "Helsefellesskap Oslo"


class OrganisationResource(PortalResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=NameWidget(Organisation))

    class Meta:
        model = Organisation
        import_id_fields = ("name",)
        fields = ("name", "short_name", "kind", "ownership", "parent", "valid_from", "valid_to")
        clean_model_instances = True
        skip_unchanged = True


class PersonResource(PortalResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NameWidget(Organisation),
    )

    class Meta:
        model = Person
        fields = ("id", "name", "title", "organisation", "email", "phone")
        clean_model_instances = True
        skip_unchanged = True


class SeatWidget(ForeignKeyWidget):
    """A named seat in the row's body, by the seat's name as the source gives it («Klinikkleder,
    Klinikk for akutt- og mottaksmedisin»); blank when the member holds no named seat. Each seat
    is looked up once per import."""

    def __init__(self):
        super().__init__(CompositionRequirement, field="seat")
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        body = (row or {}).get("body")
        if (body, value) not in self.found:
            self.found[body, value] = self.look_up(value, body)
        return self.found[body, value]

    def look_up(self, value, body):
        seats = list(CompositionRequirement.objects.filter(body__name=body, seat=value)[:2])
        if not seats:
            raise ImportRefused(f"{body} har ingen navngitt plass som heter «{value}».")
        if len(seats) > 1:
            raise ImportRefused(
                f"{body} har flere plasser som heter «{value}»; "
                "velg plassen i medlemskapet i portalen i stedet."
            )
        return seats[0]


class MembershipResource(PortalResource):
    """Columns by name, not id, so a member list typed in Excel can be loaded as it is."""

    person = fields.Field(attribute="person", column_name="person", widget=NameWidget(Person))
    body = fields.Field(attribute="body", column_name="body", widget=NameWidget(Body))
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NameWidget(Organisation),
    )
    start = fields.Field(attribute="start", column_name="start", widget=DateWidget("%d.%m.%Y"))
    end = fields.Field(attribute="end", column_name="end", widget=DateWidget("%d.%m.%Y"))
    seat = fields.Field(attribute="seat", column_name="seat", widget=SeatWidget())

    class Meta:
        model = Membership
        fields = (
            "id",
            "person",
            "body",
            "role",
            "organisation",
            "representative_kind",
            "seat",
            "position",
            "start",
            "start_unknown",
            "end",
            "source",
        )
        clean_model_instances = True
        skip_unchanged = True
        # Issue 17: a 10 000-row member list in well under 30 s.
        use_bulk = True
        batch_size = 500

    def reads_earlier_rows(self, instance) -> bool:
        return instance.role == Membership.Role.LEADER  # one leader at a time


@admin.register(Organisation)
class OrganisationAdmin(PortalImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "short_name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "ownership")
    search_fields = ("name", "short_name")


@admin.register(Sector)
class SectorAdmin(PortalAdmin):
    list_display = ("name", "short_name", "hospital")


@admin.register(SectorAssignment)
class SectorAssignmentAdmin(PortalAdmin):
    list_display = ("organisation", "sector", "service_area", "valid_from", "valid_to")
    list_filter = ("sector", "service_area")


class CompositionRequirementInline(admin.TabularInline):
    """The body's composition requirements, each from a date and with its source; ended by
    its «gjelder til» date rather than deleted, so the report of an earlier year still reads
    the requirements of that year (a seat someone holds cannot be deleted)."""

    model = CompositionRequirement
    fields = ("representative_kind", "seat", "count", "valid_from", "valid_to", "source")
    extra = 0


class BodyNameInline(admin.TabularInline):
    model = BodyName
    extra = 0
    fields = ("name", "short_name", "valid_from", "valid_to", "source")


@admin.register(Body)
class BodyAdmin(PortalAdmin):
    inlines = [BodyNameInline, CompositionRequirementInline]
    list_display = ("name", "kind", "parent", "sector")
    list_filter = ("kind", "sector")
    search_fields = ("name", "short_name")


@admin.register(Person)
class PersonAdmin(PortalImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ("name", "title", "organisation", "email", "user")
    search_fields = ("name", "email")
    autocomplete_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(PortalImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = (
        "person",
        "body",
        "role",
        "representative_kind",
        "start",
        "start_unknown",
        "end",
    )
    list_filter = ("body", "role", "representative_kind")
    search_fields = ("person__name", "body__name")
    autocomplete_fields = ("person", "organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The named seats of every body, each with its body's name (the portal's own form
        offers only the body's seats)."""
        if db_field.name != "seat":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["queryset"] = CompositionRequirement.objects.exclude(seat="").select_related("body")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = lambda requirement: f"{requirement.body}: {requirement.demand}"
        return field
