"""Requests no page can answer sensibly are refused before any view sees them.

A NUL character in the query string cannot be stored or searched for (PostgreSQL refuses it in
a text parameter and the query fails), so any GET parameter holding one is answered with the
portal's 400 page instead of reaching a filter or a search. Form fields refuse it on their own
(Django's ProhibitNullCharactersValidator)."""

from django.core.exceptions import BadRequest
from django.views.defaults import bad_request


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return bad_request(request, BadRequest("Ugyldig tegn i adressen."))
        return self.get_response(request)
