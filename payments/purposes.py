"""What payments are for, told by the apps that own them.

Payments knows no order, season or plot: a payment names its purpose by a kind and an id, and
the app that owns that kind registers, once (in its ``AppConfig.ready``), how payments reach
it — the way Django apps register their admin classes. ``payments`` then calls it back, and
never branches on a kind itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payments.models import Payment


@dataclass(frozen=True)
class Purpose:
    """How one kind of payable thing hears of its payments.

    - ``lock(id)``: the payable thing, its row locked (``SELECT … FOR UPDATE``), or None if it
      is gone. Always taken before the payment's own row, so every path locks in one order.
    - ``payer(thing)``: the id of the user who pays it.
    - ``changed(thing, payment)``: what Stripe says of one of its payments changed (the mirror
      moved on; it may hold money now: the owner decides what that means — paid, or to give
      back because it lapsed or was paid twice).
    - ``ended(thing, payment)``: an attempt ended without money (refused before any
      PaymentIntent, failed, cancelled): the next attempt may be made.
    - ``settled(ids)``: of these things, those whose captured money no rule of their own will
      still refund (an order once its sale has closed): credit asked back to the card may be
      refunded from their payments. None: all of them, always.
    - ``transfer_group(id)``: the Stripe ``transfer_group`` its charges carry (the transfers
      paid later out of them share it: an order's distribution); None: none.
    All but ``settled`` and ``transfer_group`` run inside the caller's transaction, the thing
    locked.
    """

    kind: str
    lock: Callable[[int], Any]
    payer: Callable[[Any], int]
    changed: Callable[[Any, Payment], None]
    ended: Callable[[Any, Payment], None]
    settled: Callable[[list[int]], set[int]] | None = None
    transfer_group: Callable[[int], str] | None = None


_REGISTRY: dict[str, Purpose] = {}


def register(purpose: Purpose) -> None:
    """Register a kind of purpose (once per kind; registering it again replaces it)."""
    _REGISTRY[purpose.kind] = purpose


def purpose(kind: str) -> Purpose:
    """The registered purpose of ``kind``; LookupError if no app registered it."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no payment purpose {kind!r} is registered") from None


def kinds() -> list[str]:
    return sorted(_REGISTRY)
