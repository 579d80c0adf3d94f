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


class UnknownToken(DomainError):
    """No token has this secret (never issued, revoked or deleted after expiry)."""

    code = "authentication_failed"
    status = 401
    default_message = _("Invalid token.")


class InactiveAccount(DomainError):
    code = "authentication_failed"
    status = 401
    default_message = _("User inactive or deleted.")


class TokenExpired(DomainError):
    code = "token_expired"
    status = 401
    default_message = _("This token has expired: ask for a new one with your e-mail and password.")
