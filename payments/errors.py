"""Refusals of the payments layer; codes are stable, clients rely on them."""

from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


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


# --- Saved cards ------------------------------------------------------------------------------


class CardNotFound(DomainError):
    code = "card_not_found"
    status = 404
    default_message = _("This card is not among your saved cards.")


class CardInUse(DomainError):
    code = "card_in_use"
    status = 409
    default_message = _(
        "This card is needed by a payment under way (or an amount authorised until the sale "
        "closes). You can remove it once that payment is settled."
    )


# --- Top-ups and credit given back to the card ---------------------------------------------


class TopupAmountOutOfRange(DomainError):
    code = "topup_amount_out_of_range"
    status = 400
    default_message = _("Choose an amount between the smallest and the largest top-up.")


class WithdrawalExceedsCredit(DomainError):
    code = "withdrawal_exceeds_credit"
    status = 409
    default_message = _("You cannot ask back more than your credit.")


class NothingRefundable(DomainError):
    code = "nothing_refundable"
    status = 409
    default_message = _(
        "None of your credit can go back to a card: it does not come from a recent card payment."
    )
