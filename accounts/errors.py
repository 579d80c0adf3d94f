from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class EmailTaken(DomainError):
    code = "email_taken"
    status = 409
    default_message = _("An account already exists with this e-mail address.")


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 400
    default_message = _("E-mail address or password incorrect.")


class LockedOut(DomainError):
    code = "locked_out"
    status = 429
    default_message = _("Too many failed attempts. Please try again later.")
