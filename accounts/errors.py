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


class WrongPassword(DomainError):
    """Closing an account asks for its password again."""

    code = "wrong_password"
    status = 400
    default_message = _("The password is not right.")


class ErasureWaits(DomainError):
    """The account cannot be erased yet; ``reasons`` says why, one stable ``code`` each
    (``credit_not_refundable``, ``order_in_progress``, ``subscription_active``…). Nothing was
    changed."""

    code = "erasure_waits"
    status = 409
    default_message = _("Your account cannot be deleted yet.")

    def __init__(self, reasons, **extra) -> None:
        self.reasons = list(reasons)
        message = " ".join(str(reason.message) for reason in self.reasons)
        super().__init__(
            message or self.default_message,
            reasons=[reason.as_dict() for reason in self.reasons],
            **extra,
        )


class ExportLinkExpired(DomainError):
    code = "export_link_expired"
    status = 410
    default_message = _("This download link has expired: ask for a new export from your account.")


class UnknownUnsubscribeLink(DomainError):
    code = "unknown_unsubscribe_link"
    status = 404
    default_message = _("This unsubscribe link is not valid.")
