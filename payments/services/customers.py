"""The household's Stripe customer and what a checkout needs (the SetupIntent that saves a
new card, the saved cards); which card pays is :mod:`payments.services.cards`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from payments import gateway
from payments.models import SavedCard, StripeCustomer
from payments.services.cards import as_card, saved_cards


@dataclass(frozen=True)
class Checkout:
    publishable_key: str
    client_secret: str
    saved_card: gateway.Card | None  # the card used last, offered first
    cards: list[SavedCard] = field(default_factory=list)


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
    that saves a card (kept and reused until a card confirmed with it is used), and the saved
    cards (the one used last first)."""
    customer = stripe_customer(household=household)
    if not customer.setup_client_secret:
        intent = gateway.create_setup_intent(customer_id=customer.customer_id)
        StripeCustomer.objects.filter(pk=customer.pk).update(
            setup_intent_id=intent.id, setup_client_secret=intent.client_secret
        )
        customer.setup_client_secret = intent.client_secret
    cards = saved_cards(household=household)
    saved = as_card(cards[0]) if cards else None
    return Checkout(settings.STRIPE_PUBLISHABLE_KEY, customer.setup_client_secret, saved, cards)
