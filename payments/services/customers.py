"""The household's Stripe customer, the SetupIntent that saves a card, and which card pays."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from payments import gateway
from payments.models import StripeCustomer


@dataclass(frozen=True)
class Checkout:
    publishable_key: str
    client_secret: str
    saved_card: gateway.Card | None


@dataclass(frozen=True)
class ChosenCard:
    payment_method: str
    card: gateway.Card


def stripe_customer(*, household: User) -> StripeCustomer:
    """The household's Stripe customer, created once (Stripe's idempotency key and a unique
    row keep it single even when two checkouts race)."""
    customer = StripeCustomer.objects.filter(user=household).first()
    if customer is not None:
        return customer
    customer_id = gateway.create_customer(email=household.email, user_id=household.pk)
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(user=household, customer_id=customer_id)
    except IntegrityError:
        return StripeCustomer.objects.get(user=household)


def checkout(*, household: User) -> Checkout:
    """What the page needs to pay: the publishable key, the client secret of a SetupIntent
    that saves a card (kept and reused until a card is saved with it), and the saved card."""
    customer = stripe_customer(household=household)
    if not customer.setup_client_secret:
        intent = gateway.create_setup_intent(customer_id=customer.customer_id)
        StripeCustomer.objects.filter(pk=customer.pk).update(
            setup_intent_id=intent.id, setup_client_secret=intent.client_secret
        )
        customer.setup_client_secret = intent.client_secret
    saved = (
        gateway.Card(brand=customer.card_brand, last4=customer.card_last4)
        if customer.payment_method_id
        else None
    )
    return Checkout(settings.STRIPE_PUBLISHABLE_KEY, customer.setup_client_secret, saved)


def remember_card(*, customer: StripeCustomer, payment_method: str, card: gateway.Card) -> None:
    """A card that paid becomes the household's saved card (a declined one never does)."""
    if payment_method == customer.payment_method_id:
        return
    # The SetupIntent has been used: the next checkout gets a fresh one.
    StripeCustomer.objects.filter(pk=customer.pk).update(
        payment_method_id=payment_method,
        card_brand=card.brand,
        card_last4=card.last4,
        setup_intent_id="",
        setup_client_secret="",
    )


def card_to_charge(*, customer: StripeCustomer, payment_method: str = "") -> ChosenCard | None:
    """The card a payment uses: ``payment_method`` if it is the household's own (saved, or
    just confirmed through its SetupIntent — see :func:`payments.gateway.customer_card`), else
    400 ``invalid_payment_method``; without one, the saved card (None: no card at all)."""
    saved = gateway.Card(brand=customer.card_brand, last4=customer.card_last4)
    if not payment_method or payment_method == customer.payment_method_id:
        if not customer.payment_method_id:
            return None
        return ChosenCard(customer.payment_method_id, saved)
    card = gateway.customer_card(
        payment_method=payment_method,
        customer_id=customer.customer_id,
        setup_intent_id=customer.setup_intent_id,
    )
    return ChosenCard(payment_method, card)
