"""AMAP seasons are the farm's own sales (the AMAP charter): the card payment is a destination
charge for the farm's account, what credit paid reaches it by one transfer, its baskets are
left out of its distribution payouts (the host is still paid there), and the weeks given back
to the household come off its next payout."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from billing.models import Payout, SeasonPayout
from billing.seasons import refresh_returns, send_season_payouts
from billing.services import pay_due_distributions
from frontend.templatetags.pickup_extras import eur
from orders.services.closing import fee_split
from payments.services.wallet import add_credit
from subscriptions.errors import SeasonNotOpen
from subscriptions.selectors import open_seasons
from subscriptions.services import pay_subscription, skip_week, subscribe, unskip_week
from subscriptions.services.baskets import make_basket_order
from tests.billing.test_payouts import _active_account, _close_and_finish
from tests.factories import DistributionFactory, ProducerFactory, UserFactory, chargeable
from tests.payments.fakes import VISA
from tests.subscriptions.conftest import PRICE, basket_stock, make_amap

pytestmark = pytest.mark.django_db
FARM_WEEK = fee_split(PRICE)[2]


@pytest.fixture
def season(fake_stripe):
    amap = make_amap()
    amap.account = _active_account(fake_stripe, "producer", amap.producer.pk)
    _active_account(fake_stripe, "pickup_point", amap.point.pk)
    return amap


def _platform_funds(fake, cents):
    """Card money the platform already holds (earlier sales)."""
    fake.create_payment_intent(
        amount_cents=cents,
        customer_id="cus_x",
        payment_method=VISA,
        capture_method="automatic",
        idempotency_key="earlier-sales",
        metadata={},
    )


def _subscribe(amap, capture, *, credit=0):
    household = UserFactory()
    if credit:
        add_credit(household=household, amount_cents=credit, reason="adjustment", reference="x")
    with capture(execute=True):
        subscription = subscribe(household=household, season=amap.season, pickup_point=amap.point)
        if subscription.card_cents:
            pay_subscription(subscription=subscription, payment_method=VISA)
    subscription.refresh_from_db()
    return subscription


def test_the_card_pays_the_farm_directly_and_the_platform_keeps_its_fee(
    season, fake_stripe, django_capture_on_commit_callbacks
):
    subscription = _subscribe(season, django_capture_on_commit_callbacks)
    assert subscription.status == "active"
    farm_cents = FARM_WEEK * subscription.weeks_paid
    account_id, fee = fake_stripe.destinations[subscription.intent_id]
    assert account_id == season.account.account_id
    assert fee == subscription.total_cents - farm_cents > 0
    assert fake_stripe.account_balance[account_id] == farm_cents
    assert fake_stripe.platform_balance() == fee
    row = SeasonPayout.objects.get(subscription=subscription)
    assert (row.status, row.farm_cents, row.charged_cents, row.transfer) == (
        "paid",
        farm_cents,
        farm_cents,
        None,
    )
    call_command("reconcile", verbosity=0)


def test_what_credit_paid_reaches_the_farm_by_one_transfer(
    season, fake_stripe, django_capture_on_commit_callbacks
):
    _platform_funds(fake_stripe, 100_000)
    credit = 4 * PRICE
    subscription = _subscribe(season, django_capture_on_commit_callbacks, credit=credit)
    farm_cents = FARM_WEEK * subscription.weeks_paid
    card = subscription.card_cents
    assert card == subscription.total_cents - credit
    _account_id, fee = fake_stripe.destinations[subscription.intent_id]
    assert fee == card - min(card, farm_cents)
    row = SeasonPayout.objects.select_related("transfer").get(subscription=subscription)
    assert row.status == "paid" and row.charged_cents == card - fee
    assert row.transfer.amount_cents == farm_cents - row.charged_cents > 0
    assert row.transfer.key == f"season-{subscription.pk}-0"
    assert fake_stripe.transferred(season.account.account_id) == row.transfer.amount_cents
    assert fake_stripe.account_balance[season.account.account_id] == farm_cents
    # Run again, and by the sweep: still one transfer.
    send_season_payouts()
    assert len(fake_stripe.transfers) == 1
    call_command("reconcile", verbosity=0)


def test_a_lost_transfer_answer_is_sent_again_under_the_same_key(
    season, fake_stripe, django_capture_on_commit_callbacks
):
    _platform_funds(fake_stripe, 100_000)
    household = UserFactory()
    total = PRICE * len(season.season.weeks(since=season.distribution.week))
    add_credit(household=household, amount_cents=total * 2, reason="adjustment", reference="x")
    fake_stripe.down = True
    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe(
            household=household, season=season.season, pickup_point=season.point
        )
    row = SeasonPayout.objects.get(subscription=subscription)
    assert row.status == "sending" and row.transfer.status == "unknown"
    fake_stripe.down = False
    send_season_payouts()
    send_season_payouts()
    row.refresh_from_db()
    assert row.status == "paid" and len(fake_stripe.transfers) == 1
    assert row.transfer.amount_cents == row.farm_cents


def test_a_season_opens_only_once_the_farm_can_take_charges(db, fake_stripe):
    amap = make_amap()
    chargeable(amap.producer, active=False)
    assert amap.season not in open_seasons()
    with pytest.raises(SeasonNotOpen) as refused:
        subscribe(household=UserFactory(), season=amap.season, pickup_point=amap.point)
    assert refused.value.code == "season_not_open"
    chargeable(amap.producer)
    assert amap.season in open_seasons()
    assert ProducerFactory()  # another farm without any account changes nothing


def test_baskets_are_left_out_of_the_farm_payout_but_the_host_is_paid_and_skips_come_off(
    season, fake_stripe, django_capture_on_commit_callbacks, client, admin_client, api_client
):
    capture = django_capture_on_commit_callbacks
    _platform_funds(fake_stripe, 100_000)
    subscription = _subscribe(season, capture)
    # The first basket week's distribution, with the farm's basket in stock.
    distribution = DistributionFactory(pickup_point=season.point, days_ahead=7)
    assert distribution.week == subscription.first_week
    basket_stock(season.producer, season.product, distribution.week)
    skip_week(subscription=subscription, week=distribution.week + timedelta(weeks=1))
    basket = make_basket_order(subscription_id=subscription.pk, distribution_id=distribution.pk)
    assert basket is not None
    after = _close_and_finish(distribution, capture)
    with time_machine.travel(after + timedelta(minutes=1)), capture(execute=True):
        pay_due_distributions()
    host, _platform, producer = fee_split(PRICE)
    farm = Payout.objects.get(distribution=distribution, producer=season.producer)
    point = Payout.objects.get(distribution=distribution, payee_kind="pickup_point")
    assert (farm.sales_cents, farm.season_cents, farm.net_cents) == (PRICE, producer, 0)
    assert point.status == "paid" and point.net_cents == point.sent_cents == host
    row = SeasonPayout.objects.get(subscription=subscription)
    assert row.returned_cents == FARM_WEEK  # the skipped week was paid to the farm already
    assert farm.status == "nothing"
    call_command("reconcile", verbosity=0)

    # The farm sees it: the basket paid with the season, the subscription and the week given back.
    member = UserFactory()
    season.producer.members.add(member)
    client.force_login(member)
    page = client.get(
        reverse("frontend:producer:payouts", args=[season.producer.slug]),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert f"paniers AMAP, déjà payés avec l’abonnement : {eur(producer)}" in page
    assert f'data-season-payout="{row.pk}"' in page and "Abonnements AMAP" in page
    assert f"{subscription.weeks_paid} semaines à partir du" in page
    assert eur(row.farm_cents) in page and eur(FARM_WEEK) in page
    api_client.force_authenticate(member)
    body = api_client.get(f"/api/v1/producers/{season.producer.pk}/payouts/").json()
    assert [(p["season_cents"], p["net_cents"]) for p in body["results"]] == [(producer, 0)]
    # The operator's report adds up with the baskets paid with the season.
    report = admin_client.get(reverse("admin:billing_payout_report")).content.decode()
    assert 'class="errorlist"' not in report and eur(producer) in report
    listed = admin_client.get(reverse("admin:billing_seasonpayout_changelist")).content.decode()
    assert f">{row.farm_cents}<" in listed and f">{row.returned_cents}<" in listed


def test_the_farm_page_says_why_its_seasons_are_closed(client, db):
    amap = make_amap()
    member = UserFactory()
    amap.producer.members.add(member)
    client.force_login(member)
    url = reverse("frontend:subscriptions:producer_baskets", args=[amap.producer.slug])
    assert 'id="seasons-closed"' not in client.get(url).content.decode()
    chargeable(amap.producer, active=False)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vos saisons ne sont pas ouvertes aux abonnements" in page
    assert reverse("frontend:producer:payouts", args=[amap.producer.slug]) in page
    assert "0 abonné · 5 places en tout ·" in page  # French: 0 and 1 take the singular


def test_a_skip_undone_is_no_longer_owed_by_the_farm(
    season, fake_stripe, django_capture_on_commit_callbacks
):
    subscription = _subscribe(season, django_capture_on_commit_callbacks)
    week = subscription.first_week + timedelta(weeks=1)
    skip_week(subscription=subscription, week=week)
    row = SeasonPayout.objects.get(subscription=subscription)
    refresh_returns(producer_id=row.producer_id)
    row.refresh_from_db()
    assert row.returned_cents == FARM_WEEK
    assert unskip_week(subscription=subscription, week=week)
    refresh_returns(producer_id=row.producer_id)
    row.refresh_from_db()
    assert row.returned_cents == 0
    call_command("reconcile", verbosity=0)
