"""Admin: the full history of each object, and Excel import/export so the secretariat can
bulk-load members. Imports always go through django-import-export's preview step."""

from django.contrib import admin
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import DateWidget, ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from .models import Body, Membership, Organisation, Person, Sector, SectorAssignment

admin.site.site_header = "Helsefellesskap Oslo – administrasjon"
admin.site.site_title = "Helsefellesskap Oslo"


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    pass


class NameWidget(ForeignKeyWidget):
    """A related object given by its name in the sheet; an unknown name is a field error
    on that row, in words the secretariat understands."""

    def __init__(self, model):
        super().__init__(model, field="name")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"Fant ingen {self.model._meta.verbose_name} med navnet «{value}» i registeret."
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                f"Flere {self.model._meta.verbose_name_plural} heter «{value}»; "
                "legg inn medlemskapet i portalen i stedet."
            ) from None


class OrganisationResource(resources.ModelResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=NameWidget(Organisation))

    class Meta:
        model = Organisation
        import_id_fields = ("name",)
        fields = ("name", "short_name", "kind", "ownership", "parent", "valid_from", "valid_to")
        clean_model_instances = True
        skip_unchanged = True


class PersonResource(resources.ModelResource):
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


class MembershipResource(resources.ModelResource):
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

    class Meta:
        model = Membership
        fields = (
            "id",
            "person",
            "body",
            "role",
            "organisation",
            "representative_kind",
            "position",
            "start",
            "end",
            "source",
        )
        clean_model_instances = True
        skip_unchanged = True


@admin.register(Organisation)
class OrganisationAdmin(HistoryImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "short_name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "ownership")
    search_fields = ("name", "short_name")


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "hospital")


@admin.register(SectorAssignment)
class SectorAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "sector", "service_area", "valid_from", "valid_to")
    list_filter = ("sector", "service_area")


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "parent", "sector", "requires_representatives")
    list_filter = ("kind", "sector")
    search_fields = ("name", "short_name")


@admin.register(Person)
class PersonAdmin(HistoryImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ("name", "title", "organisation", "email", "user")
    search_fields = ("name", "email")
    autocomplete_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(HistoryImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = ("person", "body", "role", "representative_kind", "start", "end")
    list_filter = ("body", "role", "representative_kind")
    search_fields = ("person__name", "body__name")
    autocomplete_fields = ("person", "organisation")
