"""Refusals of the subscriptions app; codes are stable, clients rely on them."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


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


class SeasonNotOpen(DomainError):
    code = "season_not_open"
    status = 409
    default_message = _(
        "This season is not open for subscription yet: the farm has not activated its payments."
    )


class UnskipTooLate(DomainError):
    code = "unskip_too_late"
    status = 409
    default_message = _("It is too late to undo this skip: the deadline has passed.")


class SkipInPause(DomainError):
    code = "skip_in_pause"
    status = 409
    default_message = _(
        "This week is part of a pause: it cannot be taken back on its own, the pause stays."
    )


class SkipCreditSpent(DomainError):
    code = "skip_credit_spent"
    status = 409
    default_message = _(
        "The credit this skip gave you has already been spent: the skip can no longer be undone."
    )


class BasketSoldOut(DomainError):
    code = "basket_sold_out"
    status = 409
    default_message = _("No basket is left for this week: the skip stays.")
