"""What each payable thing holds, told by the app that owns it: the books ``manage.py
reconcile`` checks (:mod:`payments.reconcile`).

Payments knows every card payment, refund and credit movement, but not what an order or a
season is worth. Each owner registers (in its ``AppConfig.ready``, like a purpose) a
:class:`Ledger`: its things with what they must hold now, and which credit movements are
theirs. Payments then checks, per thing and in total, that no euro is missing or counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    """One payable thing as its owner counts it.

    - ``kept_cents``: what it must hold now — the goods delivered or still to deliver (an
      order's active lines, a season's weeks not yet made into baskets). Zero once cancelled.
    - ``moved_in_cents`` / ``moved_out_cents``: money moved between two things without a card
      or the credit (a season pays each week's basket order: out of the season, into the order).
      The owners of both sides count it, so it adds up to zero over all things.
    """

    kind: str
    ref: int
    household_id: int
    kept_cents: int
    moved_in_cents: int = 0
    moved_out_cents: int = 0
    label: str = ""
    # A settlement is pending (the close or a correction decided, a task will do it): the
    # card payments are to keep this much; what they hold beyond it is to be given back.
    card_keep_cents: int | None = None
    # What the owner itself finds wrong (a basket week past with neither basket nor credit).
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ledger:
    """How one owner's things are counted.

    - ``holdings()``: every thing of this kind that may hold money (with or without payments).
    - ``credit_owners(references, payments)``: of the credit movements given (movement id →
      reference), those whose references this owner writes, with the thing each belongs to
      (credit spent on it, or given back for it): movement id → (kind, thing id). Usually a
      thing of its own kind; an owner above another may name the other's thing (a season
      credits the week of a basket order whose distribution was cancelled: the order's
      prepayment comes back through it). ``payments`` (payment id → (kind, thing id))
      resolves references that name a payment.
    """

    kind: str
    holdings: Callable[[], Iterable[Holding]]
    credit_owners: Callable[
        [dict[int, str], dict[int, tuple[str, int]]], dict[int, tuple[str, int]]
    ]


_REGISTRY: dict[str, Ledger] = {}


def register(ledger: Ledger) -> None:
    _REGISTRY[ledger.kind] = ledger


def ledgers() -> list[Ledger]:
    return [_REGISTRY[kind] for kind in sorted(_REGISTRY)]


# Checks of money that left the platform (transfers to farms and hosts), told by the app that
# decides them: each returns what does not add up, one readable line each.
_CHECKS: dict[str, Callable[[], list[str]]] = {}


def register_check(name: str, check: Callable[[], list[str]]) -> None:
    _CHECKS[name] = check


def checks() -> list[Callable[[], list[str]]]:
    return [_CHECKS[name] for name in sorted(_CHECKS)]
