"""Farmers editing stock while households buy: sold + left = stock, always (PostgreSQL)."""

import random
import threading

import pytest
from django.db import connection, transaction
from django.db.models import F

from producers.errors import CsvInvalid, StockBelowTaken
from producers.models import Offer
from producers.services import import_offers_csv, set_offer_stock
from tests.concurrency.race import run_together
from tests.factories import CatalogueFactory, OfferFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(workers):
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _buy(offer_id):
    """What ``orders.place_order`` does to stock: one conditional UPDATE."""

    def work():
        with transaction.atomic():
            return Offer.objects.filter(pk=offer_id, remaining__gte=1).update(
                remaining=F("remaining") - 1
            )

    work.offer_id = offer_id
    return work


def _edit(offer, quantity):
    def work():
        try:
            set_offer_stock(offer=offer, quantity=quantity)
        except StockBelowTaken as exc:
            return exc
        return quantity

    return work


@pytest.mark.parametrize("round_", range(5))
def test_stock_edits_racing_sales_never_lose_a_sale(round_):
    rng = random.Random(round_)
    offer = OfferFactory(quantity=12, taken=0)
    stale = Offer.objects.get(pk=offer.pk)  # every editor starts from the same old reading
    jobs = [("buy", _buy(offer.pk)) for _ in range(10)]
    jobs += [("edit", _edit(stale, rng.randint(0, 12))) for _ in range(6)]
    rng.shuffle(jobs)

    results = list(
        zip([kind for kind, _w in jobs], _run_together([w for _k, w in jobs]), strict=True)
    )

    unexpected = [
        r for _k, r in results if isinstance(r, Exception) and not isinstance(r, StockBelowTaken)
    ]
    assert unexpected == []
    sold = sum(r for kind, r in results if kind == "buy")
    offer.refresh_from_db()
    assert offer.quantity - offer.remaining == sold
    assert 0 <= offer.remaining <= offer.quantity
    for _kind, refusal in results:
        if isinstance(refusal, StockBelowTaken):
            assert refusal.extra["taken"] <= sold


def _import(catalogue, stocks):
    data = "product;stock\n" + "".join(f"{name};{q}\n" for name, q in stocks.items())

    def work():
        try:
            return import_offers_csv(catalogue=catalogue, data=data.encode())
        except CsvInvalid as exc:
            return exc

    return work


@pytest.mark.parametrize("round_", range(3))
def test_offers_imports_racing_sales_never_lose_a_sale(round_):
    """The import checks stock on rows it locked, so a sale is either counted in its check or
    waits for its write."""
    rng = random.Random(round_)
    catalogue = CatalogueFactory()
    offers = [OfferFactory(catalogue=catalogue, quantity=8, taken=0) for _ in range(4)]
    names = [o.product.name for o in offers]
    jobs = [("buy", _buy(rng.choice(offers).pk)) for _ in range(12)]
    jobs += [
        ("import", _import(catalogue, {name: rng.randint(0, 8) for name in names}))
        for _ in range(4)
    ]
    rng.shuffle(jobs)

    results = list(
        zip([kind for kind, _w in jobs], run_together([w for _k, w in jobs]), strict=True)
    )

    for kind, result in results:
        if kind == "import" and isinstance(result, CsvInvalid):
            assert {e["column"] for e in result.extra["errors"]} == {"stock"}, result.extra
        else:
            assert not isinstance(result, Exception), result
    sold = {o.pk: 0 for o in offers}
    for (kind, result), (_kind, work) in zip(results, jobs, strict=True):
        if kind == "buy":
            sold[work.offer_id] += result
    for offer in Offer.objects.filter(pk__in=sold):
        assert offer.quantity - offer.remaining == sold[offer.pk]
        assert 0 <= offer.remaining <= offer.quantity
