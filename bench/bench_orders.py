"""Benchmark order placement under gunicorn on PostgreSQL, Stripe replaced by localstripe.

``POST /api/v1/orders/`` (3 lines, a fresh ``Idempotency-Key`` each) from 16 concurrent clients
against the trivial JSON view (``/bench/ping/``) measured the same way in the same run: prints
the throughput ratio (goal >= 0.15), the number of 5xx answers (goal 0) and the stock
invariant (for every offer: sold + remaining = initial).

Loopback only (gunicorn and localstripe on free ports of 127.0.0.1), bounded by a number of
requests and a time limit. The bench database is flushed and seeded each run. See
bench/README.md.

    .venv/bin/python bench/bench_orders.py [--client wrk|python] [--duration 10] [--clients 16]
        [--requests 2000] [--max-seconds 60] [--workers 4] [--worker-class sync|gthread]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_catalogue import (  # noqa: E402
    ensure_database,
    free_port,
    seed_catalogue,
    setup_django,
    start_gunicorn,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_orders"
GOAL = 0.15
HOUSEHOLDS = 64
# One offer runs out during a run of --requests (Python client), so refusals are measured too,
# the same mix of 201/409 whatever the speed. wrk runs for a duration: a faster server would
# reach the (cheaper) refusals sooner, so with wrk no offer runs out and only placements count.
LIMITED_STOCK = 1500


def start_localstripe() -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "manage.py", "localstripe", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--from-scratch", "--webhook-url", ""]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).read(1)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("localstripe did not start")


def seed_orders(
    distribution_id: int, *, limited_stock: int
) -> tuple[list[str], list[int], dict[int, int]]:
    """Households with API tokens, a point without capacity limit, three offers to order."""
    from accounts.models import User
    from accounts.services import create_token
    from pickup.models import Distribution
    from producers.models import Offer

    distribution = Distribution.objects.select_related("pickup_point").get(pk=distribution_id)
    point = distribution.pickup_point
    point.capacity = 1_000_000
    point.save(update_fields=["capacity"])
    offers = list(Offer.objects.filter(catalogue__week=distribution.week).order_by("pk")[:3])
    Offer.objects.filter(pk__in=[o.pk for o in offers[:2]]).update(
        quantity=1_000_000, remaining=1_000_000
    )
    Offer.objects.filter(pk=offers[2].pk).update(quantity=limited_stock, remaining=limited_stock)
    tokens = []
    for n in range(HOUSEHOLDS):
        user = User.objects.create_user(email=f"bench{n}@exemple.fr", password="x" * 12)
        tokens.append(create_token(user=user, name="bench").key)
    initial = dict(
        Offer.objects.filter(pk__in=[o.pk for o in offers]).values_list("pk", "quantity")
    )
    return tokens, [o.pk for o in offers], initial


# wrk (one Lua state per wrk thread): a fresh Idempotency-Key per request (thread id + counter),
# households in turn, and the answers counted per status class (5xx apart).
WRK_ORDER_SCRIPT = """
local tokens = {%(tokens)s}
local body = '%(body)s'
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  n, created, conflicts, other4xx, server_errors = 0, 0, 0, 0, 0
end
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/orders/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Token " .. tokens[(n %% #tokens) + 1],
    ["Idempotency-Key"] = "wrk-%(run)s-" .. id .. "-" .. n,
  }, body)
end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then conflicts = conflicts + 1
  elseif status >= 500 then server_errors = server_errors + 1
  else other4xx = other4xx + 1 end
end
function done(summary, latency, requests)
  local c = {0, 0, 0, 0}
  for _, t in ipairs(threads) do
    c[1] = c[1] + t:get("created"); c[2] = c[2] + t:get("conflicts")
    c[3] = c[3] + t:get("other4xx"); c[4] = c[4] + t:get("server_errors")
  end
  io.write(string.format("STATUSES 201=%%d 409=%%d 4xx=%%d 5xx=%%d\\n", c[1], c[2], c[3], c[4]))
end
"""


def wrk_load(url: str, *, duration: int, clients: int, script: str | None = None):
    """``wrk -t2 -c<clients>`` for ``duration`` seconds: (requests/s, statuses, socket errors)."""
    command = ["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--timeout", "10s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    statuses = Counter()
    found = re.search(r"STATUSES 201=(\d+) 409=(\d+) 4xx=(\d+) 5xx=(\d+)", out)
    if found:
        for status, count in zip((201, 409, 400, 500), map(int, found.groups()), strict=True):
            if count:
                statuses[status] = count
    else:
        total = int(re.search(r"(\d+) requests in", out).group(1))
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        statuses[200] = total - int(non_2xx.group(1) if non_2xx else 0)
        if non_2xx:
            statuses[500] = int(non_2xx.group(1))  # the trivial view answers 200 only
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return rps, statuses, socket_errors.group(1) if socket_errors else ""


def run_load(
    base: str, *, requests: int, clients: int, max_seconds: float, make_request
) -> tuple[float, Counter]:
    """``clients`` threads share ``requests`` requests (stopping at ``max_seconds``)."""
    host, port = base.removeprefix("http://").split(":")
    counter = itertools.count()
    lock = threading.Lock()
    statuses: Counter = Counter()
    done = [0]
    deadline = time.monotonic() + max_seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                n = next(counter)
            if n >= requests:
                return
            method, path, body, headers = make_request(n)
            conn = HTTPConnection(host, int(port), timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 599
            finally:
                conn.close()
            with lock:
                statuses[status] += 1
                done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per measurement")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=60, help="per measurement")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (wrk uses less of the machine's CPU than Python threads)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")

    stripe, stripe_base = start_localstripe()
    os.environ["STRIPE_API_BASE"] = stripe_base  # gunicorn inherits it
    ensure_database(url)
    setup_django(url)
    distribution_id = seed_catalogue()
    limited_stock = LIMITED_STOCK if args.client == "python" else 1_000_000
    tokens, offers, initial = seed_orders(distribution_id, limited_stock=limited_stock)

    def ping(n):
        return "GET", "/bench/ping/", None, {}

    def order(n):
        body = json.dumps(
            {
                "distribution": distribution_id,
                "lines": [{"offer": offer, "quantity": 1} for offer in offers],
            }
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Token {tokens[n % len(tokens)]}",
            "Idempotency-Key": f"bench-{n}",
        }
        return "POST", "/api/v1/orders/", body, headers

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(
        port, url, workers=args.workers, worker_class=args.worker_class, threads=args.threads
    )
    socket_errors = []
    try:
        load = {"clients": args.clients, "max_seconds": args.max_seconds}
        if args.client == "wrk":
            script = WRK_ORDER_SCRIPT % {
                "tokens": ", ".join(f'"{t}"' for t in tokens),
                "body": order(0)[2],
                "run": int(time.time()),
            }

            def measure(path, script=None):
                rps, statuses, errors = wrk_load(
                    base + path, duration=args.duration, clients=args.clients, script=script
                )
                if errors:
                    socket_errors.append(f"{path}: {errors}")
                return rps, statuses

        else:

            def measure(path, script=None):
                make = order if script else ping
                return run_load(base, requests=args.requests, make_request=make, **load)

        run_load(base, requests=200, make_request=ping, **load)  # warm-up
        ping_before, ping_statuses = measure("/bench/ping/")
        # warm-up: each household's Stripe customer and SetupIntent (reused afterwards)
        run_load(
            base,
            requests=len(tokens),
            make_request=lambda n: order(1_000_000 + n),
            **load,
        )
        orders_rps, order_statuses = measure(
            "/api/v1/orders/", script=script if args.client == "wrk" else True
        )
        ping_after, ping_after_statuses = measure("/bench/ping/")
        ping_statuses += ping_after_statuses
    finally:
        server.terminate()
        server.wait(timeout=30)
        stripe.terminate()
        stripe.wait(timeout=10)

    from django.db.models import Sum

    from orders.models import ACTIVE_STATUSES, Order, OrderLine
    from producers.models import Offer

    invariant_ok = True
    lines = []
    for offer in Offer.objects.filter(pk__in=offers).order_by("pk"):
        sold = (
            OrderLine.objects.filter(
                offer=offer, status="active", order__status__in=ACTIVE_STATUSES
            ).aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        ok = sold + offer.remaining == initial[offer.pk]
        invariant_ok &= ok and offer.remaining >= 0
        lines.append(
            f"  offer {offer.pk}: sold {sold} + remaining {offer.remaining} = "
            f"{sold + offer.remaining} (initial {initial[offer.pk]}) {'OK' if ok else 'BROKEN'}"
        )
    ping_rps = (ping_before + ping_after) / 2
    ratio = orders_rps / ping_rps
    server_errors = sum(n for status, n in order_statuses.items() if status >= 500)
    server_errors += sum(n for status, n in ping_statuses.items() if status >= 500)
    server_kind = f"gunicorn {args.workers} {args.worker_class} workers" + (
        f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    if args.client == "wrk":
        client = f"wrk -t2, {args.duration} s each"
    else:
        client = f"Python threads, {args.requests} requests each"
    print(f"load: {args.clients} concurrent clients ({client}); {server_kind}")
    if socket_errors:
        print("socket errors:", "; ".join(socket_errors))
    print(
        f"trivial JSON view       {ping_rps:8.0f} req/s  ({ping_before:.0f} before, {ping_after:.0f} after)"
    )
    print(
        f"order placement (3 l.)  {orders_rps:8.0f} req/s  statuses {dict(sorted(order_statuses.items()))}"
    )
    print(f"orders in the database: {Order.objects.count()}")
    print("\n".join(lines))
    print(
        f"RATIO order placement / trivial JSON throughput: {ratio:.2f}x "
        f"(goal >= {GOAL}) {'OK' if ratio >= GOAL else 'MISSED'}"
    )
    print(f"5xx answers: {server_errors} (goal 0) {'OK' if server_errors == 0 else 'MISSED'}")
    print(f"STOCK invariant (sold + remaining = initial): {'OK' if invariant_ok else 'BROKEN'}")


if __name__ == "__main__":
    main()
