"""What waits for a person: the front page's "Venter på deg" and "Nytt og kommende".

Each feature app says what it has for a user by `register(provider)` from its
AppConfig.ready() (the register knows no feature app). A provider gets the user, the user's
person (or None) and today, and returns `Task`s: a step waiting for the user, with a count
and a link straight to it, or a notice without a count (the next meeting, a published
report). Every provider asks a fixed number of queries, so the front page costs the same with
one year of data as with ten (tested).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, QuerySet
from django.utils.translation import ngettext

from .models import Membership, Person, today


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    count: int | None = None  # None: a notice, not a step to take
    detail: str = ""


@dataclass(frozen=True)
class Viewer:
    """The user a page is for, with what most providers need, read once."""

    user: object
    person: Person | None
    day: date
    led_body_ids: frozenset[int]
    body_ids: frozenset[int]


Provider = Callable[[Viewer], Iterable[Task]]
_PROVIDERS: list[Provider] = []


def counted_step(
    rows: QuerySet, singular: str, plural: str, *, one_url: Callable[[int], str], list_url: str
) -> list[Task]:
    """A step over `rows` with their count ("%(count)d …"), linking straight to the row when
    there is one and to the list when there are more; none when there are none. One query
    whatever the count."""
    found = rows.aggregate(count=Count("pk"), pk=Max("pk"))
    count = found["count"]
    if not count:
        return []
    url = one_url(found["pk"]) if count == 1 else list_url
    return [Task(text=ngettext(singular, plural, count) % {"count": count}, url=url, count=count)]


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def viewer_of(user) -> Viewer:
    person = getattr(user, "person", None)
    roles = (
        list(Membership.objects.current().filter(person=person).values_list("body_id", "role"))
        if person
        else []
    )
    return Viewer(
        user=user,
        person=person,
        day=today(),
        led_body_ids=frozenset(b for b, role in roles if role in Membership.LEADING_ROLES),
        body_ids=frozenset(b for b, _ in roles),
    )


def tasks_for(user) -> tuple[list[Task], list[Task]]:
    """(steps waiting for the user, notices), in the order the apps registered."""
    steps, notices = [], []
    for _section, task in _tasks(viewer_of(user)):
        (notices if task.count is None else steps).append(task)
    return steps, notices


def counts_by_section(user) -> dict[str, int]:
    """How many steps wait for the user in each part of the menu, and in all ("home"). A
    provider's section is its app, whose pages are under the URL namespace of the same name
    (grants, meetings, portfolio, annual_report)."""
    counts = {"home": 0}
    for section, task in _tasks(viewer_of(user)):
        if task.count:
            counts[section] = counts.get(section, 0) + task.count
            counts["home"] += task.count
    return counts


def _tasks(viewer: Viewer) -> Iterable[tuple[str, Task]]:
    for provider in _PROVIDERS:
        section = provider.__module__.split(".")[0]
        for task in provider(viewer):
            if task.count is None or task.count:
                yield section, task
