"""One log line per request: method, path, status, time taken and the user's id, so that an
operator can follow a complaint ("the plan page was slow at 10.14") to the request, without
logging anything the user typed (no query string, no body)."""

import logging
import time

logger = logging.getLogger("helsefellesskap.requests")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s %.0fms user=%s",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            user.pk if user is not None and user.is_authenticated else "-",
        )
        return response
