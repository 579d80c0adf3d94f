"""Pickup codes: short, said aloud or scanned at the handover, one per household per
distribution.

The alphabet leaves out look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B), so a code read from a phone
screen in a dark hall is typed right the first time.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from orders.models import Order, PickupCode

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5  # 25**5 ≈ 9.8 million codes per distribution
MAX_DRAWS = 20  # a collision is one in millions: twenty in a row means something else is wrong


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a host typed or a scanner sent, as stored (upper case, no spaces or dashes)."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def assign_pickup_code(order) -> str:
    """Give ``order`` its household's pickup code at its distribution, if it has none.

    Rule: all of a household's orders at a distribution share one code (one collection: one
    bag, one packing-list block, one handover), and no two households share a code there. The
    first order draws the code (a :class:`~orders.models.PickupCode` row); later orders reuse
    it. The row's two unique constraints decide races, no lock needed: a second order of the
    same household placed at the same time waits on the first one's insert, fails once it
    commits and reads its code; another household drawing the same code draws again.
    """
    mine = PickupCode.objects.filter(
        distribution_id=order.distribution_id, household_id=order.household_id
    )
    for _ in range(MAX_DRAWS):
        if order.pickup_code:
            return order.pickup_code
        code = mine.values_list("code", flat=True).first()
        if code is None:
            try:
                with transaction.atomic():
                    code = PickupCode.objects.create(
                        distribution_id=order.distribution_id,
                        household_id=order.household_id,
                        code=new_code(),
                    ).code
            except IntegrityError:
                continue  # the household's twin order won, or another household has this code
        Order.objects.filter(pk=order.pk).update(pickup_code=code)
        order.pickup_code = code
    if not order.pickup_code:
        raise RuntimeError(f"no pickup code for order {order.pk} after {MAX_DRAWS} draws")
    return order.pickup_code
