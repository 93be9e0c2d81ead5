"""The health endpoint for the load balancer and monitoring: /helse/ answers 200 when the
database answers and the background queue is moving, 503 otherwise, with the details as JSON.
No login: it tells nothing about the portal's contents."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

# A task waiting longer than this means no worker is taking tasks.
QUEUE_STALE_SECONDS = 300


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"feil: {error.__class__.__name__}"
    return "ok"


def queue_status() -> dict:
    """Waiting tasks and the age of the oldest, for the database queue; other backends
    (Redis) are watched by their own tools."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return {"backend": backend, "status": "ok"}
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {
        "backend": backend,
        "waiting": waiting.count(),
        "oldest_seconds": round(age),
        "status": "ok" if age <= QUEUE_STALE_SECONDS else "ingen arbeider tar oppgaver",
    }


@login_not_required
@never_cache
def health(request):
    report = {"database": database_status()}
    if report["database"] == "ok":
        report["queue"] = queue_status()
    healthy = report["database"] == "ok" and report["queue"]["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "feil", **report}, status=200 if healthy else 503
    )
