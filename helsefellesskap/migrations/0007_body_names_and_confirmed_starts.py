"""Bodies get dated earlier names, a successor and the source of their period; memberships get a
required start with a flag for "start unknown: the first date a source confirms".

Data: each body's free-text former names become undated earlier names (one per name, nothing
lost; the secretariat dates them). Each membership without a start gets the first date we can
show it was held, and is marked `start_unknown`, so it is never counted before that date:
1. a date its `source` names, if not after its end ("Referat Partnerskapsmøtet 14.10.2025");
2. else the first meeting of its body where the person's attendance is recorded;
3. else the day the row was first recorded in its history;
4. else its end date (it was certainly held on its last day);
5. else the day of this migration (the portal confirms it from now).
History rows of such a membership without a start get the same date.
"""

import re
from datetime import date

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


SOURCE_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")


def dates_named_in(text: str) -> list[date]:
    days = []
    for day, month, year in SOURCE_DATE.findall(text or ""):
        try:
            days.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return days


def first_recorded_attendance(connection, body_id: int, person_id: int) -> date | None:
    """The meetings app sits above the register, so its tables are read without its models
    (and only where they exist)."""
    if "meetings_attendance" not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(m.starts_at) FROM meetings_attendance a "
            "JOIN meetings_meeting m ON m.id = a.meeting_id "
            "WHERE m.body_id = %s AND a.person_id = %s",
            [body_id, person_id],
        )
        (first,) = cursor.fetchone()
    if first is None:
        return None
    return first.date() if hasattr(first, "date") else date.fromisoformat(str(first)[:10])


def confirmed_start(membership, history, connection) -> date:
    def not_after_end(day):
        return day if day and (membership.end is None or day <= membership.end) else None

    first_recorded = (
        history.filter(id=membership.pk)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    candidates = [
        *(not_after_end(day) for day in dates_named_in(membership.source)),
        not_after_end(
            first_recorded_attendance(connection, membership.body_id, membership.person_id)
        ),
        not_after_end(first_recorded.date() if first_recorded else None),
        membership.end,
    ]
    return next((day for day in candidates if day), date.today())


def keep_names_and_confirm_starts(apps, schema_editor):
    Body = apps.get_model("helsefellesskap", "Body")
    BodyName = apps.get_model("helsefellesskap", "BodyName")
    Membership = apps.get_model("helsefellesskap", "Membership")
    HistoricalMembership = apps.get_model("helsefellesskap", "HistoricalMembership")
    for body in Body.objects.exclude(former_names=""):
        for name in filter(None, (part.strip() for part in re.split(r"[;\n]", body.former_names))):
            BodyName.objects.create(
                body=body,
                name=name[:200],
                source="Tidligere navn registrert før navn fikk perioder",
            )
    connection = schema_editor.connection
    for membership in Membership.objects.filter(start__isnull=True):
        start = confirmed_start(membership, HistoricalMembership.objects, connection)
        Membership.objects.filter(pk=membership.pk).update(start=start, start_unknown=True)
        HistoricalMembership.objects.filter(id=membership.pk, start__isnull=True).update(
            start=start, start_unknown=True
        )
    # History of memberships deleted before this migration: their first recorded day.
    for row in HistoricalMembership.objects.filter(start__isnull=True):
        HistoricalMembership.objects.filter(pk=row.pk).update(
            start=row.end or row.history_date.date(), start_unknown=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helsefellesskap", "0006_composition_requirements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BodyName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="navn")),
                (
                    "short_name",
                    models.CharField(blank=True, max_length=30, verbose_name="kortnavn"),
                ),
                (
                    "valid_from",
                    models.DateField(
                        blank=True,
                        help_text="Tom hvis ukjent.",
                        null=True,
                        verbose_name="brukt fra",
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Siste dag navnet ble brukt. Tom hvis ukjent: da brukes navnet ikke for noen dato, men vises som tidligere navn.",
                        null=True,
                        verbose_name="brukt til",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="Hvor navnet og perioden står.",
                        max_length=300,
                        verbose_name="kilde",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="names",
                        to="helsefellesskap.body",
                        verbose_name="organ",
                    ),
                ),
            ],
            options={
                "verbose_name": "tidligere navn",
                "verbose_name_plural": "tidligere navn",
                "ordering": [models.OrderBy(models.F("valid_to"), nulls_first=True), "name"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBodyName",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="navn")),
                (
                    "short_name",
                    models.CharField(blank=True, max_length=30, verbose_name="kortnavn"),
                ),
                (
                    "valid_from",
                    models.DateField(
                        blank=True,
                        help_text="Tom hvis ukjent.",
                        null=True,
                        verbose_name="brukt fra",
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Siste dag navnet ble brukt. Tom hvis ukjent: da brukes navnet ikke for noen dato, men vises som tidligere navn.",
                        null=True,
                        verbose_name="brukt til",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="Hvor navnet og perioden står.",
                        max_length=300,
                        verbose_name="kilde",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField()),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="helsefellesskap.body",
                        verbose_name="organ",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical tidligere navn",
                "verbose_name_plural": "historical tidligere navn",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
                "indexes": [
                    models.Index(
                        fields=["history_date", "id"], name="helsefelles_history_86de4f_idx"
                    )
                ],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="body",
            name="period_source",
            field=models.CharField(
                blank=True,
                help_text="Hvor opprettelse og nedleggelse står, og om bare året er kjent.",
                max_length=300,
                verbose_name="kilde for perioden",
            ),
        ),
        migrations.AddField(
            model_name="body",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                help_text="Organet som overtok da dette ble nedlagt.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="predecessors",
                to="helsefellesskap.body",
                verbose_name="videreført som",
            ),
        ),
        migrations.AddField(
            model_name="historicalbody",
            name="period_source",
            field=models.CharField(
                blank=True,
                help_text="Hvor opprettelse og nedleggelse står, og om bare året er kjent.",
                max_length=300,
                verbose_name="kilde for perioden",
            ),
        ),
        migrations.AddField(
            model_name="historicalbody",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Organet som overtok da dette ble nedlagt.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="helsefellesskap.body",
                verbose_name="videreført som",
            ),
        ),
        migrations.AddField(
            model_name="historicalmembership",
            name="start_unknown",
            field=models.BooleanField(
                default=False,
                help_text="«Fra» er da ikke vervets første dag, men den første datoen en kilde bekrefter det (for eksempel et referat). Vervet telles aldri før den.",
                verbose_name="startdato ukjent – første bekreftede dato",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="start_unknown",
            field=models.BooleanField(
                default=False,
                help_text="«Fra» er da ikke vervets første dag, men den første datoen en kilde bekrefter det (for eksempel et referat). Vervet telles aldri før den.",
                verbose_name="startdato ukjent – første bekreftede dato",
            ),
        ),
        migrations.AlterField(
            model_name="body",
            name="dissolved",
            field=models.DateField(
                blank=True, help_text="Siste dag organet fantes.", null=True, verbose_name="nedlagt"
            ),
        ),
        migrations.AlterField(
            model_name="body",
            name="established",
            field=models.DateField(
                blank=True,
                help_text="Tom hvis ukjent (fra før registeret).",
                null=True,
                verbose_name="opprettet",
            ),
        ),
        migrations.AlterField(
            model_name="historicalbody",
            name="dissolved",
            field=models.DateField(
                blank=True, help_text="Siste dag organet fantes.", null=True, verbose_name="nedlagt"
            ),
        ),
        migrations.AlterField(
            model_name="historicalbody",
            name="established",
            field=models.DateField(
                blank=True,
                help_text="Tom hvis ukjent (fra før registeret).",
                null=True,
                verbose_name="opprettet",
            ),
        ),
        migrations.RunPython(keep_names_and_confirm_starts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalmembership",
            name="start",
            field=models.DateField(
                help_text="Første dag i vervet. Er den ukjent: den første datoen en kilde bekrefter vervet, og kryss av for «startdato ukjent».",
                verbose_name="fra",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="start",
            field=models.DateField(
                help_text="Første dag i vervet. Er den ukjent: den første datoen en kilde bekrefter vervet, og kryss av for «startdato ukjent».",
                verbose_name="fra",
            ),
        ),
        migrations.RemoveField(
            model_name="body",
            name="former_names",
        ),
        migrations.RemoveField(
            model_name="historicalbody",
            name="former_names",
        ),
    ]
