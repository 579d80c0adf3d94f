"""The household's orders in its personal data (:mod:`accounts.personal_data`).

Export: orders and their lines (what, from which farm, at what price, what became of them).

Erasure: an order the household can still change (before the cutoff, not an AMAP basket) is
cancelled first, as the household would (``cancel_order``: stock back, the credit spent back to
the credit, the card refunded or its hold released). An order past its cutoff and not handed
over yet — or whose money the close has not settled — makes the erasure wait
(``order_in_progress``). The orders stay for the books (receipts are built from them), on the
anonymised account: they carry no name, address or phone of the household.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.personal_data import Blocker, PersonalData, Section
from common.emails import format_date
from orders.models import ACTIVE_STATUSES, Order, OrderLine, Settlement
from orders.services.credit import credit_spent_on
from orders.services.placing import cancel_order, order_changeable


def _active(user: User) -> list[Order]:
    return list(
        Order.objects.filter(household=user, status__in=ACTIVE_STATUSES)
        .select_related("distribution__pickup_point")
        .order_by("pk")
    )


def _handed_over(order: Order) -> bool:
    return order.status == Order.Status.CONFIRMED and order.collected_at is not None


def blockers(user: User) -> list[Blocker]:
    waiting = [o for o in _active(user) if not order_changeable(o) and not _handed_over(o)]
    unsettled = Settlement.objects.filter(
        order__household=user, status=Settlement.Status.PENDING
    ).values_list("order_id", flat=True)
    ids = sorted({o.pk for o in waiting} | set(unsettled))
    if not ids:
        return []
    orders = {o.pk: o for o in Order.objects.filter(pk__in=ids).select_related("distribution")}
    when = ", ".join(
        _("no. %(id)s (%(date)s)")
        % {"id": pk, "date": format_date(orders[pk].distribution.starts_at)}
        for pk in ids
    )
    return [
        Blocker(
            "order_in_progress",
            _(
                "Orders past their cutoff are not handed over yet: %(orders)s. Your account can "
                "be deleted once they are (or once their refund is done)."
            )
            % {"orders": when},
            {"orders": ids},
        )
    ]


def credit_back(user: User) -> int:
    return sum(credit_spent_on(order) for order in _active(user) if order_changeable(order))


def cancel_open_orders(user: User) -> None:
    for order in _active(user):
        if order_changeable(order):
            cancel_order(order=order)


def _order(order: Order) -> dict:
    return {
        "id": order.pk,
        "pickup_point": order.distribution.pickup_point.name,
        "distribution_starts_at": order.distribution.starts_at,
        "status": order.status,
        "total_cents": order.total_cents,
        "prepaid_cents": order.prepaid_cents,
        "pickup_code": order.pickup_code,
        "placed_at": order.created_at,
        "paid_at": order.paid_at,
        "collected_at": order.collected_at,
    }


def _line(line: OrderLine) -> dict:
    return {
        "order": line.order_id,
        "product": line.product_name,
        "producer": line.producer_name,
        "unit_price_cents": line.unit_price_cents,
        "quantity": line.quantity,
        "ordered_quantity": line.ordered_quantity,
        "status": line.status,
        "cancel_reason": line.cancel_reason,
    }


ORDERS_DATA = PersonalData(
    app="orders",
    step=10,
    blockers=blockers,
    credit_back=credit_back,
    prepare=cancel_open_orders,
    sections=[
        Section(
            name="orders",
            description=gettext_lazy("your orders: pickup point, date, status, amounts"),
            rows=lambda user: (
                Order.objects.filter(household=user)
                .select_related("distribution__pickup_point")
                .order_by("pk")
            ),
            row=_order,
        ),
        Section(
            name="order_lines",
            description=gettext_lazy("the lines of your orders: product, farm, price, quantity"),
            rows=lambda user: OrderLine.objects.filter(order__household=user).order_by("pk"),
            row=_line,
        ),
    ],
)
