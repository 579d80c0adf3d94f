"""Weighing after the close: the farm enters the real weight of each line sold by weight
before the handover, and the household pays that weight (``orders.weights``). A line never
weighed is charged at its estimate once its order is handed over or its distribution is over.

The order's card was authorised for the estimate plus the margin; its settlement waits
(``weighing``) until no line is left to weigh, then captures the real amount once — never
more than was authorised. A weight entered again is the same result (nothing changes), or a
correction: up or down while the order still waits for weights, only down once its price is
final (the difference then comes back like a line delivered short)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import Invalid
from orders.errors import (
    AlreadyHandedOver,
    LineNotFound,
    LineNotSold,
    NotSoldByWeight,
    SaleNotClosed,
    WeightAlreadyCharged,
)
from orders.models import SOLD_STATUSES, LineChange, Order, OrderLine, Settlement
from orders.services.closing import split_fees
from orders.services.corrections import (
    CORRECTABLE,
    after_change,
    queue_after_change,
    recompute_after_close,
)
from orders.services.paying import lock_order
from orders.signals import order_weighed
from orders.weights import price_at_weight
from payments.models import Refund
from producers.models import Producer

# A line weighs at most this much (a whole lamb is about 20 kg).
MAX_WEIGHT_G = 100_000


@dataclass(frozen=True)
class Weighing:
    line: OrderLine
    changed: bool  # False: the line already had this weight (entered twice)
    given_back_cents: int  # what the household pays less than was authorised for the line
    pending: bool = False  # the order's settlement is pending now (its task queued)
    final: bool = False  # this weight made the order's price final (no line left to weigh)
    corrected: bool = False  # lowered after the price was final (``line_corrected``)


def enter_weight(
    *, producer: Producer, line_id: int, weight_g: int, by: User | None = None
) -> Weighing:
    """``producer`` weighed its line ``line_id``: ``weight_g`` grams for all its pieces.

    Rules: the farm's own line (else 404 ``line_not_found``), sold by weight (409
    ``not_sold_by_weight``), of a distribution whose sale has closed (409 ``sale_not_closed``),
    sold at the close (409 ``line_not_sold``), of an order not handed over yet (409
    ``already_handed_over``), a whole number of grams from 1 to 100 kg (400 ``invalid``; a
    product not brought at all is marked short instead). The same weight twice changes
    nothing (``changed=False``). Once the order's price is final (no line left to weigh), a
    new weight may only lower it (409 ``weight_already_charged``).

    What follows: the line costs its weight at the estimate's price per kg, at most the
    estimate plus the margin; its fee shares follow; the audit trail keeps the weights before
    and after. When no line of the order is left to weigh, its settlement becomes pending and
    its task is queued after the commit (the card is captured for the real amount, the rest of
    the authorisation released; credit spent beyond it comes back). Locks the order row, then
    the line, then the settlement (and the household's row for credit)."""
    with transaction.atomic():
        weighing = _weigh(producer=producer, line_id=line_id, weight_g=weight_g, by=by)
        if weighing.changed:
            _queue(
                weighing.line.order_id,
                pending=weighing.pending,
                final=weighing.final,
                corrected=weighing.corrected,
                line_id=weighing.line.pk,
                given_back_cents=weighing.given_back_cents,
            )
    return weighing


def _queue(
    order_id: int,
    *,
    pending: bool,
    final: bool,
    corrected: bool = False,
    line_id: int | None = None,
    given_back_cents: int = 0,
) -> None:
    """After the commit: the order's settling task, and ``orders.signals.order_weighed`` the
    first time its price became final (a weight lowered after that is ``line_corrected``)."""
    if corrected:
        queue_after_change(
            order_id, pending=pending, line_id=line_id, given_back_cents=given_back_cents
        )
    else:
        queue_after_change(order_id, pending=pending)
    if final:
        transaction.on_commit(
            partial(order_weighed.send, sender=Order, order_id=order_id), robust=True
        )


def _weigh(*, producer: Producer, line_id: int, weight_g, by: User | None) -> Weighing:
    found = (
        OrderLine.objects.filter(pk=line_id, producer=producer).values_list("order_id", flat=True)
    ).first()
    if found is None:
        raise LineNotFound()
    order = lock_order(found)
    line = OrderLine.objects.select_for_update().get(pk=line_id)
    if not line.sold_by_weight:
        raise NotSoldByWeight()
    if order.distribution.status not in CORRECTABLE:
        raise SaleNotClosed()
    if order.status not in SOLD_STATUSES or line.status != OrderLine.Status.ACTIVE:
        raise LineNotSold()
    if (
        isinstance(weight_g, bool)
        or not isinstance(weight_g, int)
        or not (0 < weight_g <= MAX_WEIGHT_G)
    ):
        raise Invalid(errors={"weight_g": [_("Enter the weight in grams, from 1 g to 100 kg.")]})
    if line.weight_g == weight_g:
        return Weighing(line, changed=False, given_back_cents=0)
    if order.collected_at is not None:
        raise AlreadyHandedOver()
    price = price_at_weight(
        unit_price_cents=line.unit_price_cents,
        estimated_weight_g=line.estimated_weight_g,
        weight_g=weight_g,
        most_cents=line.most_cents,
    )
    settlement = Settlement.objects.filter(order=order).values_list("status", flat=True).first()
    waiting = settlement == Settlement.Status.WEIGHING
    if not waiting and price > line.total_cents:
        raise WeightAlreadyCharged()

    before = line.weight_g
    line.weight_g, line.weighed_cents = weight_g, price
    split_fees(line)
    line.save(
        update_fields=[
            "weight_g",
            "weighed_cents",
            "host_share_cents",
            "platform_share_cents",
            "producer_share_cents",
        ]
    )
    _record(line, before=before, by=by)
    old_cents = recompute_after_close(order)
    reason = Refund.Reason.WEIGHED
    pending = after_change(order, old_cents=old_cents, reason=reason)
    if not waiting:  # the price was final: the difference comes back like a short line
        return Weighing(
            line,
            changed=True,
            given_back_cents=old_cents - order.authorised_cents,
            pending=pending,
            corrected=True,
        )
    return Weighing(
        line,
        changed=True,
        given_back_cents=line.most_cents - price,
        pending=pending,
        final=pending,
    )


def _record(line: OrderLine, *, before: int | None, by: User | None) -> None:
    LineChange.objects.create(
        line=line,
        actor=by,
        reason=OrderLine.Reason.WEIGHED,
        quantity_before=line.quantity,
        quantity_after=line.quantity,
        weight_before_g=before,
        weight_after_g=line.weight_g,
    )


# --- Lines never weighed ----------------------------------------------------------------------


def charge_estimate(*, order_id: int) -> bool:
    """An order whose lines were not all weighed, handed over (the undo window passed) or
    whose distribution is over: its lines still to weigh cost their estimate (no margin), and
    its settlement becomes pending (its task queued after the commit). State-driven and
    idempotent: anything but a settlement waiting for weights is left alone (False)."""
    with transaction.atomic():
        order = lock_order(order_id)
        if (
            order is None
            or not Settlement.objects.filter(
                order=order, status=Settlement.Status.WEIGHING
            ).exists()
        ):
            return False
        lines = list(order.lines.select_for_update().filter(status=OrderLine.Status.ACTIVE))
        for line in lines:
            if line.to_weigh:
                line.weighed_cents = line.estimate_cents
                line.save(update_fields=["weighed_cents"])
                _record(line, before=None, by=None)
        old_cents = recompute_after_close(order)
        pending = after_change(order, old_cents=old_cents, reason=Refund.Reason.WEIGHED)
        _queue(order_id, pending=pending, final=pending)
        return pending


def charge_unweighed_orders() -> list[int]:
    """The sweep (periodic, with the settlements' sweep): every order waiting for weights that
    was handed over more than ``HANDOVER_UNDO_SECONDS`` ago, or whose distribution has ended,
    is charged at its estimates (:func:`charge_estimate`), each in its own transaction."""
    now = timezone.now()
    handed_over = now - timedelta(seconds=settings.HANDOVER_UNDO_SECONDS)
    due = Settlement.objects.filter(status=Settlement.Status.WEIGHING).filter(
        Q(order__collected_at__lte=handed_over) | Q(order__distribution__ends_at__lte=now)
    )
    return [
        order_id
        for order_id in due.order_by("pk").values_list("order_id", flat=True)
        if charge_estimate(order_id=order_id)
    ]
