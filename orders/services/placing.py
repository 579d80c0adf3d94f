"""Placing, changing, cancelling and expiring orders: every move of stock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.bounds import field_bounds
from common.db import insert_rows
from common.errors import Invalid
from orders.errors import (
    BasketManagedBySubscription,
    IdempotencyKeyReused,
    OrderingClosed,
    OrderNotChangeable,
    OutOfStock,
    PickupPointFull,
)
from orders.models import ACTIVE_STATUSES, LineChange, Order, OrderLine
from orders.pickup_codes import assign_pickup_code
from orders.services import notices
from orders.services.credit import give_back_order_credit
from orders.services.paying import release_or_refund
from orders.weights import margin_of
from payments.models import Refund
from pickup.models import Distribution, PickupPoint
from pickup.selectors import catalogue_offers, ordering_open
from producers.models import Offer

# Namespace of the advisory locks that serialise capacity counts (one per distribution).
CAPACITY_LOCK = 0x0C0C


def lock_distribution(distribution_id: int) -> Distribution:
    """Lock the distribution row only (``of=self``, not the joined pickup point)."""
    return (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("pickup_point")
        .get(pk=distribution_id)
    )


def share_lock_distribution(distribution_id: int) -> Distribution | None:
    """Read the distribution and lock its row FOR SHARE in the same statement (PostgreSQL;
    SQLite serialises writers anyway): many orders at once, but never while the close holds
    it FOR UPDATE. The point's capacity comes along as ``point_capacity`` (the point's row is
    not locked). None when there is no such distribution."""
    distributions = connection.ops.quote_name(Distribution._meta.db_table)
    points = connection.ops.quote_name(PickupPoint._meta.db_table)
    lock = " FOR SHARE OF d" if connection.vendor == "postgresql" else ""
    found = Distribution.objects.raw(
        f"SELECT d.*, p.capacity AS point_capacity FROM {distributions} d "
        f"JOIN {points} p ON p.id = d.pickup_point_id WHERE d.id = %s{lock}",
        [distribution_id],
    )
    return next(iter(found), None)


def _check_capacity(distribution: Distribution) -> None:
    """No more active orders than the point's capacity, counting the order being placed. The
    count runs under a transaction-scoped advisory lock per distribution (PostgreSQL), so two
    orders cannot both take the last place; the lock is released at the commit. The count is
    its own statement, after the lock: in READ COMMITTED it then sees every order committed
    while this one waited."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s::int)", [CAPACITY_LOCK, distribution.pk]
            )
    active = Order.objects.filter(distribution=distribution, status__in=ACTIVE_STATUSES)
    if active.count() > distribution.point_capacity:
        raise PickupPointFull()


def take_stock(quantities: Mapping[int, int]) -> list[int]:
    """Take ``quantities`` (offer id → units) from the offers' stock in one statement; return
    the offers that were short, in pk order (the caller then rolls everything back).

    Rule: an offer gives units only while ``remaining >= quantity``, checked on the row as
    locked, so stock is never oversold (and the database refuses ``remaining < 0`` anyway).
    Locks: the offer rows in pk order — the sub-select ``ORDER BY id FOR UPDATE`` locks them
    one after another in that order before the UPDATE changes them — so two baskets sharing
    offers cannot deadlock. SQLite has no FOR UPDATE and serialises writers.
    """
    ids = sorted(quantities)
    table = connection.ops.quote_name(Offer._meta.db_table)
    listed = ", ".join(["%s"] * len(ids))
    wanted = "CASE id " + " ".join(["WHEN %s THEN %s"] * len(ids)) + " END"
    wanted_params = [value for pk in ids for value in (pk, int(quantities[pk]))]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET remaining = remaining - {wanted} "
            f"WHERE id IN (SELECT id FROM {table} WHERE id IN ({listed}) ORDER BY id{lock}) "
            f"AND remaining >= {wanted} RETURNING id",
            [*wanted_params, *ids, *wanted_params],
        )
        taken = {row[0] for row in cursor.fetchall()}
    return [pk for pk in ids if pk not in taken]


CHANGEABLE_STATUSES = (Order.Status.AWAITING_PAYMENT, Order.Status.PAID)


def prepaid_elsewhere(order: Order) -> bool:
    """An order prepaid by its owner (an AMAP season's basket order): born with its prepaid
    line only, it is changed through that owner's rules (a skip), never here."""
    return order.prepaid_cents > 0


def order_changeable(order: Order) -> bool:
    """Whether :func:`change_order` would take ``order`` now: unpaid or paid, ordering open,
    not prepaid elsewhere."""
    return (
        order.status in CHANGEABLE_STATUSES
        and not prepaid_elsewhere(order)
        and ordering_open(order.distribution)
    )


def give_back_stock(lines: Iterable[OrderLine]) -> None:
    """Return the quantities of ``lines`` to their offers, in offer pk order."""
    per_offer: dict[int, int] = {}
    for line in lines:
        per_offer[line.offer_id] = per_offer.get(line.offer_id, 0) + line.quantity
    for offer_id in sorted(per_offer):
        Offer.objects.filter(pk=offer_id).update(remaining=F("remaining") + per_offer[offer_id])


def record_changes(changes: Iterable[tuple[OrderLine, int]], *, reason: str, actor=None) -> None:
    """Write the audit trail of lines just changed: each ``(line, quantity before)`` with the
    line's quantity now (0 when cancelled), ``reason`` and who did it (None: the system)."""
    now, actor_id = timezone.now(), getattr(actor, "pk", None)
    insert_rows(
        LineChange,
        ["line", "actor", "reason", "quantity_before", "quantity_after", "created_at"],
        [
            (
                line.pk,
                actor_id,
                reason,
                before,
                0 if line.status == OrderLine.Status.CANCELLED else line.quantity,
                now,
            )
            for line, before in changes
        ],
    )


def cancel_lines(lines: Iterable[OrderLine], *, reason: str, actor=None) -> list[OrderLine]:
    """Mark active ``lines`` cancelled with ``reason`` and give their stock back; the audit
    trail records it (by ``actor``, None for the system)."""
    lines = [line for line in lines if line.status == OrderLine.Status.ACTIVE]
    for line in lines:
        line.status = OrderLine.Status.CANCELLED
        line.cancel_reason = reason
    ids = [line.pk for line in lines]
    for start in range(0, len(ids), 900):  # within SQLite's parameters per statement
        OrderLine.objects.filter(pk__in=ids[start : start + 900]).update(
            status=OrderLine.Status.CANCELLED, cancel_reason=reason
        )
    give_back_stock(lines)
    record_changes(((line, line.quantity) for line in lines), reason=reason, actor=actor)
    return lines


IDEMPOTENCY_KEY_MAX_LENGTH = Order._meta.get_field("idempotency_key").max_length
# Units of one product in one order (the page, the API and the service share it).
MAX_QUANTITY = 999


def request_fingerprint(*, distribution_id: int, lines: Mapping[int, int]) -> str:
    """What identifies a request to place an order: the distribution and the quantity of each
    offer (in offer order, so the order of the lines or splitting a line does not matter)."""
    request = {
        "distribution": int(distribution_id),
        "lines": sorted((int(offer), int(qty)) for offer, qty in lines.items()),
    }
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()


def _replayed(order: Order, fingerprint: str) -> Order:
    """The order already placed with this key, if the request is the same one (Stripe's rule:
    a key reused for another request is refused, not answered with the first order)."""
    if order.request_fingerprint and order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return order


def place_order(
    *,
    household: User,
    distribution: Distribution | int,
    lines: Mapping[int, int],
    idempotency_key: str,
) -> Order:
    """Reserve stock and create an order awaiting payment, in one transaction.

    Rules: ordering window open, every offer on sale at this distribution (its farm supplies
    the point), quantities from 1 to :data:`MAX_QUANTITY`, a total the order can hold, no more active orders than the
    point's capacity. The idempotency key is required, at most 255 characters. The same
    (household, idempotency key) with the same request (:func:`request_fingerprint`) always
    gives the same order, also when sent twice at once: the unique constraint decides before
    any stock is taken — the twin's INSERT waits for the first transaction and fails once it
    commits; the whole attempt is then rolled back and the first order returned (no savepoint
    needed). The same key with another request is ``idempotency_key_reused`` (422). Lines
    snapshot product name, producer, unit price and VAT rate. The new order keeps its lines in memory (as if prefetched), so the answer reads
    nothing back. ``distribution`` may be given by id: the row is read (and locked) here anyway,
    and an unknown id is ``invalid``.

    Locks, in this order: the distribution row FOR SHARE (orders are placed side by side; the
    close, FOR UPDATE, waits for them and they for it); then the offer rows in pk order, stock
    taken with one conditional UPDATE (``remaining >= quantity`` per offer, see
    :func:`take_stock`), so two buyers never both get the last unit and two baskets never
    deadlock; last, the capacity is counted under a per-distribution advisory lock held until
    the commit. The contended locks come last, so they are held for the shortest time.
    """
    key = (idempotency_key or "").strip()
    if not key:
        raise Invalid(errors={"idempotency_key": [_("An idempotency key is required.")]})
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise Invalid(
            errors={
                "idempotency_key": [
                    _("An idempotency key has at most %(max)d characters.")
                    % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
                ]
            }
        )
    if not lines or any(int(q) < 1 for q in lines.values()):
        raise Invalid(errors={"lines": [_("Order at least one unit of each product.")]})
    if any(int(q) > MAX_QUANTITY for q in lines.values()):
        raise Invalid(
            errors={
                "lines": [
                    _("At most %(max)d units of a product in one order.") % {"max": MAX_QUANTITY}
                ]
            }
        )
    distribution_id = getattr(distribution, "pk", distribution)
    fingerprint = request_fingerprint(distribution_id=distribution_id, lines=lines)
    existing = Order.objects.filter(household=household, idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing, fingerprint)
    try:
        return _place_new_order(
            household=household,
            distribution_id=distribution_id,
            lines=lines,
            key=key,
            fingerprint=fingerprint,
        )
    except IntegrityError:
        # The same key, placed meanwhile by a twin request; anything else is raised again.
        existing = Order.objects.filter(household=household, idempotency_key=key).first()
        if existing is None:
            raise
        return _replayed(existing, fingerprint)


@transaction.atomic
def _place_new_order(
    *, household: User, distribution_id: int, lines: Mapping[int, int], key: str, fingerprint: str
) -> Order:
    """The transaction of :func:`place_order` (rules and locks there)."""
    distribution = share_lock_distribution(distribution_id)
    if distribution is None:
        raise Invalid(errors={"distribution": [_("Unknown distribution.")]})
    if not ordering_open(distribution):
        raise OrderingClosed()
    offers = {o.pk: o for o in catalogue_offers(distribution=distribution).filter(pk__in=lines)}
    missing = sorted(set(lines) - set(offers))
    if missing:
        raise Invalid(
            errors={"lines": [_("Some products are not on sale at this distribution.")]},
            offers=missing,
        )
    new_lines = [new_line(offers[offer_id], int(lines[offer_id])) for offer_id in sorted(lines)]
    total_cents = sum(line.total_cents for line in new_lines)
    margin_cents = margin_of(new_lines)
    if total_cents + margin_cents > field_bounds(Order, "total_cents")[1]:
        raise Invalid(errors={"lines": [_("This order is too large: split it into several.")]})
    order = Order.objects.create(
        household=household,
        distribution=distribution,
        idempotency_key=key,
        request_fingerprint=fingerprint,
        total_cents=total_cents,
        margin_cents=margin_cents,
    )
    assign_pickup_code(order)
    for line in new_lines:
        line.order = order
    OrderLine.objects.bulk_create(new_lines)
    short = take_stock({offer_id: int(quantity) for offer_id, quantity in lines.items()})
    if short:
        left = dict(Offer.objects.filter(pk__in=short).values_list("pk", "remaining"))
        raise OutOfStock(offers=[{"offer": pk, "remaining": left.get(pk, 0)} for pk in short])
    _check_capacity(distribution)
    _keep_lines(order, new_lines)
    return order


def new_line(offer: Offer, quantity: int) -> OrderLine:
    """A line of ``quantity`` units of ``offer`` as placed now: the producer, names, price
    and VAT rate copied from the offer, and for a product sold by weight its estimated weight
    and the farm's margin (``orders.weights``). Reads ``offer.catalogue.producer`` and
    ``offer.product``."""
    product, producer = offer.product, offer.catalogue.producer
    return OrderLine(
        offer=offer,
        producer=producer,
        product_name=product.name,
        producer_name=producer.name,
        unit_price_cents=offer.price_cents,
        vat_rate=product.vat_rate,
        quantity=quantity,
        estimated_weight_g=product.estimated_weight_g,
        margin_bp=producer.weight_margin_bp if product.sold_by_weight else 0,
    )


def _keep_lines(order: Order, lines: list[OrderLine]) -> None:
    """Keep the lines just written as ``order.lines`` (pk order, as the selectors prefetch
    them), so showing the new order reads nothing back."""
    kept = OrderLine.objects.filter(order=order).order_by("pk")
    kept._result_cache = sorted(lines, key=lambda line: line.pk)
    kept._prefetch_done = True
    order._prefetched_objects_cache = {"lines": kept}


@transaction.atomic
def change_order(*, order: Order, quantities: Mapping[int, int]) -> Order:
    """The household lowers quantities (0 removes a line) before the cutoff.

    Quantities only go down: more of something is a new order, paid on its own. An order
    prepaid by an AMAP season (its basket) is refused (409 ``basket_managed_by_subscription``):
    its week is skipped through the subscription, within its limit and deadline. Stock is given
    back; the money follows: an order captured at once is refunded the difference now (a
    ``Refund`` row keyed by order, reason, amount and revision); an authorisation is captured
    at the close for the final amount only, and released when nothing is left. Locks: the
    distribution row (FOR SHARE), then the order row, then offers in pk order.
    """
    distribution = share_lock_distribution(order.distribution_id)
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if not ordering_open(distribution):
        raise OrderingClosed()
    if order.status not in CHANGEABLE_STATUSES:
        raise OrderNotChangeable()
    if prepaid_elsewhere(order):
        raise BasketManagedBySubscription()
    lines = {line.pk: line for line in order.lines.filter(status=OrderLine.Status.ACTIVE)}
    unknown = set(quantities) - set(lines)
    if unknown or any(int(q) < 0 for q in quantities.values()):
        raise Invalid(errors={"lines": [_("Unknown line or negative quantity.")]})
    if any(int(quantities[pk]) > lines[pk].quantity for pk in quantities):
        raise Invalid(
            errors={"lines": [_("Quantities can only go down; place a new order for more.")]}
        )
    removed, lowered, given_back = [], [], []
    for pk, quantity in quantities.items():
        line, quantity = lines[pk], int(quantity)
        if quantity == 0:
            removed.append(line)
        elif quantity < line.quantity:
            given_back.append(OrderLine(offer_id=line.offer_id, quantity=line.quantity - quantity))
            lowered.append((line, line.quantity))
            line.quantity = quantity
    if not removed and not lowered:
        return order
    OrderLine.objects.bulk_update([line for line, _before in lowered], ["quantity"])
    give_back_stock(given_back)
    record_changes(lowered, reason=OrderLine.Reason.HOUSEHOLD, actor=order.household)
    cancel_lines(removed, reason=OrderLine.Reason.HOUSEHOLD, actor=order.household)
    before = order.authorised_cents
    active = list(order.lines.filter(status=OrderLine.Status.ACTIVE))
    order.total_cents = sum(line.total_cents for line in active)
    order.margin_cents = margin_of(active)
    order.revision += 1
    if order.total_cents == 0:
        order.status = Order.Status.CANCELLED
    order.save(update_fields=["total_cents", "margin_cents", "revision", "status"])
    if order.status == Order.Status.CANCELLED or before != order.authorised_cents:
        # Credit spent on the order comes back first, as credit; the card the rest.
        keep = give_back_order_credit(
            order=order, keep_cents=order.authorised_cents, reference=f"change-r{order.revision}"
        )
        release_or_refund(order=order, keep_cents=keep, reason=Refund.Reason.HOUSEHOLD)
    notices.order_changed(order.pk, order.revision)
    return order


def cancel_order(*, order: Order) -> Order:
    """Cancel every line of the order (before the cutoff); see :func:`change_order`."""
    active = order.lines.filter(status=OrderLine.Status.ACTIVE).values_list("pk", flat=True)
    return change_order(order=order, quantities=dict.fromkeys(active, 0))


@transaction.atomic
def expire_order(*, order_id: int) -> bool:
    """An order still awaiting payment after ``ORDER_EXPIRY_MINUTES`` expires and gives its
    stock back. State-driven and idempotent: anything else is left alone. Locks the order row,
    then offers in pk order."""
    order = Order.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
    limit = timezone.now() - timedelta(minutes=settings.ORDER_EXPIRY_MINUTES)
    if order is None or order.status != Order.Status.AWAITING_PAYMENT or order.created_at > limit:
        return False
    cancel_lines(order.lines.all(), reason=OrderLine.Reason.EXPIRED)
    # Credit spent on an order that never got paid comes back.
    give_back_order_credit(order=order, keep_cents=0, reference="expired")
    order.status = Order.Status.EXPIRED
    order.save(update_fields=["status"])
    return True


def expire_unpaid_orders() -> list[int]:
    """Expire every unpaid order older than ``ORDER_EXPIRY_MINUTES`` (periodic task), each in
    its own transaction. A payment that still succeeds later is refunded automatically."""
    limit = timezone.now() - timedelta(minutes=settings.ORDER_EXPIRY_MINUTES)
    due = Order.objects.filter(status=Order.Status.AWAITING_PAYMENT, created_at__lte=limit)
    return [
        pk for pk in due.order_by("pk").values_list("pk", flat=True) if expire_order(order_id=pk)
    ]
