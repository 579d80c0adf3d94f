"""Hooks for django-axes: which address an attempt is for, and what a locked-out person sees."""

from django.http import JsonResponse
from django.shortcuts import render

from accounts.errors import LockedOut

# django-axes keeps the attempted address in a 255-character column.
ATTEMPT_MAX_LENGTH = 255


def attempted_email(request, credentials: dict | None) -> str:
    """The address a log-in attempt is for, as django-axes records it: cut to what its column
    holds (no account has a longer one; an attempt with one must not crash the log-in)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower()[:ATTEMPT_MAX_LENGTH]


def locked_out_response(request, credentials: dict | None = None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(LockedOut().as_dict(), status=LockedOut.status)
    return render(request, "accounts/locked_out.html", status=429)
