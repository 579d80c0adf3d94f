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


class LineNotFound(DomainError):
    """A line that is not the farm's own (or does not exist): the same answer for both."""

    code = "line_not_found"
    status = 404
    default_message = _("No such line among your farm's sales.")


class SaleNotClosed(DomainError):
    code = "sale_not_closed"
    status = 409
    default_message = _("The sale of this distribution has not closed yet.")


class LineNotSold(DomainError):
    code = "line_not_sold"
    status = 409
    default_message = _("This line was not sold at the close: there is nothing to correct.")


class AlreadyHandedOver(DomainError):
    """The household collected its order: a correction is then a complaint for the host or
    the operators, not the farm's to make."""

    code = "already_handed_over"
    status = 409
    default_message = _(
        "This order was already handed over: ask the host or the team to correct it."
    )


class QuantityAboveOrdered(DomainError):
    code = "quantity_above_ordered"
    status = 400
    default_message = _("The quantity delivered cannot be more than the quantity sold.")


class NotSoldByWeight(DomainError):
    code = "not_sold_by_weight"
    status = 409
    default_message = _("This product is not sold by weight: correct its quantity instead.")


class WeightAlreadyCharged(DomainError):
    """The order's price is final (every line weighed, its card settled or about to be): a
    weight may still go down (the difference comes back), not up."""

    code = "weight_already_charged"
    status = 409
    default_message = _("This order's price is already final: its weight can only go down now.")
