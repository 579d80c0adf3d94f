"""Benchmark the close of a distribution with 500 paid orders: how long the distribution's row
lock is held, today's close (decide and record under the lock, settle each order in its own
task afterwards) against the previous close (Stripe called for every order under the lock),
measured in the same run, on PostgreSQL or SQLite.

Stripe is the fake of the tests (``tests/payments/fakes.py``) at the ``payments.gateway``
seam, so no network is involved unless ``--stripe-ms`` adds a latency per call (a real Stripe
call takes 200–500 ms; localstripe a few). The bench database is flushed and seeded each run.
See bench/README.md.

    .venv/bin/python bench/bench_close.py [--orders 500] [--repeat 3] [--stripe-ms 0]
    DATABASE_URL=sqlite:////tmp/bench_close.sqlite3 .venv/bin/python bench/bench_close.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_catalogue import LILLE, ensure_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_close"
# The close as it was before settlements (Stripe called under the distribution's lock).
PREVIOUS_COMMIT = "8225e0e"
PREVIOUS_PATH = "orders/services/closing.py"
GOAL_LOCK_SECONDS = 1.0


def load_previous() -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{PREVIOUS_COMMIT}:{PREVIOUS_PATH}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("bench_previous_closing")
    sys.modules[module.__name__] = module
    exec(compile(source, f"{PREVIOUS_COMMIT}:{PREVIOUS_PATH}", "exec"), module.__dict__)
    return module


def install_fake_stripe(latency: float):
    """The tests' fake Stripe at the gateway seam, each call taking ``latency`` seconds."""
    from payments import gateway
    from tests.payments.fakes import FakeStripe

    fake = FakeStripe()
    for name in FakeStripe.SEAM:
        method = getattr(fake, name)

        def slow(*args, _method=method, **kwargs):
            if latency:
                time.sleep(latency)
            return _method(*args, **kwargs)

        setattr(gateway, name, slow)
    return fake


def seed_farms():
    """A pickup point and two farms: A (no minimum, 3 offers), B (a minimum no one reaches)."""
    from django.utils import timezone

    from pickup.models import PickupPoint, Supplier
    from pickup.schedule import week_of
    from producers.models import Catalogue, Offer, Producer, Product

    point = PickupPoint.objects.create(
        name="Bench close point",
        slug="bench-close",
        address="Lille",
        latitude=LILLE[0],
        longitude=LILLE[1],
        location_status="located",
        capacity=1_000_000,
    )
    week = week_of(timezone.now() + timedelta(days=1))
    offers = {}
    for name, minimum in (("a", 0), ("b", 10**7)):
        producer = Producer.objects.create(
            name=f"Bench close farm {name}",
            slug=f"bench-close-{name}",
            address="Lille",
            latitude=LILLE[0],
            longitude=LILLE[1],
            location_status="located",
            minimum_order_cents=minimum,
        )
        Supplier.objects.create(
            producer=producer, pickup_point=point, status="approved", distance_km=10
        )
        catalogue = Catalogue.objects.create(producer=producer, week=week, status="published")
        offers[name] = []
        for n in range(3 if name == "a" else 1):
            product = Product.objects.create(
                producer=producer,
                name=f"Produit {name}{n}",
                category="vegetables",
                unit="piece",
                quantity_per_unit=1,
                price_cents=250 + 50 * n,
            )
            offers[name].append(
                Offer.objects.create(
                    catalogue=catalogue,
                    product=product,
                    price_cents=product.price_cents,
                    quantity=10**8,
                    remaining=10**7,
                )
            )
    return point, week, offers


def seed_distribution(run: int, point, week, offers, households, fake) -> int:
    """An open distribution past its cutoff with one paid order per household: 2 lines of farm
    A and 1 of farm B (below its minimum, so every order is captured for less), one in ten
    only farm B (released). Cards authorised (manual capture), as for a cutoff < 6 days."""
    from django.utils import timezone

    from orders.models import Order, OrderLine
    from payments import gateway
    from payments.models import Payment
    from pickup.models import Distribution

    now = timezone.now()
    distribution = Distribution.objects.create(
        pickup_point=point,
        week=week,
        starts_at=now + timedelta(days=1, minutes=run),
        ends_at=now + timedelta(days=1, hours=2, minutes=run),
        opens_at=now - timedelta(days=5),
        cutoff_at=now - timedelta(minutes=1),
        status=Distribution.Status.OPEN,
    )
    orders = Order.objects.bulk_create(
        Order(
            household=household,
            distribution=distribution,
            idempotency_key=f"bench-close-{run}-{i}",
            status=Order.Status.PAID,
            paid_at=now,
        )
        for i, household in enumerate(households)
    )
    lines, payments = [], []
    a, (b,) = offers["a"], offers["b"]
    for i, order in enumerate(orders):
        chosen = [(b, 1)] if i % 10 == 0 else [(a[i % 3], 2), (a[(i + 1) % 3], 1), (b, 1)]
        for offer, quantity in chosen:
            lines.append(
                OrderLine(
                    order=order,
                    offer=offer,
                    producer_id=offer.catalogue.producer_id,
                    product_name=offer.product.name,
                    producer_name=offer.catalogue.producer.name,
                    unit_price_cents=offer.price_cents,
                    quantity=quantity,
                )
            )
        total = sum(offer.price_cents * quantity for offer, quantity in chosen)
        order.total_cents = total
        intent_id = f"pi_bench_{run}_{i}"
        fake.intents[intent_id] = gateway.Intent(
            intent_id,
            "requires_capture",
            amount=total,
            amount_capturable=total,
            amount_received=0,
            capture_method="manual",
        )
        payments.append(
            Payment(
                purpose_kind="order",
                purpose_id=order.pk,
                payer_id=order.household_id,
                intent_id=intent_id,
                capture_method="manual",
                status="requires_capture",
                amount_cents=total,
                amount_capturable_cents=total,
            )
        )
    Order.objects.bulk_update(orders, ["total_cents"])
    OrderLine.objects.bulk_create(lines, batch_size=2000)
    Payment.objects.bulk_create(payments, batch_size=2000)
    return distribution.pk


def timed_close(module, distribution_id: int) -> tuple[float, float]:
    """Close with ``module``'s ``close_distribution``; returns (seconds the distribution's row
    lock was held: from taking it to the commit, seconds until every order was settled)."""
    from django.db import transaction

    from pickup.models import Distribution

    marks: dict[str, float] = {}
    lock = module.lock_distribution

    def timed_lock(pk):
        row = lock(pk)
        marks["locked"] = time.perf_counter()
        transaction.on_commit(lambda: marks.setdefault("released", time.perf_counter()))
        return row

    module.lock_distribution = timed_lock
    try:
        started = time.perf_counter()
        closed = module.close_distribution(
            distribution=Distribution.objects.get(pk=distribution_id)
        )
        finished = time.perf_counter()  # eager tasks: the settlements ran after the commit
    finally:
        module.lock_distribution = lock
    assert closed, "the distribution did not close"
    return marks["released"] - marks["locked"], finished - started


def check_money(distribution_id: int, fake) -> str:
    """Every order's card keeps exactly its final amount (captured, or released when 0)."""
    from orders.models import Order
    from payments.models import Payment

    wrong = 0
    for order in Order.objects.filter(distribution_id=distribution_id):
        (payment,) = Payment.objects.filter(purpose_kind="order", purpose_id=order.pk)
        intent = fake.intents[payment.intent_id]
        kept = intent.amount_received if intent.status == "succeeded" else 0
        wrong += kept != order.total_cents
    return "OK" if wrong == 0 else f"{wrong} orders WRONG"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stripe-ms", type=float, default=0.0, help="latency per Stripe call")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if url.startswith("postgres"):
        ensure_database(url)
    setup_django(url)

    from django.db import connection

    from accounts.models import User
    from config.celery import app as celery_app
    from orders.services import closing
    from orders.signals import sale_closed

    celery_app.conf.task_always_eager = True  # settlements run inline, after the commit
    sale_closed.disconnect(dispatch_uid="handover-close-emails")  # e-mails are not measured
    fake = install_fake_stripe(args.stripe_ms / 1000)
    previous = load_previous()
    point, week, offers = seed_farms()
    households = User.objects.bulk_create(
        User(email=f"close{i}@bench.invalid", full_name=f"Foyer {i:04d}")
        for i in range(args.orders)
    )

    results: dict[str, list[tuple[float, float]]] = {"previous": [], "today": []}
    money = set()
    run = 0
    for _ in range(args.repeat):
        for name, module in (("previous", previous), ("today", closing)):
            run += 1
            distribution_id = seed_distribution(run, point, week, offers, households, fake)
            results[name].append(timed_close(module, distribution_id))
            money.add(check_money(distribution_id, fake))

    vendor = connection.vendor
    print(
        f"{vendor}: close of {args.orders} paid orders (3 lines, one farm below its minimum), "
        f"Stripe latency {args.stripe_ms:g} ms per call, median of {args.repeat}"
    )
    lock = {name: statistics.median(r[0] for r in rows) for name, rows in results.items()}
    total = {name: statistics.median(r[1] for r in rows) for name, rows in results.items()}
    for name in ("previous", "today"):
        print(
            f"  {name:8}  lock held {lock[name] * 1000:8.1f} ms   "
            f"until every order settled {total[name] * 1000:8.1f} ms"
        )
    verdict = "OK" if lock["today"] < GOAL_LOCK_SECONDS else "MISSED"
    print(
        f"LOCK held by today's close: {lock['today'] * 1000:.1f} ms "
        f"(goal < {GOAL_LOCK_SECONDS * 1000:.0f} ms) {verdict}"
    )
    print(f"RATIO lock held, previous / today: {lock['previous'] / lock['today']:.1f}x")
    print(f"MONEY every card keeps its order's final amount: {', '.join(sorted(money))}")


if __name__ == "__main__":
    main()
