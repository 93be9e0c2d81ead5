"""What every generator shares: the synthetic marker, the sizes, dates and seeded randomness.

Every row the generator writes is findable by one marker, so it can be told apart from real
data on sight and deleted again: names and titles end in MARKER, user names start with
USERNAME_PREFIX, e-mail addresses are at EMAIL_DOMAIN.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

MARKER = "(syntetisk)"
USERNAME_PREFIX = "syntetisk-"
EMAIL_DOMAIN = "syntetisk.example"

# One Oslo year, as issue 17 describes it; `scale` shrinks every one of them for tests.
PEOPLE_PER_PARTNERSHIP = 500
MEMBERSHIPS_PER_PARTNERSHIP = 1000
MEETINGS_PER_YEAR = 200
PLAN_AREAS = 10
MEASURES_PER_AREA = 40
APPLICATIONS_PER_YEAR = 40
# Share of memberships that end each year and pass to someone new.
TURNOVER = 0.2


def synthetic(name: str) -> str:
    return f"{name} {MARKER}"


@dataclass(frozen=True)
class Sizes:
    """The generator's parameters. The data is a function of these alone: the same sizes give
    the same rows, names and dates in an empty database."""

    years: int
    factor: int
    seed: int
    scale: float
    until: datetime.date  # the generator's "today": later meetings are in the future

    @property
    def first_year(self) -> int:
        return self.until.year - self.years + 1

    @property
    def year_range(self) -> range:
        return range(self.first_year, self.until.year + 1)

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def rng(self, *parts) -> random.Random:
        """An independent random stream per purpose, so one generator's draws do not shift
        another's (str seeds are hashed with SHA-512: the same in every process)."""
        return random.Random("-".join(str(p) for p in (self.seed, *parts)))


def moment(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def day_in_year(year: int, fraction: float) -> datetime.date:
    """The working day at `fraction` (0..1) of the year."""
    start = datetime.date(year, 1, 1)
    day = start + datetime.timedelta(days=min(363, max(0, int(fraction * 365))))
    return weekday_on_or_after(day)
