"""Synthetic data at the scale of many years and many partnerships, for benchmarks and scale
tests. Never in production.

    manage.py generate_scale_data --years 10 --factor 1 --seed 1
    manage.py generate_scale_data --delete
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scale_data.common import MARKER, Sizes
from scale_data.generate import counts, delete_synthetic, generate

PRODUCTION_REFUSAL = (
    "Syntetiske data kan ikke lages eller slettes i produksjon. Kjør kommandoen mot en egen "
    "database for testing og ytelsesmåling (PORTAL_ENV=development)."
)


class Command(BaseCommand):
    help = (
        "Lager syntetiske data i samme form som de ekte (navn merket «(syntetisk)»): per år og "
        "helsefellesskap ca. 25 organer, 200 møter, 2 000 saker, 500 personer, 1 000 medlemskap "
        "med oppmøte, en porteføljeplan på 10 × 40 tiltak med endringshistorikk og 40 søknader "
        "gjennom saksgangen. Samme frø gir samme data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=1, help="Antall år (til og med i år).")
        parser.add_argument(
            "--factor", type=int, default=1, help="Antall helsefellesskap (20: hele landet)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Frø for tilfeldige verdier.")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Andel av et helt år (for tester, f.eks. 0.05).",
        )
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="Datoen dataene regnes som «i dag» (ÅÅÅÅ-MM-DD); standard er dagens dato.",
        )
        parser.add_argument(
            "--delete", action="store_true", help="Slett alle syntetiske data og avslutt."
        )

    def handle(self, *args, years, factor, seed, scale, until, delete, **options):
        if settings.PRODUCTION:
            raise CommandError(PRODUCTION_REFUSAL)
        log = self.stdout.write if options["verbosity"] > 1 else (lambda _: None)
        if delete:
            started = time.perf_counter()
            deleted = delete_synthetic(log=log)
            self.stdout.write(
                f"Slettet {deleted} syntetiske rader på {time.perf_counter() - started:.1f} s."
            )
            return
        if years < 1 or factor < 1 or not 0 < scale <= 1:
            raise CommandError("--years og --factor må være minst 1, og --scale mellom 0 og 1.")
        if counts()["bodies"]:
            raise CommandError(
                f"Databasen har allerede syntetiske data (navn som slutter på «{MARKER}»). "
                "Slett dem først med --delete."
            )
        sizes = Sizes(
            years=years,
            factor=factor,
            seed=seed,
            scale=scale,
            until=until or timezone.localdate(),
        )
        started = time.perf_counter()
        timings = generate(sizes, log=log)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{name} {count}" for name, count in counts().items())
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.stdout.write(f"Syntetiske data laget på {elapsed:.1f} s ({parts}).\n{summary}")
