"""Distribution-day reports: packing lists, picking totals, statements, handover lookups.

Reads only, shared by pages, CSV exports and the API. Each report is a fixed number of queries
whatever the number of orders: sums are computed by the database (``GROUP BY``), never by
looping over orders. Every report counts the same lines — active lines of orders sold at the
close (:data:`orders.models.SOLD_STATUSES`: confirmed, collected or not) — so the packing list,
the farms' picking totals and the statements always agree with each other and with the money.

Scoping: a host reaches only distributions of the points they host, a producer member only
their own producers' lines; anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from orders.models import LINE_CENTS, SOLD_STATUSES, LineChange, Order, OrderLine
from orders.pickup_codes import normalise
from orders.services.paying import KIND as ORDER_KIND
from payments.models import Payment, Refund
from pickup.models import Distribution
from producers.models import Producer

# Distributions whose lines are final (the sale has closed).
REPORTED_STATUSES = (Distribution.Status.CLOSED, Distribution.Status.DONE)


def sold_lines() -> QuerySet[OrderLine]:
    """The lines every report counts: active lines of orders sold at the close."""
    return OrderLine.objects.filter(status=OrderLine.Status.ACTIVE, order__status__in=SOLD_STATUSES)


# --- Access -----------------------------------------------------------------------------------


def hosted_distributions(*, user: User) -> QuerySet[Distribution]:
    """Distributions of the points ``user`` hosts (none for anonymous users)."""
    if not user.is_authenticated:
        return Distribution.objects.none()
    return Distribution.objects.filter(pickup_point__hosts=user).select_related("pickup_point")


def hosted_distribution(*, user: User, pk: int) -> Distribution:
    """One distribution ``user`` hosts, else Http404."""
    return get_object_or_404(hosted_distributions(user=user), pk=pk)


def hosted_order(*, user: User, pk: int) -> Order:
    """One order at a distribution ``user`` hosts, else Http404."""
    distributions = hosted_distributions(user=user)
    return get_object_or_404(Order.objects.filter(distribution__in=distributions), pk=pk)


def supplied_distributions(*, producer: Producer) -> QuerySet[Distribution]:
    """Closed or done distributions where ``producer`` had lines (even all cancelled)."""
    has_lines = OrderLine.objects.filter(producer=producer, order__distribution=OuterRef("pk"))
    return (
        Distribution.objects.filter(status__in=REPORTED_STATUSES)
        .filter(Exists(has_lines))
        .select_related("pickup_point")
        .order_by("-starts_at", "pk")
    )


def supplied_distribution(*, producer: Producer, pk: int) -> Distribution:
    return get_object_or_404(supplied_distributions(producer=producer), pk=pk)


# --- Producers: picking totals and statements --------------------------------------------------


@dataclass
class PickingLine:
    product_name: str
    unit_price_cents: int
    quantity: int
    total_cents: int


@dataclass
class PointPicking:
    """What one farm brings to one distribution."""

    distribution: Distribution
    lines: list[PickingLine] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    def quantities(self) -> list[tuple[str, int]]:
        """Quantity per product, whatever prices it sold at (lines come sorted by product)."""
        per_product: dict[str, int] = {}
        for line in self.lines:
            per_product[line.product_name] = per_product.get(line.product_name, 0) + line.quantity
        return list(per_product.items())


def producer_picking(
    *, producer: Producer, distributions: list[Distribution]
) -> list[PointPicking]:
    """Per distribution (pickup point), per product: quantity and amount of ``producer``'s
    sold lines. One ``GROUP BY`` query for any number of distributions and orders."""
    pickings = {d.pk: PointPicking(d) for d in distributions}
    rows = (
        sold_lines()
        .filter(producer=producer, order__distribution__in=list(pickings))
        .values("order__distribution_id", "offer_id", "product_name", "unit_price_cents")
        .annotate(qty=Sum("quantity"), cents=Sum(LINE_CENTS))
        .order_by("order__distribution_id", "product_name", "offer_id", "unit_price_cents")
    )
    for row in rows:
        pickings[row["order__distribution_id"]].lines.append(
            PickingLine(row["product_name"], row["unit_price_cents"], row["qty"], row["cents"])
        )
    return list(pickings.values())


def week_distributions(*, producer: Producer, week: date) -> list[Distribution]:
    """The producer's closed or done distributions of ``week``, by start."""
    return list(
        supplied_distributions(producer=producer).filter(week=week).order_by("starts_at", "pk")
    )


@dataclass
class Statement:
    sales_cents: int
    host_cents: int
    platform_cents: int
    producer_cents: int
    lines: int


def producer_statement(*, producer: Producer, distribution: Distribution) -> Statement:
    """Sales of ``producer`` at ``distribution`` and their split (host, platform, producer
    shares recorded at the close; they add up to the sales). One aggregate query."""
    sums = sold_lines().filter(producer=producer, order__distribution=distribution)
    sums = sums.aggregate(
        sales=Coalesce(Sum(LINE_CENTS), 0),
        host=Coalesce(Sum("host_share_cents"), 0),
        platform=Coalesce(Sum("platform_share_cents"), 0),
        producer=Coalesce(Sum("producer_share_cents"), 0),
        lines=Count("pk"),
    )
    return Statement(sums["sales"], sums["host"], sums["platform"], sums["producer"], sums["lines"])


def producer_lines(
    *, producer: Producer, distribution: Distribution, to_weigh: bool = False
) -> QuerySet[OrderLine]:
    """The farm's lines of a closed distribution, sold or not, for its corrections: by
    product, then order, with the order (pickup code, handover) and the audit trail of each
    line (three queries in all). ``to_weigh``: only the lines still to weigh
    (``OrderLine.to_weigh``: sold by weight, active, neither weighed nor charged at their
    estimate)."""
    lines = OrderLine.objects.filter(producer=producer, order__distribution=distribution)
    if to_weigh:
        lines = lines.filter(
            estimated_weight_g__isnull=False,
            weighed_cents__isnull=True,
            status=OrderLine.Status.ACTIVE,
        )
    return (
        lines.exclude(order__status__in=[Order.Status.EXPIRED, Order.Status.AWAITING_PAYMENT])
        .select_related("order")
        .prefetch_related(Prefetch("changes", queryset=LineChange.objects.select_related("actor")))
        .order_by("product_name", "order_id", "pk")
    )


def producer_lines_by_weight(
    *, producer: Producer, distribution: Distribution
) -> QuerySet[OrderLine]:
    """The farm's lines sold by weight of a closed distribution, for its weighing: by
    household (pickup code), then product, with the order and its household (one query)."""
    return (
        OrderLine.objects.filter(
            producer=producer, order__distribution=distribution, estimated_weight_g__isnull=False
        )
        .exclude(order__status__in=[Order.Status.EXPIRED, Order.Status.AWAITING_PAYMENT])
        .select_related("order__household")
        .order_by("order__pickup_code", "order__household_id", "product_name", "pk")
    )


def producer_line(*, producer: Producer, pk: int) -> OrderLine:
    """One of the farm's lines (any distribution), with its audit trail; else Http404."""
    return get_object_or_404(
        OrderLine.objects.filter(producer=producer)
        .select_related("order")
        .prefetch_related(Prefetch("changes", queryset=LineChange.objects.select_related("actor"))),
        pk=pk,
    )


# --- Hosts: packing list -----------------------------------------------------------------------


@dataclass(slots=True)
class PackingLine:
    product_name: str
    quantity: int
    total_cents: int
    weight_g: int | None = None  # sold by weight: the real weight, once all of it is weighed


@dataclass(slots=True)
class PackingFarm:
    producer_name: str
    lines: list[PackingLine] = field(default_factory=list)


@dataclass(slots=True)
class PackingCollection:
    """One household's collection at a distribution: the block of the packing list, the label,
    the handover row. All its sold orders there, one code (plain values: built for
    thousands)."""

    order_id: int  # the household's first sold order there: what the handover URLs name
    order_ids: list[int]
    household_id: int
    household: str  # full name, else e-mail
    pickup_code: str
    status: str  # no_show only if none of its orders is still confirmed
    collected_at: datetime | None  # set when its orders are collected (together)
    household_no_shows: int
    farms: list[PackingFarm] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for farm in self.farms for line in farm.lines)

    @property
    def items(self) -> int:
        """How many things go into the bag (pieces of every line)."""
        return sum(line.quantity for farm in self.farms for line in farm.lines)

    @property
    def status_label(self) -> str:
        return Order.Status(self.status).label


def _no_shows_of_household() -> Subquery:
    """Collections missed by the household (distinct distributions with a no-show order)."""
    missed = (
        Order.objects.filter(household=OuterRef("household"), status=Order.Status.NO_SHOW)
        .order_by()
        .values("household")
        .annotate(n=Count("distribution", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(missed), 0)


def packing_list(*, distribution: Distribution) -> list[PackingCollection]:
    """One block per household collection (name, pickup code, lines of all its sold orders
    grouped by farm, total), sorted by name. Two queries whatever the number of orders."""
    return packing_lists(distributions=[distribution])[distribution.pk]


def packing_lists(*, distributions: list[Distribution]) -> dict[int, list[PackingCollection]]:
    """The packing lists of several distributions (a host's points, a whole week) in the same
    two queries: the orders with their households, then the lines, summed per household,
    farm and product by the database."""
    return _collections(distribution_ids=[d.pk for d in distributions])


def _collections(
    *, distribution_ids: list[int], households: QuerySet | list[int] | None = None
) -> dict[int, list[PackingCollection]]:
    """Per distribution, its households' collections sorted by name: one query for the
    orders, one for the lines (summed per household, farm and product). ``households`` (ids,
    or a query of ids) narrows to some households."""
    orders = Order.objects.filter(distribution__in=distribution_ids, status__in=SOLD_STATUSES)
    lines = sold_lines().filter(order__distribution__in=distribution_ids)
    if households is not None:
        orders = orders.filter(household__in=households)
        lines = lines.filter(order__household__in=households)
    orders = (
        orders.annotate(household_no_shows=_no_shows_of_household())
        .order_by("household__full_name", "household__email", "pk")
        .values_list(
            "distribution_id",
            "household_id",
            "pk",
            "household__full_name",
            "household__email",
            "pickup_code",
            "status",
            "collected_at",
            "household_no_shows",
        )
    )
    lists: dict[int, list[PackingCollection]] = {pk: [] for pk in distribution_ids}
    blocks: dict[tuple[int, int], PackingCollection] = {}
    for distribution_id, household_id, pk, name, email, code, status, at, no_shows in orders:
        block = blocks.get((distribution_id, household_id))
        if block is None:
            block = blocks[distribution_id, household_id] = PackingCollection(
                pk, [pk], household_id, name or email, code, status, at, no_shows
            )
            lists[distribution_id].append(block)
            continue
        block.order_ids.append(pk)
        if status == Order.Status.CONFIRMED:
            block.status = status
        # Collected together; a straggler left unmarked makes the collection not collected.
        block.collected_at = at and block.collected_at and max(at, block.collected_at)
    rows = (
        lines.values(
            "order__distribution_id", "order__household_id", "producer_name", "product_name"
        )
        .annotate(
            qty=Sum("quantity"),
            cents=Sum(LINE_CENTS),
            weight=Sum("weight_g"),
            # Lines sold by weight not weighed yet: the product's weight is not known then.
            unweighed=Count(
                "pk", filter=Q(estimated_weight_g__isnull=False, weight_g__isnull=True)
            ),
        )
        .values_list(
            "order__distribution_id",
            "order__household_id",
            "producer_name",
            "product_name",
            "qty",
            "cents",
            "weight",
            "unweighed",
        )
        .order_by("order__distribution_id", "order__household_id", "producer_name", "product_name")
    )
    for (
        distribution_id,
        household_id,
        producer_name,
        product_name,
        qty,
        cents,
        weight,
        unweighed,
    ) in rows:
        block = blocks.get((distribution_id, household_id))
        if block is None:
            continue
        if not block.farms or block.farms[-1].producer_name != producer_name:
            block.farms.append(PackingFarm(producer_name))
        weight = None if unweighed else weight
        block.farms[-1].lines.append(PackingLine(product_name, qty, cents, weight))
    return lists


# --- Hosts: labels and handover ------------------------------------------------------------------


def handover_collections(
    *, distribution: Distribution, search: str = ""
) -> list[PackingCollection]:
    """Collections to hand over, found by pickup code (exact) or household name/e-mail
    (part). Two queries."""
    households = None
    search = (search or "").strip()
    if search:
        households = (
            Order.objects.filter(distribution=distribution, status__in=SOLD_STATUSES)
            .filter(
                Q(pickup_code=normalise(search))
                | Q(household__full_name__icontains=search)
                | Q(household__email__icontains=search)
            )
            .values("household_id")
        )
    return _collections(distribution_ids=[distribution.pk], households=households)[distribution.pk]


def collection_of(*, order: Order) -> PackingCollection | None:
    """The collection ``order`` belongs to (None if the household has no sold order there)."""
    found = _collections(
        distribution_ids=[order.distribution_id],
        households=[order.household_id],
    )[order.distribution_id]
    return found[0] if found else None


def handover_counts(*, distribution: Distribution) -> dict[str, int]:
    """How many households there are to hand over to, have collected, are left, and did not
    come. One query."""
    household = "household"
    return Order.objects.filter(distribution=distribution, status__in=SOLD_STATUSES).aggregate(
        total=Count(household, distinct=True),
        collected=Count(household, distinct=True, filter=Q(collected_at__isnull=False)),
        left=Count(
            household,
            distinct=True,
            filter=Q(collected_at__isnull=True, status=Order.Status.CONFIRMED),
        ),
        no_shows=Count(household, distinct=True, filter=Q(status=Order.Status.NO_SHOW)),
    )


# --- Reconciliation ----------------------------------------------------------------------------


@dataclass
class Sums:
    """The four ways to count a distribution's sales; they are equal when the books agree."""

    picking_cents: int  # sum of every farm's picking totals
    packing_cents: int  # sum of the packing list's lines
    lines_cents: int  # sum of active lines of sold orders
    money_cents: int  # captured minus refunded


def money_kept(*, distribution: Distribution) -> int:
    """Captured minus refunded over the distribution's payments (two aggregate queries)."""
    orders = Order.objects.filter(distribution=distribution).values("pk")
    of_orders = {"purpose_kind": ORDER_KIND, "purpose_id__in": orders}
    received = Payment.objects.filter(**of_orders).aggregate(
        s=Coalesce(Sum("amount_received_cents"), 0)
    )["s"]
    refunded = Refund.objects.filter(
        **{f"payment__{k}": v for k, v in of_orders.items()}
    ).aggregate(s=Coalesce(Sum("amount_cents"), 0))["s"]
    return received - refunded


def reconcile(*, distribution: Distribution) -> Sums:
    producers = Producer.objects.filter(order_lines__order__distribution=distribution).distinct()
    picking = sum(
        p.total_cents
        for producer in producers
        for p in producer_picking(producer=producer, distributions=[distribution])
    )
    packing = sum(block.total_cents for block in packing_list(distribution=distribution))
    lines = (
        sold_lines()
        .filter(order__distribution=distribution)
        .aggregate(s=Coalesce(Sum(LINE_CENTS), 0))["s"]
    )
    return Sums(picking, packing, lines, money_kept(distribution=distribution))
