"""Pickup codes: short, said aloud or scanned at the handover, unique per distribution.

The alphabet leaves out look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B), so a code read from a phone
screen in a dark hall is typed right the first time.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5  # 25**5 ≈ 9.8 million codes per distribution


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a host typed or a scanner sent, as stored (upper case, no spaces or dashes)."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def assign_pickup_code(order) -> str:
    """Give ``order`` a pickup code if it has none. The unique constraint on (distribution,
    code) decides between two orders drawing the same code: the loser draws again."""
    from orders.models import Order

    while not order.pickup_code:
        code = new_code()
        try:
            with transaction.atomic():
                Order.objects.filter(pk=order.pk, pickup_code="").update(pickup_code=code)
        except IntegrityError:
            continue
        order.pickup_code = Order.objects.values_list("pickup_code", flat=True).get(pk=order.pk)
    return order.pickup_code
