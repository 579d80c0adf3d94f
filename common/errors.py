"""Domain errors and the one place that turns any API error into ``{"code", "message", ...}``.

Services raise a :class:`DomainError` subclass; the API answers with its status and code, HTML
views show its message. Codes are stable identifiers that clients may rely on.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback


class DomainError(Exception):
    """A broken rule of the trade. Subclasses set ``code``, ``status`` and a default message."""

    code: str = "error"
    status: int = status.HTTP_400_BAD_REQUEST
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, **extra: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.extra = extra
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.extra}


class Invalid(DomainError):
    code = "invalid"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("The data sent is not valid.")


def check_editable(changes: Iterable[str], editable: Iterable[str]) -> None:
    """Refuse (``invalid``, naming each field) a change to a field outside ``editable``."""
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise Invalid(errors={field: [_("This field cannot be changed.")] for field in unknown})


class NotFound(DomainError):
    code = "not_found"
    status = status.HTTP_404_NOT_FOUND
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = status.HTTP_409_CONFLICT
    default_message = _("This conflicts with the current state.")


_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "invalid",
}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: every error leaves as ``{"code": ..., "message": ..., ...}``."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django answer 500 and log it

    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body = {
            "code": "invalid",
            "message": str(_("The data sent is not valid.")),
            "errors": errors,
        }
    else:
        code = _CODES.get(type(exc)) or getattr(exc, "default_code", "error")
        body = {"code": code, "message": str(exc.detail)}
    return Response(body, status=exc.status_code, headers=headers)
