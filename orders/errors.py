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


class InvalidPaymentMethod(DomainError):
    code = "invalid_payment_method"
    status = 400
    default_message = _("This card cannot be used: save it again from the payment page.")


class PaymentInProgress(DomainError):
    code = "payment_in_progress"
    status = 409
    default_message = _(
        "A payment is already under way for this. Wait a few seconds, then reload the page."
    )


class PaymentRejected(DomainError):
    code = "payment_rejected"
    status = 400
    default_message = _("The payment service refused this payment. Try another card.")


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"
    status = 503
    default_message = _("Payments are unavailable right now. Please try again in a moment.")


class BadSignature(DomainError):
    code = "bad_signature"
    status = 400
    default_message = _("The webhook signature is not valid.")


# --- Subscriptions and credit -------------------------------------------------------------


class SeasonFull(DomainError):
    code = "season_full"
    status = 409
    default_message = _("This basket season is full. Join the waiting list to get the next place.")


class AlreadySubscribed(DomainError):
    code = "already_subscribed"
    status = 409
    default_message = _("You already subscribe to this basket for this season.")


class SkipLimitReached(DomainError):
    code = "skip_limit_reached"
    status = 409
    default_message = _("You have already skipped the maximum number of weeks for this season.")


class SkipTooLate(DomainError):
    code = "skip_too_late"
    status = 409
    default_message = _("It is too late to skip this week: the deadline has passed.")


class SubscriptionNotActive(DomainError):
    code = "subscription_not_active"
    status = 409
    default_message = _("This subscription is not active.")


class OfferClosed(DomainError):
    code = "waitlist_offer_closed"
    status = 409
    default_message = _("This offer is no longer open.")


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


class IdempotencyKeyReused(DomainError):
    """The key of an earlier order, sent with another request (Stripe's rule): the client
    reused a key by mistake, and answering the first order would hide it."""

    code = "idempotency_key_reused"
    status = 422
    default_message = _(
        "This idempotency key was already used for a different order. Use a new key for a new "
        "order."
    )
