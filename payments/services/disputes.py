"""Disputes (chargebacks) of card payments, from Stripe's ``charge.dispute.*`` events.

The signed event's dispute is applied as it says, with one rule for the order in which events
arrive: once closed (won, lost…), a dispute stays as it closed. The first time a dispute is
lost, ``payments.signals.dispute_lost`` is sent after the commit: the payment's owner takes
back from its payees their part of the disputed money (``billing``).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from payments.models import Dispute, Payment
from payments.signals import dispute_lost

DISPUTE_EVENTS = frozenset(
    {
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.closed",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.funds_reinstated",
    }
)


def read_dispute(obj: dict) -> tuple[dict | None, str]:
    """The fields of a dispute event's object, or why the event is ignored."""
    dispute_id, intent_id = obj.get("id"), obj.get("payment_intent")
    amount, status, reason = obj.get("amount"), obj.get("status"), obj.get("reason") or ""
    if not isinstance(dispute_id, str) or not dispute_id.startswith("dp_"):
        return None, "not a dispute"
    if not isinstance(intent_id, str) or not intent_id.startswith("pi_"):
        return None, "no PaymentIntent"
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return None, "malformed: amount"
    if status not in Dispute.Status.values or not isinstance(reason, str):
        return None, "malformed: status"
    payment = Payment.objects.filter(intent_id=intent_id).only("pk").first()
    if payment is None:
        return None, "not a PaymentIntent of ours"
    return {
        "dispute_id": dispute_id,
        "payment_id": payment.pk,
        "amount_cents": amount,
        "status": status,
        "reason": reason[:50],
    }, ""


def apply_dispute(fields: dict) -> Dispute:
    """Record what Stripe says of a dispute (in the webhook's transaction). The payment's row
    is locked first: two events about a new dispute at once make one row."""
    Payment.objects.select_for_update().filter(pk=fields["payment_id"]).first()
    dispute = Dispute.objects.filter(dispute_id=fields["dispute_id"]).first()
    if dispute is None:
        dispute = Dispute(**fields)
    elif dispute.status in Dispute.CLOSED:
        return dispute  # closed is final, whatever arrives late
    else:
        dispute.status, dispute.amount_cents = fields["status"], fields["amount_cents"]
        dispute.reason = fields["reason"]
    if dispute.status in Dispute.CLOSED:
        dispute.closed_at = timezone.now()
    dispute.save()
    if dispute.status == Dispute.Status.LOST:  # once: a closed dispute is never applied again
        transaction.on_commit(
            partial(
                dispute_lost.send,
                sender=Dispute,
                payment_id=dispute.payment_id,
                dispute_id=dispute.dispute_id,
            ),
            robust=True,
        )
    return dispute


def lost_by_purpose(kind: str, purpose_ids) -> dict[int, int]:
    """Per payable thing of ``kind`` (among ``purpose_ids``), the money its payments' lost
    disputes took back (thing id → cents). One query."""
    rows = (
        Dispute.objects.filter(
            status=Dispute.Status.LOST,
            payment__purpose_kind=kind,
            payment__purpose_id__in=purpose_ids,
        )
        .values_list("payment__purpose_id")
        .annotate(total=Sum("amount_cents"))
    )
    return dict(rows)
