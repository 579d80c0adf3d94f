"""Benchmark the pickup reads under gunicorn on PostgreSQL; prints ratios measured in one run.

1. ``GET /api/v1/distributions/<id>/catalogue/`` (50 offers from 5 farms) against a trivial
   JSON view (``/bench/ping/``, bench URLconf only): throughput ratio, goal >= 0.25.
2. ``GET /api/v1/pickup-points/?near=...`` with 10,000 pickup points against 100 (the same 20
   around Lille in both, the rest spread over France): time ratio, goal <= 2.

Loopback only, bounded (fixed duration with wrk, else a fixed number of requests). The bench
database is flushed and seeded each run. See bench/README.md.

    .venv/bin/python bench/bench_catalogue.py [--duration 5] [--connections 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_pickup"
LILLE = (50.6330, 3.0586)
NEAR = f"/api/v1/pickup-points/?near={LILLE[0]},{LILLE[1]}&radius_km=30"
GOALS = {"catalogue": 0.25, "nearest": 2.0}


# --- Database -------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def seed_catalogue(*, farms: int = 5, offers_per_farm: int = 10) -> int:
    """An open distribution whose catalogue holds farms × offers_per_farm offers."""
    from django.utils import timezone

    from pickup.models import Distribution, PickupPoint, Supplier
    from pickup.schedule import week_of
    from producers.models import Catalogue, Offer, Producer, Product

    point = PickupPoint.objects.create(
        name="Bench catalogue point",
        slug="bench-catalogue",
        address="Lille",
        latitude=LILLE[0],
        longitude=LILLE[1],
        location_status="located",
    )
    starts = (timezone.now() + timedelta(days=4)).replace(microsecond=0)
    distribution = Distribution.objects.create(
        pickup_point=point,
        week=week_of(starts),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        opens_at=starts - timedelta(days=6),
        cutoff_at=starts - timedelta(hours=48),
        status=Distribution.Status.OPEN,
    )
    for f in range(farms):
        producer = Producer.objects.create(
            name=f"Bench farm {f}",
            slug=f"bench-farm-{f}",
            address="Lille",
            latitude=LILLE[0] + 0.1,
            longitude=LILLE[1],
            location_status="located",
            minimum_order_cents=2500,
        )
        Supplier.objects.create(
            producer=producer, pickup_point=point, status="approved", distance_km=11.1
        )
        catalogue = Catalogue.objects.create(
            producer=producer, week=distribution.week, status="published"
        )
        products = Product.objects.bulk_create(
            Product(
                producer=producer,
                name=f"Produit {n}",
                category="vegetables",
                unit="g" if n % 2 else "piece",
                quantity_per_unit=500 if n % 2 else 1,
                price_cents=200 + n,
            )
            for n in range(offers_per_farm)
        )
        Offer.objects.bulk_create(
            Offer(
                catalogue=catalogue, product=p, price_cents=p.price_cents, quantity=50, remaining=40
            )
            for p in products
        )
    return distribution.pk


def add_points(*, around_lille: int, across_france: int, seed: int) -> None:
    """Pickup points, each with two upcoming distributions (next-distribution prefetch)."""
    from django.db import connection
    from django.utils import timezone

    from pickup.models import Distribution, PickupPoint
    from pickup.schedule import week_of

    rng = random.Random(seed)
    positions = [
        (LILLE[0] + rng.uniform(-0.15, 0.15), LILLE[1] + rng.uniform(-0.2, 0.2))
        for _ in range(around_lille)
    ] + [(rng.uniform(43.0, 51.0), rng.uniform(-4.5, 7.5)) for _ in range(across_france)]
    points = PickupPoint.objects.bulk_create(
        (
            PickupPoint(
                name=f"Point {seed}-{i}",
                slug=f"bench-point-{seed}-{i}",
                address="x",
                latitude=lat,
                longitude=lng,
                location_status="located",
            )
            for i, (lat, lng) in enumerate(positions)
        ),
        batch_size=2000,
    )
    now = timezone.now().replace(microsecond=0)
    rows = []
    for point in points:
        for days in (4, 11):
            starts = now + timedelta(days=days, minutes=rng.randrange(600))
            rows.append(
                Distribution(
                    pickup_point=point,
                    week=week_of(starts),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    opens_at=starts - timedelta(days=6),
                    cutoff_at=starts - timedelta(hours=48),
                    status="open" if days == 4 else "scheduled",
                )
            )
    Distribution.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pickup_pickuppoint; ANALYZE pickup_distribution")


# --- Server and load ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    port: int, url: str, *, workers: int = 4, worker_class: str = "sync", threads: int = 1
) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": url}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", worker_class, "--log-level", "warning"]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        assert response.status == 200, (path, response.status)
        return json.load(response)


def load_wrk(url: str, *, duration: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def load_python(url: str, *, requests: int, connections: int) -> float:
    """Fallback without wrk: ``connections`` threads share a fixed number of requests."""
    parsed = urlparse(url)
    counter = iter(range(requests))
    lock = threading.Lock()
    failures = []

    def worker():
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            conn = HTTPConnection(parsed.hostname, parsed.port, timeout=10)
            conn.request("GET", parsed.path + ("?" + parsed.query if parsed.query else ""))
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                failures.append(response.status)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{url}: {len(failures)} failed responses")
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000, help="per run, without wrk")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")

    ensure_database(url)
    setup_django(url)
    distribution_id = seed_catalogue()
    add_points(around_lille=20, across_france=80, seed=1)

    use_wrk = shutil.which("wrk") is not None

    def measure(path: str) -> float:
        target = base + path
        if use_wrk:
            load_wrk(target, duration=1, connections=args.connections)  # warm-up
            return load_wrk(target, duration=args.duration, connections=args.connections)
        load_python(target, requests=200, connections=args.connections)
        return load_python(target, requests=args.requests, connections=args.connections)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, url)
    try:
        catalogue = f"/api/v1/distributions/{distribution_id}/catalogue/"
        assert len(get_json(base, catalogue)["offers"]) == 50
        assert len(get_json(base, NEAR)["results"]) == 20

        ping_before = measure("/bench/ping/")
        catalogue_rps = measure(catalogue)
        ping_after = measure("/bench/ping/")
        near_100 = measure(NEAR)

        add_points(around_lille=0, across_france=9_900, seed=2)
        assert len(get_json(base, NEAR)["results"]) == 20
        near_10k = measure(NEAR)
    finally:
        server.terminate()
        server.wait(timeout=30)

    from pickup.models import PickupPoint

    ping = (ping_before + ping_after) / 2
    catalogue_ratio = catalogue_rps / ping
    nearest_ratio = near_100 / near_10k  # time per request, 10,000 points vs 100
    print(f"load tool: {'wrk' if use_wrk else 'python threads'}, {args.connections} connections")
    print(f"pickup points now: {PickupPoint.objects.count()}")
    print(
        f"trivial JSON view          {ping:9.0f} req/s  ({ping_before:.0f} before, {ping_after:.0f} after)"
    )
    print(f"catalogue (50 offers)      {catalogue_rps:9.0f} req/s")
    print(f"nearest, 100 points        {near_100:9.0f} req/s")
    print(f"nearest, 10,000 points     {near_10k:9.0f} req/s")
    print(
        f"RATIO catalogue / trivial JSON throughput: {catalogue_ratio:.2f}x "
        f"(goal >= {GOALS['catalogue']}) {'OK' if catalogue_ratio >= GOALS['catalogue'] else 'MISSED'}"
    )
    print(
        f"RATIO nearest time, 10,000 / 100 points:  {nearest_ratio:.2f}x "
        f"(goal <= {GOALS['nearest']}) {'OK' if nearest_ratio <= GOALS['nearest'] else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
