"""Load the real Helsefellesskap Oslo register and portfolio plan and, outside production, the
demo logins.

Adds only what is missing: a row whose key is already in the database is left as it is, so
running `make run` or `make data` again never undoes what the secretariat has changed in the
portal (unlike `loaddata`, which overwrites), while rows added to a fixture later still arrive.
"""

from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.db import transaction

REAL_DATA_FIXTURES = ["register", "portfolio"]
DEMO_FIXTURES = ["demo"]


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
        with transaction.atomic():
            for name in fixtures:
                added = add_missing_rows(name)
                if options["verbosity"]:
                    self.stdout.write(f"{name}: {added} nye rader.")


def add_missing_rows(fixture_name: str) -> int:
    """Save the fixture's rows whose primary key is not in the database yet; return how many."""
    path = settings.FIXTURE_DIRS[0] / f"{fixture_name}.json"
    added = 0
    with path.open(encoding="utf-8") as fixture:
        for deserialized in serializers.deserialize("json", fixture):
            obj = deserialized.object
            if not type(obj)._default_manager.filter(pk=obj.pk).exists():
                deserialized.save()
                added += 1
    return added
