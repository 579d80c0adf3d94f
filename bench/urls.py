"""The production URLs plus a trivial JSON view, the baseline every ratio is measured against.
Kept out of config/urls.py: it exists for benchmarks only."""

from django.http import JsonResponse
from django.urls import include, path


def ping(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("config.urls")),
]
