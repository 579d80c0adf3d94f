"""Stripe Connect: the accounts farms and hosts are paid on, and the transfers to them.

Payments knows no farm: an account belongs to an owner named by a kind and an id, and a
transfer to a key its caller chooses (billing: one per payout). Every write to Stripe is made
the way payments are: the row first (``creating``), under the caller's lock, then Stripe with
the row's key as idempotency key, then the answer. A run that finds a ``creating`` row of
another run leaves it alone; one whose answer was lost (``unknown``, or ``creating`` for
longer than :data:`CLAIM_TIMEOUT`) sends it again with the same key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import gateway
from payments.errors import PaymentInProgress, PaymentRejected
from payments.models import ConnectedAccount, Transfer, TransferReversal
from payments.signals import account_updated

CLAIM_TIMEOUT = timedelta(minutes=2)
logger = logging.getLogger(__name__)


def account_of(kind: str, ref: int) -> ConnectedAccount | None:
    return ConnectedAccount.objects.filter(owner_kind=kind, owner_id=ref).first()


def accounts_of(kind: str, refs) -> dict[int, ConnectedAccount]:
    """The accounts of several owners of one kind, by owner id (one query)."""
    found = ConnectedAccount.objects.filter(owner_kind=kind, owner_id__in=list(refs))
    return {account.owner_id: account for account in found}


def open_account(*, kind: str, ref: int, email: str, name: str) -> ConnectedAccount:
    """The owner's account, created at Stripe the first time (an Express account in France).
    The idempotency key names the owner: two clicks make one account."""
    account = account_of(kind, ref)
    if account is not None:
        return account
    made = gateway.create_account(
        email=email,
        business_name=name,
        metadata={"owner": f"{kind}-{ref}"},
        idempotency_key=f"account-{kind}-{ref}",
    )
    try:
        with transaction.atomic():
            account = ConnectedAccount.objects.create(
                owner_kind=kind, owner_id=ref, account_id=made.id
            )
    except IntegrityError:  # a twin click stored it first (Stripe answered it the same)
        return ConnectedAccount.objects.get(owner_kind=kind, owner_id=ref)
    return _mirror(account, made)


def onboarding_url(
    *, kind: str, ref: int, email: str, name: str, return_url: str, refresh_url: str
) -> str:
    """Where the owner completes (or updates) its account at Stripe: a fresh Account Link."""
    account = open_account(kind=kind, ref=ref, email=email, name=name)
    return gateway.create_account_link(
        account_id=account.account_id, return_url=return_url, refresh_url=refresh_url
    )


def _mirror(account: ConnectedAccount, seen: gateway.Account) -> ConnectedAccount:
    before = account.status
    account.charges_enabled = seen.charges_enabled
    account.payouts_enabled = seen.payouts_enabled
    account.details_submitted = seen.details_submitted
    account.requirements_due = sorted(set(seen.currently_due) | set(seen.past_due))
    account.disabled_reason = seen.disabled_reason[:100]
    account.save()
    if account.status != before:
        transaction.on_commit(
            lambda: account_updated.send(sender=ConnectedAccount, account_id=account.pk)
        )
    return account


def refresh_account_from(account: ConnectedAccount, seen: gateway.Account) -> ConnectedAccount:
    """Mirror what Stripe answered of the account."""
    return _mirror(account, seen)


def refresh_account(account: ConnectedAccount) -> ConnectedAccount:
    """Read the account again from Stripe (the owner comes back from onboarding). One Stripe
    does not know (a demo record) stays as it is."""
    try:
        seen = gateway.retrieve_account(account_id=account.account_id)
    except PaymentRejected:
        logger.warning("Stripe does not know the account %s", account.account_id)
        return account
    return _mirror(account, seen)


def apply_account(seen: gateway.Account) -> bool:
    """What an ``account.updated`` event says, mirrored; False for an account not ours."""
    account = ConnectedAccount.objects.filter(account_id=seen.id).first()
    if account is None:
        return False
    _mirror(account, seen)
    return True


# --- Transfers and reversals --------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A row this run is to send to Stripe (``send``), or one another run is sending."""

    row: Transfer | TransferReversal
    send: bool


def _stale(row) -> bool:
    return row.status == "unknown" or (
        row.status == "creating" and row.updated_at <= timezone.now() - CLAIM_TIMEOUT
    )


def claim_transfer(
    *, account: ConnectedAccount, key: str, amount_cents: int, transfer_group: str
) -> Claimed:
    """The transfer under ``key``, written ``creating`` if new. The caller holds the lock of
    what it pays (its payout row) and commits before sending (:func:`send_transfer`)."""
    transfer = Transfer.objects.select_for_update().filter(key=key).first()
    if transfer is None:
        transfer = Transfer.objects.create(
            account=account, key=key, amount_cents=amount_cents, transfer_group=transfer_group
        )
        return Claimed(transfer, send=True)
    if _stale(transfer):
        transfer.status = Transfer.Status.CREATING
        transfer.save(update_fields=["status", "updated_at"])
        return Claimed(transfer, send=True)
    return Claimed(transfer, send=False)


def send_transfer(transfer: Transfer, *, metadata: dict[str, str]) -> Transfer:
    """Send a claimed transfer (outside any transaction). Stripe's answer is written; a
    refusal ends it (``failed``, with Stripe's code: the caller decides what next); no answer
    leaves it ``unknown``, to be sent again with the same key."""
    try:
        transfer_id = gateway.create_transfer(
            account_id=transfer.account.account_id,
            amount_cents=transfer.amount_cents,
            transfer_group=transfer.transfer_group,
            idempotency_key=transfer.key,
            metadata={**metadata, "key": transfer.key},
        )
    except PaymentRejected as exc:
        _answer(
            Transfer,
            transfer,
            status=Transfer.Status.FAILED,
            failure_code=str(exc.extra.get("stripe_code", "")),
        )
        raise
    except PaymentInProgress:
        raise  # a twin request under the same key: it will write the answer
    except Exception:
        _answer(Transfer, transfer, status=Transfer.Status.UNKNOWN)
        raise
    _answer(Transfer, transfer, status=Transfer.Status.SENT, transfer_id=transfer_id)
    return transfer


def claim_reversal(*, transfer: Transfer, key: str, amount_cents: int) -> Claimed:
    reversal = TransferReversal.objects.select_for_update().filter(key=key).first()
    if reversal is None:
        reversal = TransferReversal.objects.create(
            transfer=transfer, key=key, amount_cents=amount_cents
        )
        return Claimed(reversal, send=True)
    if _stale(reversal):
        reversal.status = TransferReversal.Status.CREATING
        reversal.save(update_fields=["status", "updated_at"])
        return Claimed(reversal, send=True)
    return Claimed(reversal, send=False)


def send_reversal(reversal: TransferReversal, *, metadata: dict[str, str]) -> TransferReversal:
    """Send a claimed reversal, like :func:`send_transfer`. A connected account whose balance
    cannot cover it is refused with ``balance_insufficient`` (``failed``)."""
    try:
        reversal_id = gateway.create_transfer_reversal(
            transfer_id=reversal.transfer.transfer_id or "",
            amount_cents=reversal.amount_cents,
            idempotency_key=reversal.key,
            metadata={**metadata, "key": reversal.key},
        )
    except PaymentRejected as exc:
        _answer(
            TransferReversal,
            reversal,
            status=TransferReversal.Status.FAILED,
            failure_code=str(exc.extra.get("stripe_code", "")),
        )
        raise
    except PaymentInProgress:
        raise
    except Exception:
        _answer(TransferReversal, reversal, status=TransferReversal.Status.UNKNOWN)
        raise
    _answer(
        TransferReversal, reversal, status=TransferReversal.Status.SENT, reversal_id=reversal_id
    )
    return reversal


def _answer(model, row, *, status: str, failure_code: str = "", **ids) -> None:
    row.status = status
    row.failure_code = failure_code[:60]
    for name, value in ids.items():
        setattr(row, name, value)
    model.objects.filter(pk=row.pk).update(
        status=status, failure_code=failure_code[:60], updated_at=timezone.now(), **ids
    )
