"""The household's saved cards: which card pays, a card saved once it has paid, removing one.

A card is saved (a :class:`payments.models.SavedCard` row) only once a payment with it holds
money — authorised or captured. A card confirmed through a SetupIntent and then declined (the
0341 test card: Stripe attaches it, then refuses the charge), or a 3-D Secure card whose
authentication never finished, is never offered again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from payments import gateway
from payments.errors import CardInUse, CardNotFound
from payments.models import HOLDING_MONEY, Payment, SavedCard, StripeCustomer

# An attempt in one of these still needs its card: it is being sent, waits for 3-D Secure, or
# holds an authorisation to capture at the close. (A captured payment is refunded to its card
# whether or not the card is still attached.)
NEEDS_ITS_CARD = (
    "creating",
    "unknown",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
)


@dataclass(frozen=True)
class ChosenCard:
    payment_method: str
    card: gateway.Card


def saved_cards(*, household: User) -> list[SavedCard]:
    """The household's saved cards, the one used last first."""
    return list(SavedCard.objects.filter(customer__user=household))


def as_card(saved: SavedCard) -> gateway.Card:
    return gateway.Card(brand=saved.brand, last4=saved.last4)


def card_to_charge(*, customer: StripeCustomer, payment_method: str = "") -> ChosenCard | None:
    """The card a payment uses: one of the household's saved cards (``payment_method``, or the
    one used last when empty; None when it has none), or a card just confirmed through its own
    SetupIntent (see :func:`payments.gateway.customer_card`); else 400
    ``invalid_payment_method`` — another household's card, or a card removed."""
    cards = SavedCard.objects.filter(customer=customer)
    saved = (cards.filter(payment_method_id=payment_method) if payment_method else cards).first()
    if saved is not None:
        return ChosenCard(saved.payment_method_id, as_card(saved))
    if not payment_method:
        return None
    card = gateway.customer_card(
        payment_method=payment_method,
        customer_id=customer.customer_id,
        setup_intent_id=customer.setup_intent_id,
    )
    # The SetupIntent has done its work (the card is the customer's now), whether the card
    # then pays or is declined: the next checkout gets a fresh one (Stripe refuses to confirm
    # a SetupIntent twice).
    if customer.setup_intent_id:
        StripeCustomer.objects.filter(
            pk=customer.pk, setup_intent_id=customer.setup_intent_id
        ).update(setup_intent_id="", setup_client_secret="")
    return ChosenCard(payment_method, card)


def remember_card(*, customer: StripeCustomer, payment_method: str, card: gateway.Card) -> None:
    """A card that paid is saved, or becomes the one used last (called only once a payment
    with it holds money: a declined card never gets here)."""
    now = timezone.now()
    if SavedCard.objects.filter(customer=customer, payment_method_id=payment_method).update(
        last_used_at=now
    ):
        return
    try:
        with transaction.atomic():
            SavedCard.objects.create(
                customer=customer,
                payment_method_id=payment_method,
                brand=card.brand,
                last4=card.last4,
                last_used_at=now,
            )
    except IntegrityError:  # saved by a twin request meanwhile
        return
    StripeCustomer.objects.filter(pk=customer.pk).update(setup_intent_id="", setup_client_secret="")


def remember_if_paid(payment: Payment) -> None:
    """After a PaymentIntent moved on outside the pay request (3-D Secure finished in the
    browser): its card is saved if the payment now holds money. Calls Stripe for the card's
    brand and last digits when it is new; outside any transaction."""
    if payment.status not in HOLDING_MONEY or not payment.payment_method_id:
        return
    customer = StripeCustomer.objects.filter(user_id=payment.payer_id).first()
    if customer is None:
        return
    pm = payment.payment_method_id
    known = SavedCard.objects.filter(customer=customer, payment_method_id=pm).exists()
    card = gateway.Card("", "") if known else gateway.retrieve_card(payment_method=pm)
    remember_card(customer=customer, payment_method=pm, card=card)


def remove_card(*, household: User, card_id: int) -> None:
    """Remove one of the household's saved cards: detached at Stripe (it can no longer pay),
    then forgotten. Another household's card, or one already removed, is 404
    ``card_not_found``; a card that an attempt still needs (being sent, waiting for 3-D
    Secure, or an authorisation to capture at the close) is 409 ``card_in_use``. Stripe is
    called before the row goes, outside any transaction: if Stripe is down (503) the card
    stays, and removing it again is safe."""
    saved = SavedCard.objects.filter(pk=card_id, customer__user=household).first()
    if saved is None:
        raise CardNotFound()
    if Payment.objects.filter(
        payer=household, payment_method_id=saved.payment_method_id, status__in=NEEDS_ITS_CARD
    ).exists():
        raise CardInUse()
    gateway.detach_card(payment_method=saved.payment_method_id)
    SavedCard.objects.filter(pk=saved.pk).delete()
