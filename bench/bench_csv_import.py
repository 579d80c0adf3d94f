"""Benchmark the farms' CSV imports (products and a catalogue's offers) on PostgreSQL: 5,000
rows, the importer of today against the previous one measured in the same run, on the same
files and the same database (goal: at least 10x faster).

"Before" is the importer as it was at commit ``fcb87d9`` (one savepoint and a few queries per
row): ``producers/csv_io.py`` and ``producers/services/imports.py`` of that commit are read
with ``git show`` and loaded into temporary modules (the services they call are today's, with
the same signatures). Each import runs in a transaction rolled back afterwards, so every
measurement starts from the same seeded rows; the rows each importer wrote are compared
before the rollback. The bench database is flushed and seeded each run. See bench/README.md.

    .venv/bin/python bench/bench_csv_import.py [--rows 5000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
import types
from contextlib import contextmanager
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_catalogue import ensure_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_csv"
PREVIOUS_COMMIT = "fcb87d9"
GOAL = 10.0
CATEGORIES = ["légumes", "fruits", "fromage", "pain", "oeufs", "miel", "épicerie"]
UNITS = ["kg", "botte", "pièce", "barquette", "pot", "l"]
PRODUCT_FIELDS = ["name", "category", "unit", "quantity_per_unit", "price_cents", "vat_rate",
                  "is_organic", "description", "is_active"]  # fmt: skip


# --- The previous importer, from git history ------------------------------------------------


def _source(path: str) -> str:
    try:
        return subprocess.run(
            ["git", "show", f"{PREVIOUS_COMMIT}:{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"cannot read {path} at {PREVIOUS_COMMIT} from git: {exc}")


@contextmanager
def _as_producers_csv_io(module: types.ModuleType):
    """While the previous imports module runs ``from producers import csv_io``, give it the
    previous csv_io (then put today's back)."""
    import producers
    import producers.csv_io

    today = producers.csv_io
    producers.csv_io = sys.modules["producers.csv_io"] = module
    try:
        yield
    finally:
        producers.csv_io = sys.modules["producers.csv_io"] = today


def load_previous() -> types.ModuleType:
    """``import_products_csv`` / ``import_offers_csv`` as they were at PREVIOUS_COMMIT."""
    modules = {}
    for name, path in [
        ("csv_io", "producers/csv_io.py"),
        ("imports", "producers/services/imports.py"),
    ]:
        module = types.ModuleType(f"bench_previous_{name}")
        sys.modules[module.__name__] = module  # dataclasses look their module up
        code = compile(_source(path), f"{PREVIOUS_COMMIT}:{path}", "exec")
        if name == "imports":
            with _as_producers_csv_io(modules["csv_io"]):
                exec(code, module.__dict__)
        else:
            exec(code, module.__dict__)
        modules[name] = module
    return modules["imports"]


# --- Files and seed -------------------------------------------------------------------------


def products_file(rows: int) -> bytes:
    """``rows`` valid product rows as French Excel writes them (BOM, ``;``, CRLF)."""
    lines = ["nom;catégorie;unité;quantité par unité;prix;tva;bio;description;actif"]
    for i in range(rows):
        cents = 150 + (i * 7) % 900
        lines.append(
            ";".join(
                [
                    f"Produit {i:05d}",
                    CATEGORIES[i % len(CATEGORIES)],
                    UNITS[i % len(UNITS)],
                    "0,5" if i % 3 == 0 else "1",
                    f"{cents // 100},{cents % 100:02d}",
                    "20" if i % 10 == 0 else "5,5",
                    "oui" if i % 2 else "non",
                    f"Récolte {i % 12 + 1} du matin",
                    "oui",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def offers_file(rows: int, *, stock: int) -> bytes:
    lines = ["produit;prix;stock"]
    for i in range(rows):
        cents = 200 + (i * 11) % 700
        lines.append(f"Produit {i:05d};{cents // 100},{cents % 100:02d};{stock + i % 5}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def seed(rows: int) -> dict:
    """An empty farm; a farm with ``rows`` products, an empty catalogue and a catalogue
    offering every product with some stock already taken by orders."""
    from datetime import timedelta

    from producers.models import Catalogue, Offer, Producer, Product
    from producers.weeks import current_week

    empty = Producer.objects.create(name="Bench CSV empty farm", slug="bench-csv-empty")
    full = Producer.objects.create(name="Bench CSV farm", slug="bench-csv-full")
    products = Product.objects.bulk_create(
        Product(
            producer=full,
            name=f"Produit {i:05d}",
            category="vegetables",
            unit="kg",
            price_cents=300,
        )
        for i in range(rows)
    )
    week = current_week()
    blank = Catalogue.objects.create(producer=full, week=week)
    stocked = Catalogue.objects.create(producer=full, week=week + timedelta(days=7))
    Offer.objects.bulk_create(
        Offer(catalogue=stocked, product=p, price_cents=300, quantity=20, remaining=20 - i % 4)
        for i, p in enumerate(products)
    )
    return {"empty": empty, "full": full, "blank": blank, "stocked": stocked}


# --- Measuring ------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _written(kind: str, target) -> list[tuple]:
    from producers.models import Offer, Product

    if kind == "products":
        return list(
            Product.objects.filter(producer=target).order_by("name").values_list(*PRODUCT_FIELDS)
        )
    return list(
        Offer.objects.filter(catalogue=target)
        .order_by("product__name")
        .values_list("product__name", "price_cents", "quantity", "remaining")
    )


def run_once(call, kind: str, target) -> tuple[float, tuple[int, int], tuple[int, int], list]:
    """Seconds, (SQL statements, calls to the driver), (created, updated) and the rows
    written; rolled back."""
    from django.db import connection, transaction

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(len(params) if many else 1)  # executemany: one per row
        return execute(sql, params, many, context)

    outcome = {}
    gc.collect()  # the previous run's garbage is not this one's to collect
    try:
        with transaction.atomic():
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                result = call()
                outcome["seconds"] = time.perf_counter() - started
            outcome["result"] = (result.created, result.updated)
            outcome["statements"] = sum(statements), len(statements)
            outcome["rows"] = _written(kind, target)
            raise _Rollback
    except _Rollback:
        pass
    return outcome["seconds"], outcome["statements"], outcome["result"], outcome["rows"]


def measure(label: str, kind: str, target, data: bytes, previous, repeat: int) -> float:
    from producers import services

    name, target_arg = {
        "products": ("import_products_csv", "producer"),
        "offers": ("import_offers_csv", "catalogue"),
    }[kind]
    arguments = {target_arg: target, "data": data}
    today = partial(getattr(services, name), **arguments)
    before = partial(getattr(previous, name), **arguments)
    runs = {"before": [], "after": []}
    for _ in range(repeat):  # alternate, so both see the same state of the machine
        runs["before"].append(run_once(before, kind, target))
        runs["after"].append(run_once(today, kind, target))
    old = statistics.median(r[0] for r in runs["before"])
    new = statistics.median(r[0] for r in runs["after"])
    same = all(r[2:] == runs["before"][0][2:] for r in runs["before"] + runs["after"])
    created, updated = runs["after"][0][2]
    print(
        f"{label}: created {created:,}, updated {updated:,}; "
        f"same rows written: {'yes' if same else 'NO'}"
    )
    for name, seconds in [("before", old), ("after", new)]:
        statements, calls = runs[name][0][1]
        print(f"  {name:6} {seconds:6.2f} s  {statements:6,} SQL statements in {calls:,} calls")
    return old / new if same else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if url.startswith("postgres"):
        ensure_database(url)
    setup_django(url)
    from django.utils import translation

    translation.activate("fr")
    previous = load_previous()
    seeded = seed(args.rows)
    rows = args.rows
    scenarios = [
        ("products, new", "products", seeded["empty"], products_file(rows)),
        ("products, every one changed", "products", seeded["full"], products_file(rows)),
        ("offers, new", "offers", seeded["blank"], offers_file(rows, stock=30)),
        ("offers, every stock and price changed", "offers", seeded["stocked"], offers_file(rows, stock=30)),
    ]  # fmt: skip
    ratios = []
    for label, kind, target, data in scenarios:
        ratio = measure(f"{label} ({rows:,} rows)", kind, target, data, previous, args.repeat)
        ratios.append((label, ratio))
    for label, ratio in ratios:
        ok = "OK" if ratio >= GOAL else "BELOW GOAL" if ratio else "DIFFERENT ROWS"
        print(
            f"RATIO {label}, before / after ({rows:,} rows): {ratio:.1f}x (goal >= {GOAL:g}) {ok}"
        )


if __name__ == "__main__":
    main()
