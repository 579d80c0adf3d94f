"""The household's credit ledger (wallet): credit, spend, balance. The balance is the sum of
the rows.

A card attempt that credit pays part of *reserves* that credit (``Payment.credit_cents``)
instead of spending it: the spend is written when the attempt holds money
(:func:`spend_reserved`), never for an attempt that fails. What new spends may take is the
balance less the reservations of live attempts that hold no money yet (:func:`available`).

Spending locks the household's row (``SELECT … FOR UPDATE`` on the user) before summing, so two
payments at once are serialised and neither can spend credit the other already took: the
balance never goes below zero. Each movement is unique per (household, reason, reference), so a
retry finds the row instead of moving the money twice.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Sum

from accounts.models import User
from payments.models import RESERVING_CREDIT, CreditEntry, CreditPreference, Payment


def balance(*, household: User) -> int:
    """The household's credit in cents: the sum of its ledger."""
    total = CreditEntry.objects.filter(household=household).aggregate(total=Sum("amount_cents"))
    return total["total"] or 0


def reserved(*, household_id: int) -> int:
    """Credit reserved by the household's live card attempts that hold no money yet."""
    total = Payment.objects.filter(
        payer_id=household_id, status__in=RESERVING_CREDIT, credit_cents__gt=0
    ).aggregate(total=Sum("credit_cents"))
    return total["total"] or 0


def available(*, household: User) -> int:
    """What new spends may take: the balance less the live reservations (never below 0).
    Exact only under :func:`lock_household`."""
    return max(balance(household=household) - reserved(household_id=household.pk), 0)


def spent_on(*, household_id: int, reference_prefix: str) -> int:
    """Credit spent (net of what came back) under references starting with the prefix."""
    spent = CreditEntry.objects.filter(
        household_id=household_id, reference__startswith=reference_prefix
    ).aggregate(total=Sum("amount_cents"))["total"]
    return -(spent or 0)


def lock_household(household_id: int) -> None:
    """Serialise the ledger writes of one household (its user row, FOR UPDATE)."""
    User.objects.select_for_update().filter(pk=household_id).values_list("pk", flat=True).first()


def _record(*, household: User, amount_cents: int, reason: str, reference: str) -> CreditEntry:
    existing = CreditEntry.objects.filter(
        household=household, reason=reason, reference=reference
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CreditEntry.objects.create(
                household=household, amount_cents=amount_cents, reason=reason, reference=reference
            )
    except IntegrityError:  # recorded meanwhile by a twin call
        return CreditEntry.objects.get(household=household, reason=reason, reference=reference)


@transaction.atomic
def add_credit(*, household: User, amount_cents: int, reason: str, reference: str) -> CreditEntry:
    """Credit ``amount_cents`` (> 0) once for (reason, reference). Locks the household row."""
    if amount_cents <= 0:
        raise ValueError("credit must be positive")
    lock_household(household.pk)
    return _record(
        household=household, amount_cents=amount_cents, reason=reason, reference=reference
    )


@transaction.atomic
def spend_credit(*, household: User, up_to_cents: int, reference: str) -> int:
    """Spend as much credit as there is, at most ``up_to_cents``, once per ``reference``;
    returns the cents spent (0 without credit). Locks the household row, then sums the ledger:
    the balance never goes negative, also with two payments at the same instant."""
    lock_household(household.pk)
    done = CreditEntry.objects.filter(
        household=household, reason=CreditEntry.Reason.PAYMENT, reference=reference
    ).first()
    if done is not None:
        return -done.amount_cents
    amount = min(max(up_to_cents, 0), available(household=household))
    if amount <= 0:
        return 0
    _record(
        household=household,
        amount_cents=-amount,
        reason=CreditEntry.Reason.PAYMENT,
        reference=reference,
    )
    return amount


@transaction.atomic
def spend_reserved(*, household: User, amount_cents: int, reference: str) -> int:
    """Write the spend of credit a card attempt reserved, now that it holds money: exactly
    ``amount_cents``, once per ``reference``. The reservation kept it out of every other spend
    (the household's row is locked, and the attempt no longer counts as reserving once it
    holds money, so the credit is not counted twice)."""
    if amount_cents <= 0:
        return 0
    lock_household(household.pk)
    entry = _record(
        household=household,
        amount_cents=-amount_cents,
        reason=CreditEntry.Reason.PAYMENT,
        reference=reference,
    )
    return -entry.amount_cents


@transaction.atomic
def debit(*, household: User, amount_cents: int, reason: str, reference: str) -> CreditEntry:
    """Take ``amount_cents`` (> 0) out of the credit once for (reason, reference), e.g. credit
    given back to the card. The caller holds the household's lock and has checked
    :func:`available`."""
    if amount_cents <= 0:
        raise ValueError("a debit must be positive")
    lock_household(household.pk)
    return _record(
        household=household, amount_cents=-amount_cents, reason=reason, reference=reference
    )


@transaction.atomic
def take_back_credit(
    *, household: User, amount_cents: int, reason: str, reference: str
) -> CreditEntry | None:
    """Take back ``amount_cents`` (> 0) of credit given earlier (a skipped week undone): all
    or nothing, once for (reason, reference). None when the household no longer has that
    much to spend (spent, or reserved by a card attempt): nothing is written. Locks the
    household row, then sums the ledger (as :func:`spend_credit`)."""
    if amount_cents <= 0:
        raise ValueError("credit taken back must be positive")
    lock_household(household.pk)
    done = CreditEntry.objects.filter(household=household, reason=reason, reference=reference)
    if done.exists():
        return done.first()
    if available(household=household) < amount_cents:
        return None
    return _record(
        household=household, amount_cents=-amount_cents, reason=reason, reference=reference
    )


def refunds_to_credit(*, household: User) -> bool:
    """Has the household chosen to keep money given back as credit rather than on its card?"""
    return CreditPreference.objects.filter(user=household, refunds_to_credit=True).exists()


@transaction.atomic
def set_refund_preference(*, household: User, to_credit: bool) -> CreditPreference:
    """Money given back goes to the card (default) or to the credit balance."""
    preference, _created = CreditPreference.objects.update_or_create(
        user=household, defaults={"refunds_to_credit": to_credit}
    )
    return preference
