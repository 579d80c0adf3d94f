"""Benchmark the distribution-day reports on PostgreSQL: every farm's picking totals for the week
(all pickup points) and every packing list, for a set of closed distributions holding 10,000
orders / 50,000 lines, against one raw SQL ``GROUP BY`` over the same lines measured in the
same run (goal <= 20x), and the same reports for 1,000 orders (10,000 / 1,000 goal <= 12).

Orders and lines are inserted in bulk in the state the close leaves them (confirmed, fee
shares recorded): settling 10,000 payments through Stripe is not what is measured here. The
bench database is flushed and seeded each run. See bench/README.md.

    .venv/bin/python bench/bench_distribution_day.py [--orders 10000] [--small 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_catalogue import LILLE, ensure_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_day"
POINTS = 20
FARMS = 10
OFFERS_PER_FARM = 10
LINES_PER_ORDER = 5
GOAL_BASELINE = 20.0
GOAL_SCALE = 12.0

RAW_GROUP_BY = """
SELECT o.distribution_id, l.producer_id, l.offer_id,
       SUM(l.quantity), SUM(l.unit_price_cents * l.quantity)
FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
JOIN pickup_distribution d ON d.id = o.distribution_id
WHERE d.week = %s AND l.status = 'active' AND o.status IN ('confirmed', 'no_show')
GROUP BY o.distribution_id, l.producer_id, l.offer_id
"""


def seed_week() -> tuple[list[int], list[int], object]:
    """20 pickup points with one closed distribution each, the same week; 10 farms supplying
    every point, 10 offers each. Returns distribution ids, farm ids and the week."""
    from django.utils import timezone

    from pickup.models import Distribution, PickupPoint, Supplier
    from pickup.schedule import week_of
    from producers.models import Catalogue, Offer, Producer, Product

    starts = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    week = week_of(starts)
    points = PickupPoint.objects.bulk_create(
        PickupPoint(
            name=f"Bench day point {i}",
            slug=f"bench-day-{i}",
            address="Lille",
            latitude=LILLE[0],
            longitude=LILLE[1],
            location_status="located",
            capacity=1_000_000,
        )
        for i in range(POINTS)
    )
    distributions = Distribution.objects.bulk_create(
        Distribution(
            pickup_point=point,
            week=week,
            starts_at=starts + timedelta(minutes=i),
            ends_at=starts + timedelta(hours=2, minutes=i),
            opens_at=starts - timedelta(days=6),
            cutoff_at=starts - timedelta(hours=48),
            status=Distribution.Status.CLOSED,
        )
        for i, point in enumerate(points)
    )
    farms = []
    for f in range(FARMS):
        producer = Producer.objects.create(
            name=f"Bench day farm {f}",
            slug=f"bench-day-farm-{f}",
            address="Lille",
            latitude=LILLE[0],
            longitude=LILLE[1],
            location_status="located",
        )
        Supplier.objects.bulk_create(
            Supplier(producer=producer, pickup_point=p, status="approved", distance_km=10)
            for p in points
        )
        catalogue = Catalogue.objects.create(producer=producer, week=week, status="published")
        products = Product.objects.bulk_create(
            Product(
                producer=producer,
                name=f"Produit {f}-{n}",
                category="vegetables",
                unit="piece",
                quantity_per_unit=1,
                price_cents=150 + 7 * n,
            )
            for n in range(OFFERS_PER_FARM)
        )
        Offer.objects.bulk_create(
            Offer(
                catalogue=catalogue,
                product=p,
                price_cents=p.price_cents,
                quantity=10**6,
                remaining=10**6,
            )
            for p in products
        )
        farms.append(producer)
    return [d.pk for d in distributions], [f.pk for f in farms], week


def seed_orders(distribution_ids: list[int], n_orders: int) -> int:
    """``n_orders`` confirmed orders of LINES_PER_ORDER lines, spread over the distributions,
    fee shares recorded as the close does. Returns the number of lines."""
    import random

    from accounts.models import User
    from orders.models import Order, OrderLine
    from orders.pickup_codes import new_code
    from orders.services.closing import split_fees
    from producers.models import Offer

    rng = random.Random(n_orders)
    offers = list(Offer.objects.select_related("product", "catalogue__producer").order_by("pk"))
    households = User.objects.bulk_create(
        User(email=f"foyer{n_orders}-{i}@bench.invalid", full_name=f"Foyer {i:05d}")
        for i in range(max(1, n_orders // 2))
    )
    # One code per household per distribution, as placing gives (its orders share it).
    codes: dict[tuple[int, int], str] = {}
    taken: set[tuple[int, str]] = set()
    orders = []
    for i in range(n_orders):
        distribution_id = distribution_ids[i % len(distribution_ids)]
        household = households[i % len(households)]
        key = (distribution_id, household.pk)
        if key not in codes:
            code = new_code()
            while (distribution_id, code) in taken:
                code = new_code()
            taken.add((distribution_id, code))
            codes[key] = code
        orders.append(
            Order(
                household=household,
                distribution_id=distribution_id,
                idempotency_key=f"bench-{n_orders}-{i}",
                status=Order.Status.CONFIRMED,
                pickup_code=codes[key],
            )
        )
    orders = Order.objects.bulk_create(orders, batch_size=5000)
    lines = []
    for order in orders:
        for offer in rng.sample(offers, LINES_PER_ORDER):
            producer = offer.catalogue.producer
            line = OrderLine(
                order=order,
                offer=offer,
                producer=producer,
                product_name=offer.product.name,
                producer_name=producer.name,
                unit_price_cents=offer.price_cents,
                quantity=rng.randint(1, 4),
            )
            split_fees(line)
            lines.append(line)
    OrderLine.objects.bulk_create(lines, batch_size=10000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order; ANALYZE orders_orderline")
    return len(lines)


def all_reports(distribution_ids: list[int], farm_ids: list[int], week) -> int:
    """Every farm's week of picking totals and every packing list; returns rows produced."""
    from handover import reports
    from pickup.models import Distribution
    from producers.models import Producer

    rows = 0
    for producer in Producer.objects.filter(pk__in=farm_ids).order_by("pk"):
        distributions = reports.week_distributions(producer=producer, week=week)
        for picking in reports.producer_picking(producer=producer, distributions=distributions):
            rows += len(picking.lines)
    distributions = list(Distribution.objects.filter(pk__in=distribution_ids).order_by("pk"))
    for blocks in reports.packing_lists(distributions=distributions).values():
        for block in blocks:
            rows += sum(len(farm.lines) for farm in block.farms)
    return rows


def raw_group_by(week) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUP_BY, [week])
        return len(cursor.fetchall())


def timed(func, repeat: int) -> float:
    func()  # warm-up (plans, caches)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(n_orders: int, repeat: int) -> tuple[float, float, int, int]:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    distribution_ids, farm_ids, week = seed_week()
    started = time.perf_counter()
    lines = seed_orders(distribution_ids, n_orders)
    print(
        f"  seeded {n_orders:,} orders / {lines:,} lines in {time.perf_counter() - started:.1f} s"
    )
    reports_s = timed(lambda: all_reports(distribution_ids, farm_ids, week), repeat)
    baseline_s = timed(lambda: raw_group_by(week), repeat)
    rows = all_reports(distribution_ids, farm_ids, week)
    return reports_s, baseline_s, lines, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url)

    print(f"{args.orders:,} orders:")
    big, baseline, lines, rows = measure(args.orders, args.repeat)
    print(
        f"  all reports {big * 1000:.1f} ms ({rows:,} report rows), raw GROUP BY "
        f"{baseline * 1000:.1f} ms over {lines:,} lines"
    )
    print(f"{args.small:,} orders:")
    small, small_baseline, _lines, _rows = measure(args.small, args.repeat)
    print(f"  all reports {small * 1000:.1f} ms, raw GROUP BY {small_baseline * 1000:.1f} ms")

    ratio = big / baseline
    scale = big / small
    ok = "OK" if ratio <= GOAL_BASELINE else "ABOVE GOAL"
    print(
        f"RATIO all reports / one raw GROUP BY ({args.orders:,} orders): {ratio:.1f}x "
        f"(goal <= {GOAL_BASELINE:g}) {ok}"
    )
    ok = "OK" if scale <= GOAL_SCALE else "ABOVE GOAL"
    print(
        f"RATIO all reports, {args.orders:,} / {args.small:,} orders: {scale:.1f}x "
        f"(goal <= {GOAL_SCALE:g}) {ok}"
    )


if __name__ == "__main__":
    main()
