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


class IdempotencyKeyReused(DomainError):
    """The key of an earlier order, sent with another request (Stripe's rule): the client
    reused a key by mistake, and answering the first order would hide it."""

    code = "idempotency_key_reused"
    status = 422
    default_message = _(
        "This idempotency key was already used for a different order. Use a new key for a new "
        "order."
    )


class BasketManagedBySubscription(DomainError):
    """An order prepaid by an AMAP season (its basket): its week is skipped through the
    subscription (within the season's limit and deadline, credited), never changed here."""

    code = "basket_managed_by_subscription"
    status = 409
    default_message = _(
        "This basket comes with your subscription: skip the week from your subscription's "
        "page (within its limit and deadline), and its price becomes credit."
    )
