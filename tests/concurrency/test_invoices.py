"""Numbering invoices under races, on PostgreSQL. Eight issues at once in one farm's series
take its numbers 1 to 8: no gap, no duplicate. An issue rolled back after taking its number
gives it back: the next issue takes it, none is skipped, whether the rollback also drops the
series' first row or only its last number. Eight runs at once of a final distribution's
invoicing issue each invoice once, one per order and farm under mandate, numbered in a row."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from billing.invoicing import LineDraft, issue, issue_distribution_invoices, party
from billing.models import Invoice, InvoiceLine, InvoiceSequence
from billing.tasks import issue_due_invoices_task
from tests.billing.invoicing import FLAT_RATE, FRANCHISE, LIABLE, sell_and_finish, under_mandate
from tests.concurrency.race import run_together
from tests.factories import DistributionFactory, ProducerFactory
from tests.orders.conftest import stocked_farm

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Refused(Exception):
    """What goes wrong in the issuing transaction after the number is taken."""


def _prefix(farm, now) -> str:
    return f"FV-P{farm.pk}-{timezone.localtime(now).year}"


def _serials(numbers, prefix) -> list[int]:
    """The numbers' serials, sorted; each number is in the series ``prefix``."""
    for number in numbers:
        assert number.startswith(f"{prefix}-"), number
    return sorted(int(number.rsplit("-", 1)[1]) for number in numbers)


def _issue(farm, now, n) -> Invoice:
    """A sales invoice of one line in ``farm``'s name (the caller is in a transaction)."""
    return issue(
        kind=Invoice.Kind.SALE,
        document=Invoice.Document.INVOICE,
        issuer_kind=Invoice.Issuer.FARM,
        issuer_id=farm.pk,
        seller=party(farm),
        buyer={"name": f"Client {n}", "address": ""},
        lines=[
            LineDraft(
                description="Panier de légumes",
                quantity=Decimal(1),
                vat_rate=550,
                total_incl_cents=1000 + n,
            )
        ],
        vat_liable=True,
        operation_date=timezone.localdate(now),
        now=now,
        producer=farm,
    )


def _issuer(farm, now, n):
    def work():
        with transaction.atomic():
            return _issue(farm, now, n).number

    return work


def _wait_for_lock_waiters(count: int, timeout: float = 10) -> int:
    """Until ``count`` other sessions of the database wait for a lock (held by this one), or
    ``timeout`` seconds; returns how many wait."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            waiting = cursor.fetchone()[0]
            if waiting >= count or time.monotonic() > deadline:
                return waiting
            time.sleep(0.01)


def test_eight_issues_at_once_in_one_series_number_one_to_eight():
    farm = ProducerFactory()
    under_mandate(farm)
    now = timezone.now()

    results = run_together([_issuer(farm, now, n) for n in range(8)])
    assert not [r for r in results if isinstance(r, Exception)], results
    prefix = _prefix(farm, now)
    assert sorted(results) == [f"{prefix}-{n:06d}" for n in range(1, 9)]
    assert _serials(results, prefix) == list(range(1, 9))
    stored = Invoice.objects.filter(issuer_kind="producer", issuer_id=farm.pk)
    assert sorted(stored.values_list("number", flat=True)) == sorted(results)
    assert InvoiceLine.objects.filter(invoice__in=stored).count() == 8
    assert InvoiceSequence.objects.get(prefix=f"FV-P{farm.pk}").last == 8


@pytest.mark.parametrize("issued_before", [0, 2], ids=["new-series", "started-series"])
def test_an_issue_rolled_back_gives_its_number_to_the_next(issued_before):
    farm = ProducerFactory()
    under_mandate(farm)
    now = timezone.now()
    for n in range(issued_before):
        with transaction.atomic():
            _issue(farm, now, 100 + n)
    taken = threading.Event()
    given_back: list[str] = []
    waiting: list[int] = []

    def fails():
        # Takes its number first, holds the series' lock until the eight others wait for
        # it, then its transaction rolls back.
        with transaction.atomic():
            given_back.append(_issue(farm, now, 99).number)
            taken.set()
            waiting.append(_wait_for_lock_waiters(8))
            raise Refused

    def after_it(n):
        issue_one = _issuer(farm, now, n)

        def work():
            assert taken.wait(timeout=10)
            return issue_one()

        return work

    results = run_together([fails] + [after_it(n) for n in range(8)])
    assert isinstance(results[0], Refused), results[0]
    issued = results[1:]
    assert not [r for r in issued if isinstance(r, Exception)], issued
    prefix = _prefix(farm, now)
    expected = [f"{prefix}-{n:06d}" for n in range(1, issued_before + 9)]
    # The number given back is taken again by one of the eight: no gap, no duplicate.
    assert given_back == [expected[issued_before]]
    assert given_back[0] in issued
    assert _serials(issued, prefix) == list(range(issued_before + 1, issued_before + 9))
    stored = Invoice.objects.filter(issuer_kind="producer", issuer_id=farm.pk)
    assert sorted(stored.values_list("number", flat=True)) == expected
    assert not stored.filter(buyer__name="Client 99").exists()
    assert InvoiceLine.objects.filter(invoice__in=stored).count() == issued_before + 8
    assert InvoiceSequence.objects.get(prefix=f"FV-P{farm.pk}").last == issued_before + 8
    # The eight did wait for the rolled-back issue's lock on the series.
    assert waiting == [8]


def test_eight_runs_at_once_of_a_final_distribution_issue_each_invoice_once(
    fake_stripe, django_capture_on_commit_callbacks, monkeypatch
):
    distribution = DistributionFactory()
    first = stocked_farm(distribution, prices=(300, 450), name="Ferme des Tilleuls")
    second = stocked_farm(distribution, prices=(250,), name="GAEC du Marais")
    without = stocked_farm(distribution, prices=(200,), name="Ferme sans mandat")
    for field, value in FRANCHISE.items():
        setattr(without.producer, field, value)
    without.producer.save()
    orders, after = sell_and_finish(
        fake_stripe,
        django_capture_on_commit_callbacks,
        distribution,
        [
            ("a", [(first.offers[0], 1), (second.offers[0], 1), (without.offers[0], 1)]),
            ("b", [(first.offers[1], 2)]),
            ("c", [(first.offers[0], 1), (second.offers[0], 2)]),
            ("d", [(second.offers[0], 1), (without.offers[0], 2)]),
            ("e", [(first.offers[0], 2), (first.offers[1], 1)]),
        ],
        [first.producer, second.producer, without.producer],
    )
    # Both farms accept their mandate after the sale; the invoicing it queues is left to
    # the racing runs.
    monkeypatch.setattr(issue_due_invoices_task, "delay", lambda *args: None)
    under_mandate(first.producer, LIABLE)
    under_mandate(second.producer, FLAT_RATE)
    assert not Invoice.objects.exists()
    a, b, c, d, e = orders

    def run():
        return [
            invoice.number
            for invoice in issue_distribution_invoices(distribution_id=distribution.pk, now=after)
        ]

    results = run_together([run] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    # The first run to hold the distribution's lock issues them all; the others find them.
    assert sorted(len(numbers) for numbers in results) == [0] * 7 + [7]
    numbers = [number for numbers in results for number in numbers]
    assert len(set(numbers)) == 7
    invoices = Invoice.objects.filter(distribution=distribution)
    assert {(i.order_id, i.producer_id, i.document) for i in invoices} == {
        *((o.pk, first.producer.pk, "invoice") for o in (a, b, c, e)),
        *((o.pk, second.producer.pk, "invoice") for o in (a, c, d)),
    }
    # Each farm's series, in the order of the orders, numbered in a row from 1.
    for farm, count in [(first.producer, 4), (second.producer, 3)]:
        prefix = _prefix(farm, after)
        series = list(
            invoices.filter(producer=farm).order_by("order_id").values_list("number", flat=True)
        )
        assert series == [f"{prefix}-{n:06d}" for n in range(1, count + 1)]
        assert _serials([n for n in numbers if n.startswith(f"{prefix}-")], prefix) == list(
            range(1, count + 1)
        )
        assert InvoiceSequence.objects.get(prefix=f"FV-P{farm.pk}").last == count
    # Nothing more on another run.
    assert issue_distribution_invoices(distribution_id=distribution.pk, now=after) == []
    assert Invoice.objects.count() == 7
