"""How the credit ledger names the movements of orders (``order-<id>-…``,
``basket-order-<id>-…``, ``payment-<id>-close``, a line delivered short after it, lines sold
by weight weighed lighter than authorised), in the active language. Registered with
:mod:`payments.ledger` in ``OrdersConfig.ready``; each describer reads its orders in a fixed
number of queries, whatever the number of movements."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import dates
from orders.models import PAYMENT_KIND, Order, OrderLine
from payments.ledger import register_describer
from payments.models import CreditEntry, Payment

ORDER_REFERENCE = re.compile(r"^order-(?P<order>\d+)-(?P<what>[a-z]+)(?:-r?(?P<n>\d+))?$")
# A correction after the close adds its round: ``…-short-r<revision>``, ``…-short-s<round>``.
BASKET_REFERENCE = re.compile(r"^basket-order-(?P<order>\d+)-(?P<what>[a-z]+)(?:-r\d+)?$")
PAYMENT_REFERENCE = re.compile(r"^payment-(?P<payment>\d+)-(?P<what>[a-z]+)(?:-s\d+)?$")


def orders_by_id(ids) -> dict[int, Order]:
    """The orders with their distribution and the lines cancelled at the close (two queries)."""
    at_close = OrderLine.objects.filter(
        cancel_reason__in=(OrderLine.Reason.MINIMUM_NOT_REACHED, OrderLine.Reason.UNPAID)
    ).order_by("pk")
    short = OrderLine.objects.filter(
        Q(cancel_reason=OrderLine.Reason.SHORT) | Q(ordered_quantity__gt=F("quantity"))
    ).order_by("pk")
    return {
        order.pk: order
        for order in Order.objects.filter(pk__in=set(ids))
        .select_related("distribution")
        .prefetch_related(
            Prefetch("lines", queryset=at_close, to_attr="not_delivered"),
            Prefetch("lines", queryset=short, to_attr="delivered_short"),
        )
    }


def day(order: Order) -> str:
    return dates.day_month(order.distribution.starts_at)


def close_label(order: Order) -> str:
    """Money given back at the sale close: what was not delivered, and why."""
    lines = order.not_delivered
    if lines:
        return _("Order no. %(number)d: refund for %(products)s (%(why)s)") % {
            "number": order.pk,
            "products": ", ".join(line.product_name for line in lines),
            "why": lines[0].get_cancel_reason_display(),
        }
    return _("Order no. %(number)d: adjusted at the sale close, the difference refunded") % {
        "number": order.pk
    }


def short_label(order: Order) -> str:
    """Money given back after the close for lines the farm did not (wholly) deliver."""
    products = [line.product_name for line in order.delivered_short]
    return ngettext(
        "Order no. %(number)d: missing product refunded (%(products)s)",
        "Order no. %(number)d: missing products refunded (%(products)s)",
        len(products) or 1,
    ) % {"number": order.pk, "products": ", ".join(products)}


def weighed_label(order: Order) -> str:
    """Credit given back once the order's lines sold by weight were weighed: the real
    weights cost less than what was authorised (the estimate and the margin)."""
    return _("Order no. %(number)d weighed: the difference from the estimate given back") % {
        "number": order.pk
    }


def after_close_label(order: Order, what: str) -> str:
    if what == "short":
        return short_label(order)
    if what == "weighed":
        return weighed_label(order)
    return close_label(order)


def order_label(entry: CreditEntry, order: Order, what: str, revision: int | None) -> str:
    values = {"number": order.pk, "day": day(order)}
    if what == "payment" or entry.amount_cents < 0:
        return _("Order no. %(number)d paid with your credit") % values
    if what == "declined":
        return _("Order no. %(number)d: card declined, your credit given back") % values
    if what == "expired":
        return _("Order no. %(number)d not paid in time: your credit given back") % values
    if what == "distribution":
        return (
            _("Order no. %(number)d: distribution of %(day)s cancelled, your credit given back")
            % values
        )
    if what == "change":
        if order.status == Order.Status.CANCELLED and order.revision == revision:
            return _("Order no. %(number)d cancelled by you: your credit given back") % values
        return _("Order no. %(number)d changed by you: your credit given back") % values
    if what in ("close", "short", "weighed"):
        return after_close_label(order, what)
    return _("Order no. %(number)d: credit given back") % values


def describe_orders(entries: list[CreditEntry]) -> Mapping[int, str]:
    parsed = {entry.pk: ORDER_REFERENCE.match(entry.reference) for entry in entries}
    orders = orders_by_id(int(m["order"]) for m in parsed.values() if m)
    labels = {}
    for entry in entries:
        match = parsed[entry.pk]
        order = orders.get(int(match["order"])) if match else None
        if order is not None:
            revision = int(match["n"]) if match["n"] else None
            labels[entry.pk] = order_label(entry, order, match["what"], revision)
    return labels


def describe_basket_orders(entries: list[CreditEntry]) -> Mapping[int, str]:
    parsed = {entry.pk: BASKET_REFERENCE.match(entry.reference) for entry in entries}
    orders = orders_by_id(int(m["order"]) for m in parsed.values() if m)
    labels = {}
    for entry in entries:
        match = parsed[entry.pk]
        order = orders.get(int(match["order"])) if match else None
        if order is not None:
            labels[entry.pk] = after_close_label(order, match["what"])
    return labels


def describe_payments(entries: list[CreditEntry]) -> Mapping[int, str]:
    """``payment-<id>-close``: what a captured card payment held beyond the final amount,
    kept as credit by the household's choice."""
    parsed = {entry.pk: PAYMENT_REFERENCE.match(entry.reference) for entry in entries}
    order_of = dict(
        Payment.objects.filter(
            pk__in={int(m["payment"]) for m in parsed.values() if m}, purpose_kind=PAYMENT_KIND
        ).values_list("pk", "purpose_id")
    )
    orders = orders_by_id(order_of.values())
    labels = {}
    for entry in entries:
        match = parsed[entry.pk]
        order = orders.get(order_of.get(int(match["payment"]))) if match else None
        if order is not None:
            labels[entry.pk] = after_close_label(order, match["what"])
    return labels


def register() -> None:
    from_payments = {
        "order-": describe_orders,
        "basket-order-": describe_basket_orders,
        "payment-": describe_payments,
    }
    for prefix, describer in from_payments.items():
        register_describer(prefix, describer)
