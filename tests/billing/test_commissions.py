"""The month's commission invoices, once every distribution of the month is final: the
platform invoices each farm its commission and the pickup points' service (VAT 20 %); each
host's commission is invoiced in the host's name to the platform, under its mandate and its
VAT regime. A correction after them issues credit notes."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from billing.commissions import (
    issue_due_commissions,
    issue_month_commissions,
    month_final,
    month_span,
)
from billing.mandates import accept_mandate
from billing.models import BillingMandate, Invoice
from orders.models import OrderLine
from tests.billing.invoicing import FRANCHISE, sell_and_finish, under_mandate
from tests.billing.test_invoices import _text
from tests.billing.test_payouts import _mark
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(fake_stripe, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(1000,), name="Ferme des Tilleuls")
    under_mandate(farm.producer)
    point = distribution.pickup_point
    for field, value in FRANCHISE.items():
        setattr(point, field, value)
    point.address = "3 place du Marché, 59000 Lille"
    point.save()
    accept_mandate(kind="pickup_point", ref=point.pk, name=point.name, by=UserFactory())
    (order,), after = sell_and_finish(
        fake_stripe, capture, distribution, [("m", [(farm.offers[0], 3)])], [farm.producer]
    )
    line = OrderLine.objects.get(order=order)
    first = timezone.localtime(distribution.starts_at).date().replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return distribution, farm.producer, point, line, first, next_month, after


def _at(day):
    return datetime.combine(day, time(9), tzinfo=timezone.get_default_timezone())


def test_nothing_before_the_month_is_over(month):
    _distribution, _farm, _point, _line, first, _next, after = month
    # The sale is final (its payouts made), the month not over yet (its last minute, when
    # the distribution ended after it).
    moment = min(after, month_span(first)[1] - timedelta(minutes=1))
    assert not month_final(first, moment)
    assert issue_month_commissions(first, moment) == []


def test_the_platform_invoices_each_farm_and_each_host_invoices_the_platform(month):
    _distribution, farm, point, line, first, next_month, _after = month
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        assert issue_due_commissions() == 2
        assert issue_due_commissions() == 0  # once
    commission = Invoice.objects.get(kind="commission")
    assert commission.number == f"FC-CC-{next_month.year}-000001"
    assert commission.producer == farm and commission.period == first
    assert commission.seller["siret"] == "88000000500012"
    assert commission.buyer["vat_number"] == "FR44732829320"
    lines = list(commission.lines.order_by("position"))
    assert [(row.vat_rate, row.total_incl_cents) for row in lines] == [
        (2000, line.platform_share_cents),
        (2000, line.host_share_cents),
    ]
    total = line.platform_share_cents + line.host_share_cents
    assert commission.vat_rates[0]["total_incl_cents"] == total
    assert commission.vat_cents == round(total * 2000 / 12000)
    text = _text(commission)
    for mention in ["Facture", commission.number, "Prestation de services", "Pénalités de retard",
                    "40 €", "FR12880000005", "EARL des Tilleuls"]:  # fmt: skip
        assert mention in text, mention
    assert "Autofacturation" not in text  # the platform's own invoice

    host = Invoice.objects.get(kind="host")
    assert host.number == f"FH-H{point.pk}-{next_month.year}-000001"
    assert host.vat_liable is False and host.vat_cents == 0
    assert host.total_incl_cents == line.host_share_cents
    text = _text(host)
    for mention in ["Autofacturation", "TVA non applicable, art. 293 B du CGI",
                    f"au nom et pour le compte de {FRANCHISE['legal_name']}", "Circuit Court SAS"]:  # fmt: skip
        assert mention in text, mention


def test_a_host_without_mandate_gets_no_invoice_until_it_has_one(month):
    _distribution, _farm, point, _line, first, next_month, _after = month
    BillingMandate.objects.filter(payee_kind="pickup_point").delete()
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
        assert not Invoice.objects.filter(kind="host").exists()
        accept_mandate(kind="pickup_point", ref=point.pk, name=point.name, by=UserFactory())
        issue_due_commissions()
    assert Invoice.objects.filter(kind="host", period=first).count() == 1


def test_a_refund_after_the_month_issues_credit_notes(month, django_capture_on_commit_callbacks):
    _distribution, _farm, point, line, _first, next_month, _after = month
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
        before = OrderLine.objects.get(pk=line.pk)
        _mark(before, 2, django_capture_on_commit_callbacks)  # one of three refunded
        issue_due_commissions()
    after = OrderLine.objects.get(pk=line.pk)
    notes = {n.kind: n for n in Invoice.objects.filter(document="credit_note")}
    assert set(notes) == {"sale", "commission", "host"}
    commission = notes["commission"]
    assert commission.number == f"AC-CC-{next_month.year}-000001"
    assert commission.corrects.kind == "commission"
    assert commission.total_incl_cents == (
        before.platform_share_cents - after.platform_share_cents
    ) + (before.host_share_cents - after.host_share_cents)
    assert notes["host"].total_incl_cents == before.host_share_cents - after.host_share_cents
    assert notes["host"].number.startswith(f"AH-H{point.pk}-")
    assert notes["sale"].total_incl_cents == 1000


def test_the_farm_and_the_host_find_their_commission_invoices(client, month):
    _distribution, farm, point, _line, _first, next_month, _after = month
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
    host = UserFactory()
    point.hosts.add(host)
    client.force_login(host)
    page = client.get(f"/hote/points/{point.pk}/factures/", HTTP_ACCEPT_LANGUAGE="fr")
    host_invoice = Invoice.objects.get(kind="host")
    assert host_invoice.number in page.content.decode()
    assert Invoice.objects.get(kind="commission").number not in page.content.decode()
    zipped = client.get(
        f"/hote/points/{point.pk}/factures/{timezone.localtime(host_invoice.issued_at):%Y-%m}.zip"
    )
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert client.get(f"/factures/{host_invoice.number}.pdf").status_code == 200

    client.force_login(farm.members.get())
    page = client.get(f"/producteur/{farm.slug}/factures/", HTTP_ACCEPT_LANGUAGE="fr")
    commission = Invoice.objects.get(kind="commission")
    assert commission.number in page.content.decode()
    assert "(votre commission)" in page.content.decode()
    assert client.get(f"/factures/{commission.number}.pdf").status_code == 200
    assert client.get(f"/factures/{host_invoice.number}.pdf").status_code == 404


def test_the_host_reads_its_invoices_and_sets_its_legal_identity_through_the_api(month):
    from rest_framework.test import APIClient

    _distribution, _farm, point, _line, _first, next_month, _after = month
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
    host = UserFactory()
    point.hosts.add(host)
    api = APIClient()
    api.force_authenticate(host)
    listed = api.get(f"/api/v1/pickup-points/{point.pk}/invoices/").json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert [r["number"] for r in results] == [Invoice.objects.get(kind="host").number]
    assert results[0]["seller"]["vat_mention"] == "TVA non applicable, art. 293 B du CGI"

    refused = api.patch(
        f"/api/v1/host/pickup-points/{point.pk}/", {"siret": "12345678901234"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_siret"
    changed = api.patch(
        f"/api/v1/host/pickup-points/{point.pk}/",
        {"vat_regime": "liable", "vat_number": "FR44732829320", "siret": "732 829 320 00074"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["siret"] == "73282932000074" and changed.json()["vat_regime"] == "liable"
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.get(f"/api/v1/pickup-points/{point.pk}/invoices/").status_code == 404


def test_a_distribution_still_open_elsewhere_holds_back_only_its_own_payees(month):
    _distribution, farm, point, _line, first, next_month, _after = month
    # Another point's distribution of the same month, with an order, never closed.
    from tests.billing.test_payouts import _order

    elsewhere = DistributionFactory(
        starts_at=_at(first + timedelta(days=27)),
        ends_at=_at(first + timedelta(days=27)) + timedelta(hours=2),
    )
    other = stocked_farm(elsewhere, prices=(500,), name="Ferme d'ailleurs")
    with time_machine.travel(elsewhere.opens_at + timedelta(minutes=1)):
        _order(elsewhere, [(other.offers[0], 1)], "elsewhere")
    with time_machine.travel(_at(next_month + timedelta(days=1))):
        issue_due_commissions()
    assert set(
        Invoice.objects.filter(period=first).values_list("kind", "producer_id", "pickup_point_id")
    ) == {
        ("commission", farm.pk, None),
        ("host", None, point.pk),
    }
    assert not month_final(
        first, _at(next_month + timedelta(days=1)), pickup_point_id=elsewhere.pickup_point_id
    )
