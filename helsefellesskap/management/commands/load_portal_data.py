"""Load the real Helsefellesskap Oslo register and portfolio plan and, outside production, the
demo logins.

Adds only what is missing: a row whose key is already in the database is left as it is, so
running `make run` or `make data` again never undoes what the secretariat has changed in the
portal (unlike `loaddata`, which overwrites), while rows added to a fixture later still arrive.
The one exception: a row that still holds what an earlier, wrong version of the fixture said,
and that nobody has changed since it was loaded, is corrected to today's fixture, with the
reason in its history (fixture_corrections.py).

The rows keep the fixture's primary keys, so afterwards the key sequences of the tables that got
rows are moved past them (as `loaddata` does); otherwise the first meeting or history record
the portal adds on PostgreSQL would get key 1 again.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from helsefellesskap.fixture_corrections import FixtureCorrections

REAL_DATA_FIXTURES = ["register", "portfolio", "meetings", "grants", "annual_report"]
DEMO_FIXTURES = ["demo", "demo_grants"]
# The demo grant round (fixture demo_grants) is open for three weeks from the day it is loaded:
# the fixture's deadline is only a placeholder.
DEMO_ROUND = ("grants", "Round", 9001)
DEMO_ROUND_OPEN_FOR = datetime.timedelta(weeks=3)


class Command(BaseCommand):
    help = (
        "Laster det ekte registeret og porteføljeplanen for Helsefellesskap Oslo og (utenfor "
        "produksjon) demobrukere. Rader som allerede finnes, blir ikke endret."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Ikke last demobrukerne (kun ekte data)."
        )

    def handle(self, *args, no_demo=False, **options):
        if not no_demo and settings.PRODUCTION:
            raise CommandError(
                "Demobrukere lastes aldri i produksjon. Kjør med --no-demo for bare ekte data."
            )
        fixtures = REAL_DATA_FIXTURES + ([] if no_demo else DEMO_FIXTURES)
        added_to = set()
        with transaction.atomic():
            demo_round = demo_round_rows()
            new_demo_round = not demo_round.exists()
            for name in fixtures:
                corrections = FixtureCorrections.of(name)
                corrections.apply()
                added = add_missing_rows(name, added_to)
                outcome = corrections.apply()
                if options["verbosity"]:
                    self.stdout.write(f"{name}: {added} nye rader.{outcome_text(outcome)}")
            reset_sequences(added_to)
            if new_demo_round:
                open_demo_round(demo_round.first())


def outcome_text(outcome) -> str:
    parts = []
    if outcome.corrected:
        parts.append(f"{outcome.corrected} rettet etter kilden")
    if outcome.removed:
        parts.append(f"{outcome.removed} fjernet etter kilden")
    if outcome.kept:
        parts.append(f"{outcome.kept} med tidligere innhold er endret i portalen og står urørt")
    return f" {', '.join(parts)}." if parts else ""


def open_demo_round(demo_round) -> None:
    if demo_round is None:  # loaded without the demo
        return
    open_until = timezone.localdate() + DEMO_ROUND_OPEN_FOR
    demo_round.deadline = timezone.make_aware(
        datetime.datetime.combine(open_until, datetime.time(12))
    )
    demo_round._change_reason = "Demorunden er åpen i tre uker fra den ble lastet inn."
    demo_round.save()


def demo_round_rows():
    """The demo round as a queryset (by the app registry: the register's loader imports no
    feature app)."""
    app_label, model_name, pk = DEMO_ROUND
    return apps.get_model(app_label, model_name)._default_manager.filter(pk=pk)


def add_missing_rows(fixture_name: str, added_to: set | None = None) -> int:
    """Save the fixture's rows whose primary key is not in the database yet; return how many,
    and put the models that got rows into `added_to`."""
    path = settings.FIXTURE_DIRS[0] / f"{fixture_name}.json"
    added = 0
    with path.open(encoding="utf-8") as fixture:
        for deserialized in serializers.deserialize("json", fixture):
            obj = deserialized.object
            if not type(obj)._default_manager.filter(pk=obj.pk).exists():
                deserialized.save()
                added += 1
                if added_to is not None:
                    added_to.add(type(obj))
    return added


def reset_sequences(models) -> None:
    """Move the key sequences of `models` past their largest key (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
