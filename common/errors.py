"""Domain errors: services raise a :class:`DomainError` subclass; the API answers with its
status and code (``common.api_errors.api_exception_handler``), HTML views show its message. Codes are
stable identifiers that clients may rely on."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status


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


# Geocoding (``common.geo``): here so that its task module can name them without importing it.


class AddressNotFound(DomainError):
    code = "address_not_found"
    status = 400
    default_message = _("Address not found. Try a postcode or a town name.")


class GeocoderUnavailable(DomainError):
    code = "geocoder_unavailable"
    status = 503
    default_message = _("The address service is not answering. Please try again shortly.")
