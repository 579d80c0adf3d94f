"""Refusals of distribution day; codes are stable, clients rely on them."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class NotCollectable(DomainError):
    code = "order_not_collectable"
    status = 409
    default_message = _("This order cannot be handed over.")


class UndoExpired(DomainError):
    code = "undo_expired"
    status = 409
    default_message = _("It is too late to undo this handover.")


class DistributionNotCancellable(DomainError):
    code = "distribution_not_cancellable"
    status = 409
    default_message = _("Only a distribution whose sale has not closed yet can be cancelled.")
