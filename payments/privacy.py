"""The household's money in its personal data (:mod:`accounts.personal_data`).

Export: payments (never a card number: brand and last 4 digits of saved cards only), refunds,
the credit ledger, top-ups, saved cards.

Erasure: credit goes back to the cards it came from first (:mod:`payments.services.withdrawals`,
within ``CREDIT_REFUND_WINDOW_DAYS``); credit that cannot (older payments, credit that never came
from a card) makes the erasure wait with ``credit_not_refundable``, before anything is done. So
does a payment still in progress (``payment_in_progress``) and a refund Stripe has not taken
yet (``refund_pending``). The payments, refunds and ledger rows stay (the books), on the
anonymised account; saved cards and the Stripe customer are deleted (Stripe forgets the e-mail
address, after the commit, retried while Stripe is down).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import personal_data
from accounts.models import User
from accounts.personal_data import Blocker, PersonalData, Section
from common.money import format_eur
from payments.errors import NothingRefundable
from payments.models import (
    LIVE_PAYMENT_STATUSES,
    CreditEntry,
    CreditPreference,
    Payment,
    Refund,
    SavedCard,
    StripeCustomer,
    Topup,
)
from payments.services.wallet import available, balance
from payments.services.withdrawals import refundable_payments, withdraw_credit
from payments.tasks import delete_stripe_customer_task

# A live attempt that has not reached a final state (it may still take money); one abandoned
# long ago (an unanswered 3-D Secure) holds nothing and blocks nothing unless it reserves credit.
IN_PROGRESS = tuple(s for s in LIVE_PAYMENT_STATUSES if s not in ("requires_capture", "succeeded"))


def blockers(user: User) -> list[Blocker]:
    found = []
    recently = timezone.now() - timedelta(minutes=settings.ORDER_EXPIRY_MINUTES)
    in_progress = Payment.objects.filter(payer=user, status__in=IN_PROGRESS).filter(
        Q(credit_cents__gt=0) | Q(updated_at__gte=recently)
    )
    if in_progress.exists():
        found.append(
            Blocker(
                "payment_in_progress",
                ngettext(
                    "A card payment is in progress: finish or abandon it, then try again in "
                    "%(minutes)s minute.",
                    "A card payment is in progress: finish or abandon it, then try again in "
                    "%(minutes)s minutes.",
                    settings.ORDER_EXPIRY_MINUTES,
                )
                % {"minutes": settings.ORDER_EXPIRY_MINUTES},
            )
        )
    if Refund.objects.filter(payment__payer=user, stripe_refund_id="").exists():
        found.append(
            Blocker(
                "refund_pending",
                _(
                    "A refund to your card is on its way but our payment provider has not "
                    "confirmed it yet: try again in a few minutes."
                ),
            )
        )
    credit = balance(household=user) + personal_data.credit_back(user)
    if credit > 0:
        recent, _old = refundable_payments(household=user)
        refundable = sum(item.cents for item in recent)
        if credit > refundable:
            found.append(
                Blocker(
                    "credit_not_refundable",
                    ngettext(
                        "You have %(credit)s of credit and only %(refundable)s of it can go "
                        "back to your card (card payments of the last %(days)s day). Spend "
                        "the rest on an order, or write to %(email)s so that we settle it "
                        "with you; your account can be deleted after that.",
                        "You have %(credit)s of credit and only %(refundable)s of it can go "
                        "back to your card (card payments of the last %(days)s days). Spend "
                        "the rest on an order, or write to %(email)s so that we settle it "
                        "with you; your account can be deleted after that.",
                        settings.CREDIT_REFUND_WINDOW_DAYS,
                    )
                    % {
                        "credit": format_eur(credit),
                        "refundable": format_eur(refundable),
                        "days": settings.CREDIT_REFUND_WINDOW_DAYS,
                        "email": settings.OPERATORS_EMAIL,
                    },
                    {"credit_cents": credit, "refundable_cents": refundable},
                )
            )
    return found


def give_credit_back(user: User) -> None:
    """Last step before the erasure: all the credit goes back to the cards."""
    amount = available(household=user)
    if amount > 0:
        # Nothing refundable: the erasure's second look at the blockers says so.
        with suppress(NothingRefundable):
            withdraw_credit(household=user, amount_cents=amount)


def erase(user: User) -> list[str]:
    customer = StripeCustomer.objects.filter(user=user).first()
    if customer is not None:
        customer_id = customer.customer_id
        SavedCard.objects.filter(customer=customer).delete()
        customer.delete()
        transaction.on_commit(lambda: delete_stripe_customer_task.delay(customer_id))
    CreditPreference.objects.filter(user=user).delete()
    Payment.objects.filter(payer=user).exclude(client_secret="").update(client_secret="")
    return []


def _payment(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "paid_for": payment.purpose_kind,
        "reference": payment.purpose_id,
        "created_at": payment.created_at,
        "status": payment.status,
        "amount_cents": payment.amount_cents,
        "amount_received_cents": payment.amount_received_cents,
        "credit_cents": payment.credit_cents,
        "stripe_payment_intent": payment.intent_id or "",
    }


PAYMENTS_DATA = PersonalData(
    app="payments",
    step=90,  # after every app gave its credit back (orders cancelled…)
    blockers=blockers,
    prepare=give_credit_back,
    erase=erase,
    sections=[
        Section(
            name="payments",
            description=gettext_lazy("your card payments (no card number)"),
            rows=lambda user: Payment.objects.filter(payer=user).order_by("pk"),
            row=_payment,
        ),
        Section(
            name="refunds",
            description=gettext_lazy("money given back to you, payment by payment"),
            rows=lambda user: Refund.objects.filter(payment__payer=user).order_by("pk"),
            row=lambda refund: {
                "payment": refund.payment_id,
                "created_at": refund.created_at,
                "reason": refund.reason,
                "amount_cents": refund.amount_cents,
                "to": "credit" if refund.stripe_refund_id == "credit" else "card",
            },
        ),
        Section(
            name="credit_ledger",
            description=gettext_lazy("your credit: every movement (+ credited, − spent)"),
            rows=lambda user: CreditEntry.objects.filter(household=user).order_by("pk"),
            row=lambda entry: {
                "created_at": entry.created_at,
                "amount_cents": entry.amount_cents,
                "reason": entry.reason,
                "reference": entry.reference,
            },
        ),
        Section(
            name="credit_topups",
            description=gettext_lazy("credit you topped up by card"),
            rows=lambda user: Topup.objects.filter(household=user).order_by("pk"),
            row=lambda topup: {
                "id": topup.pk,
                "created_at": topup.created_at,
                "amount_cents": topup.amount_cents,
                "status": topup.status,
                "credited_at": topup.credited_at,
            },
        ),
        Section(
            name="saved_cards",
            description=gettext_lazy("cards kept for your next payments: brand, last 4 digits"),
            rows=lambda user: SavedCard.objects.filter(customer__user=user).order_by("pk"),
            row=lambda card: {
                "brand": card.brand,
                "last4": card.last4,
                "saved_at": card.saved_at,
                "last_used_at": card.last_used_at,
            },
        ),
    ],
)
