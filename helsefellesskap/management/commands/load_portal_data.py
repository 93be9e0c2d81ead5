"""Load the real Helsefellesskap Oslo register and portfolio plan and, outside production, the
demo logins.

Idempotent: the fixtures carry fixed primary keys, so a second run updates the same rows.
"""

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

REAL_DATA_FIXTURES = ["register", "portfolio"]
DEMO_FIXTURES = ["demo"]


class Command(BaseCommand):
    help = (
        "Laster det ekte registeret for Helsefellesskap Oslo og (utenfor produksjon) demobrukere."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Ikke last demobrukerne (kun ekte data)."
        )

    def handle(self, *args, no_demo=False, **options):
        call_command("loaddata", *REAL_DATA_FIXTURES, verbosity=options["verbosity"])
        if no_demo:
            return
        if settings.PRODUCTION:
            raise CommandError(
                "Demobrukere lastes aldri i produksjon. Kjør med --no-demo for bare ekte data."
            )
        call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
