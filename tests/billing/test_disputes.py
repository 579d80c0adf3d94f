"""Disputes (chargebacks): a household's bank takes a card payment back. Recorded from
Stripe's events, once; a dispute lost is given back like a refund after the payout — the farms'
and the host's transfers are taken back in proportion to what each earned of the payment, to
the cent; a dispute won, or still open, takes nothing from them."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from billing.models import Payout
from billing.selectors import distribution_report
from billing.services import disputed_shares, pay_due_distributions, shares
from orders.models import Order
from payments.models import Dispute, Payment, StripeEvent
from payments.reconcile import reconcile
from tests.billing.test_payouts import _active_account, _close_and_finish, _order
from tests.factories import DistributionFactory
from tests.orders.conftest import stocked_farm
from tests.orders.helpers import post_event

pytestmark = pytest.mark.django_db


def _dispute(client, capture, payment, *, status, amount, event, dispute_id="dp_000001"):
    body = {
        "id": dispute_id,
        "object": "dispute",
        "payment_intent": payment.intent_id,
        "charge": "ch_000001",
        "amount": amount,
        "currency": "eur",
        "status": status,
        "reason": "fraudulent",
    }
    with capture(execute=True):
        answer = post_event(client, event, f"charge.dispute.{event.split('-')[0]}", body)
    assert answer.status_code == 200
    return answer.json()


def _check():
    report = reconcile()
    assert report.problems == [], "\n".join(report.problems)
    return report


def _payment(paid_week):
    order = Order.objects.get(distribution=paid_week.distribution)
    return Payment.objects.get(purpose_kind="order", purpose_id=order.pk)


def test_a_dispute_lost_takes_back_the_farm_and_host_shares_once(
    client, paid_week, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    payment = _payment(paid_week)
    farm, host = paid_week.farm_payout, paid_week.host_payout
    farm_sent, host_sent = farm.sent_cents, host.sent_cents

    # Opened: recorded; the farms and the host keep their money while the platform answers.
    _dispute(client, capture, payment, status="needs_response", amount=900, event="created-1")
    dispute = Dispute.objects.get()
    assert (dispute.payment_id, dispute.amount_cents, dispute.status) == (
        payment.pk,
        900,
        "needs_response",
    )
    farm.refresh_from_db()
    assert farm.disputed_cents == 0 and farm.reversed_cents == 0
    _check()

    # Lost: the whole payment went back to the household's card through its bank.
    _dispute(client, capture, payment, status="lost", amount=900, event="closed-1")
    farm.refresh_from_db()
    host.refresh_from_db()
    assert (farm.net_cents, farm.disputed_cents, farm.reversed_cents) == (0, farm_sent, farm_sent)
    assert (host.net_cents, host.disputed_cents, host.reversed_cents) == (0, host_sent, host_sent)
    assert sorted(a for _t, a in fake_stripe.reversals) == sorted([farm_sent, host_sent])
    report = _check()
    assert report.disputed_cents == 900
    (row,), _months = distribution_report()
    assert row.ok and row.disputed_cents == 900 and row.farms_cents == row.hosts_cents == 0

    # The same event again, and a late update after the close: nothing more.
    answer = _dispute(client, capture, payment, status="lost", amount=900, event="closed-1")
    assert answer["duplicate"] is True
    _dispute(client, capture, payment, status="under_review", amount=900, event="updated-1")
    assert Dispute.objects.get().status == "lost"
    with capture(execute=True):
        pay_due_distributions()
    assert len(fake_stripe.reversals) == 2
    assert StripeEvent.objects.filter(type__startswith="charge.dispute.").count() == 3
    call_command("reconcile", verbosity=0)


def test_a_dispute_won_takes_nothing_back(
    client, paid_week, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    payment = _payment(paid_week)
    _dispute(client, capture, payment, status="needs_response", amount=900, event="created-1")
    _dispute(client, capture, payment, status="won", amount=900, event="closed-1")
    assert Dispute.objects.get().status == "won"
    paid_week.farm_payout.refresh_from_db()
    assert paid_week.farm_payout.disputed_cents == 0 and fake_stripe.reversals == []
    assert _check().disputed_cents == 0


def test_a_partial_dispute_is_split_over_every_share_to_the_cent(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    distribution = DistributionFactory()
    a = stocked_farm(distribution, prices=(300,), name="Ferme A")
    b = stocked_farm(distribution, prices=(435,), name="Ferme B")
    order = _order(distribution, [(a.offers[0], 2), (b.offers[0], 1)], "two-farms")
    for farm in (a, b):
        _active_account(fake_stripe, "producer", farm.producer.pk)
    _active_account(fake_stripe, "pickup_point", distribution.pickup_point_id)
    after = _close_and_finish(distribution, capture)
    with time_machine.travel(after + timedelta(minutes=1)), capture(execute=True):
        pay_due_distributions()
    payment = Payment.objects.get(purpose_kind="order", purpose_id=order.pk)
    _dispute(client, capture, payment, status="lost", amount=333, event="closed-1")

    parts = disputed_shares(distribution)
    assert sum(sum(p) for p in parts.values()) == 333
    farms, total = shares(distribution)
    for farm in (a, b):  # in proportion: each farm loses 333/1035 of its share, give or take 1 c
        share = farms[farm.producer.pk]
        expected = share.producer_cents * 333 / 1035
        assert abs(share.disputed_producer_cents - expected) < 1
    payouts = Payout.objects.filter(distribution=distribution)
    assert sum(p.disputed_cents for p in payouts) + total.disputed_platform_cents == 333
    _check()


def test_a_dispute_about_a_payment_that_is_not_ours_is_stored_and_ignored(
    client, db, fake_stripe, django_capture_on_commit_callbacks
):
    unknown = Payment(intent_id="pi_not_ours")
    _dispute(
        client, django_capture_on_commit_callbacks, unknown, status="lost", amount=100,
        event="closed-9",
    )  # fmt: skip
    assert not Dispute.objects.exists()
    assert StripeEvent.objects.get().ignored == "not a PaymentIntent of ours"


def test_the_farm_sees_what_a_dispute_took_from_its_payout(
    client, paid_week, fake_stripe, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    capture = django_capture_on_commit_callbacks
    _dispute(client, capture, _payment(paid_week), status="lost", amount=300, event="closed-1")
    client.force_login(paid_week.member)
    url = reverse("frontend:producer:payouts", args=[paid_week.producer.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    lost = Payout.objects.get(pk=paid_week.farm_payout.pk).disputed_cents
    assert lost > 0
    amount = f"{lost // 100},{lost % 100:02d}"
    assert f"perdu sur la contestation d’un foyer auprès de sa banque : −{amount}" in page
    csv_url = reverse("frontend:producer:payouts_csv", args=[paid_week.producer.slug])
    header, row = (
        client.get(csv_url, HTTP_ACCEPT_LANGUAGE="fr").content.decode("utf-8-sig").splitlines()[:2]
    )
    assert header.split(";")[-1] == "Perdu en litiges (EUR)"
    assert row.split(";")[-1] == amount
