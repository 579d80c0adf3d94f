"""Money given back: refunds (one row each, under a unique key) and released holds."""

from __future__ import annotations

from django.db.models import Sum

from payments import gateway
from payments.models import CreditEntry, Payment, Refund
from payments.services.wallet import add_credit


def refunded(payment: Payment) -> int:
    """What has been given back of ``payment`` (card refunds, and refunds kept as credit)."""
    return payment.refunds.aggregate(total=Sum("amount_cents"))["total"] or 0


def given_back_by_owner(payment: Payment) -> int:
    """What ``payment``'s owner (an order, a season…) gave back of it: its refunds, to the
    card or as credit. Credit asked back through the same card (a withdrawal) is the
    household's credit going out, not the owner's money: it does not count here, even though
    the card has that much less left to refund."""
    refunds = payment.refunds.exclude(reason=Refund.Reason.WITHDRAWAL)
    return refunds.aggregate(total=Sum("amount_cents"))["total"] or 0


def refund_payment(*, payment: Payment, reason: str, amount_cents: int, key: str) -> Refund:
    """Refund ``amount_cents`` of ``payment``, once: the row's unique ``key`` (built by the
    owner from what the refund is for) is also Stripe's idempotency key, so a retry never
    refunds twice. Runs inside the caller's transaction."""
    row, _created = Refund.objects.get_or_create(
        key=key, defaults={"payment": payment, "reason": reason, "amount_cents": amount_cents}
    )
    if not row.stripe_refund_id:
        row.stripe_refund_id = gateway.create_refund(
            intent_id=payment.intent_id,
            amount_cents=amount_cents,
            idempotency_key=f"refund-{key}",
            destination_charge=bool(payment.seller_account_id),
        )
        row.save(update_fields=["stripe_refund_id"])
    return row


def record_kept_as_credit(*, payment: Payment, reason: str, amount_cents: int, key: str) -> Refund:
    """Mark ``amount_cents`` of a captured payment as given back without a card refund (the
    household keeps it as credit): later refunds then find nothing left. Once per ``key``."""
    row, _created = Refund.objects.get_or_create(
        key=key,
        defaults={
            "payment": payment,
            "reason": reason,
            "amount_cents": amount_cents,
            "stripe_refund_id": "credit",
        },
    )
    return row


def release_hold(payment: Payment) -> None:
    """Cancel an authorisation nothing will be captured from (the hold on the card ends)."""
    intent = gateway.cancel_payment_intent(
        intent_id=payment.intent_id, idempotency_key=f"{payment.intent_id}-cancel"
    )
    payment.status = intent.status
    payment.amount_capturable_cents = 0
    payment.save(update_fields=["status", "amount_capturable_cents", "updated_at"])


def give_back(*, payment: Payment, keep_cents: int, refund_key, reason: str) -> int:
    """Keep ``keep_cents`` of what ``payment`` holds and give back the rest: an authorisation
    with nothing to keep is released (a partial one is captured for what is kept, later, by
    its owner); captured money beyond it is refunded, keyed by ``refund_key(amount)``. Returns
    the cents refunded.

    Credit asked back earlier through this card (a withdrawal after the owner settled) left
    the card less to refund than the owner now owes: that part comes back as credit instead
    (the household had turned that much credit into card money), with a refund row kept as
    credit so that it is given back once."""
    if payment.status == "requires_capture":
        if keep_cents == 0:
            release_hold(payment)
        return 0
    if payment.status != "succeeded":
        return 0
    owed = payment.amount_received_cents - given_back_by_owner(payment) - keep_cents
    if owed <= 0:
        return 0
    to_card = max(min(owed, payment.amount_received_cents - refunded(payment)), 0)
    if to_card:
        refund_payment(payment=payment, reason=reason, amount_cents=to_card, key=refund_key(owed))
    if owed > to_card:
        row = record_kept_as_credit(
            payment=payment,
            reason=reason,
            amount_cents=owed - to_card,
            key=f"{refund_key(owed)}-credit",
        )
        add_credit(
            household=payment.payer,
            amount_cents=row.amount_cents,
            reason=CreditEntry.Reason.REFUND,
            reference=f"withdrawal-back-p{payment.pk}-r{row.pk}",
        )
    return to_card
