"""The portal's URLs and the floor: the cheapest page through the same middleware (session,
login required, CSRF, CSP, history, axes), to compare the real pages with."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/gulv/", floor, name="floor"),
    path("", include("helsefellesskap.urls")),
]
