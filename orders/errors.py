"""Refusals of the orders app; codes are stable, clients rely on them."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class OutOfStock(DomainError):
    code = "out_of_stock"
    status = 409
    default_message = _("Some products are no longer available in that quantity.")


class OrderingClosed(DomainError):
    code = "ordering_closed"
    status = 409
    default_message = _("Ordering for this distribution is closed.")


class PickupPointFull(DomainError):
    code = "pickup_point_full"
    status = 409
    default_message = _("This pickup point takes no more orders for this distribution.")


class OrderNotChangeable(DomainError):
    code = "order_not_changeable"
    status = 409
    default_message = _("This order can no longer be changed.")


class NotPayable(DomainError):
    code = "not_payable"
    status = 409
    default_message = _("This order is not waiting for a payment.")


class CardDeclined(DomainError):
    code = "card_declined"
    status = 402
    default_message = _("The card was declined. Try another card.")


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"
    status = 503
    default_message = _("Payments are unavailable right now. Please try again in a moment.")


class BadSignature(DomainError):
    code = "bad_signature"
    status = 400
    default_message = _("The webhook signature is not valid.")
