"""Right after ``seed_demo``, whatever the day, every role reaches its journey: the host's
packing list and handover of a sale closed today, the farm's weighing and corrections pages
with lines, its draft catalogue of next week to publish, the household's order awaiting
payment and its subscription with a skipped week; a finished sale whose farms and host are
paid (one farm still waiting for its account); and the books reconcile."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from orders.models import Order, OrderLine, Settlement
from pickup.models import Distribution
from producers.demo import draft_week
from producers.models import Catalogue
from subscriptions.models import Subscription


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


def _client_for(client, local_part):
    client.force_login(User.objects.get(email=demo_email(local_part)))
    return client


@pytest.fixture
def sale(demo, db):
    host = User.objects.get(email=demo_email("hote"))
    return Distribution.objects.get(
        pickup_point__hosts=host,
        status=Distribution.Status.CLOSED,
        starts_at__gte=timezone.now() - timezone.timedelta(days=1),
    )


def test_a_sale_closed_today_with_paid_orders_at_the_host_point(sale, client):
    assert timezone.localdate(sale.starts_at) in {
        timezone.localdate(),
        timezone.localdate() + timezone.timedelta(days=1),  # seeded just before midnight
    }
    assert sale.opens_at < sale.cutoff_at <= timezone.now() < sale.starts_at < sale.ends_at
    orders = list(sale.orders.filter(status=Order.Status.CONFIRMED))
    assert len(orders) == 3
    _client_for(client, "hote")
    for name in ("packing_list", "handover"):
        page = client.get(reverse(f"frontend:day:{name}", args=[sale.pk]))
        assert page.status_code == 200
        for order in orders:
            assert order.pickup_code in page.content.decode()


def test_the_farm_has_butternut_to_weigh_and_lines_to_correct(sale, client):
    farm = User.objects.get(email=demo_email("ferme")).producers.get()
    to_weigh = OrderLine.objects.filter(
        order__distribution=sale, producer=farm, product_name="Courge butternut"
    )
    assert to_weigh.count() == 3 and not to_weigh.filter(weight_g__isnull=False).exists()
    assert set(
        Settlement.objects.filter(order__distribution=sale).values_list("status", flat=True)
    ) == {"weighing"}
    _client_for(client, "ferme")
    base = f"/producteur/{farm.slug}/ventes/{sale.pk}/"
    for page_path in ("pesees/", "corrections/"):
        page = client.get(base + page_path)
        assert page.status_code == 200
        assert "Courge butternut" in page.content.decode()
        assert "Carottes des sables" in page.content.decode() or page_path == "pesees/"


def test_the_farm_can_publish_its_draft_catalogue_of_next_week(demo, client):
    farm = User.objects.get(email=demo_email("ferme")).producers.get()
    draft = Catalogue.objects.get(producer=farm, week=draft_week())
    assert draft.status == Catalogue.Status.DRAFT and draft.offers.exists()
    _client_for(client, "ferme")
    page = client.get(f"/producteur/{farm.slug}/")
    assert page.status_code == 200
    publish = f"/producteur/{farm.slug}/catalogues/{draft.pk}/publier/"
    assert publish in page.content.decode()
    client.post(publish)
    draft.refresh_from_db()
    assert draft.status == Catalogue.Status.PUBLISHED


def test_the_household_has_an_order_to_pay_and_a_skipped_week(demo, client):
    household = User.objects.get(email=demo_email("foyer"))
    order = Order.objects.get(household=household, status=Order.Status.AWAITING_PAYMENT)
    _client_for(client, "foyer")
    # The pay page itself asks Stripe for a SetupIntent (localstripe, in `make run`): the
    # order's page shows the order and the way to it.
    page = client.get(reverse("frontend:orders:detail", args=[order.pk]))
    assert page.status_code == 200 and "Baguette de tradition" in page.content.decode()
    assert reverse("frontend:orders:pay", args=[order.pk]) in page.content.decode()
    subscription = Subscription.objects.get(household=household, status="active")
    skip = subscription.skips.get()
    page = client.get(reverse("frontend:subscriptions:detail", args=[subscription.pk]))
    assert page.status_code == 200
    assert f'data-week="{skip.week:%Y-%m-%d}" data-state="skipped"' in page.content.decode()


def test_the_demo_books_reconcile(demo, db):
    call_command("reconcile", verbosity=0)  # raises SystemExit(1) when something is off


def test_one_farm_was_paid_for_a_finished_sale_and_one_waits_for_its_account(demo, db):
    from billing.models import Payout, SeasonPayout
    from payments.services.connect import account_of

    payouts = Payout.objects.filter(distribution__status=Distribution.Status.DONE)
    paid = payouts.get(producer__slug="jardins-de-la-deule")
    waiting = payouts.get(producer__slug="rucher-des-weppes")
    host = payouts.get(payee_kind="pickup_point")
    assert paid.status == host.status == "paid" and paid.sent_cents > 0
    # The demo household's skipped basket week was paid to the farm with the season: its share
    # comes off this payout.
    season = SeasonPayout.objects.get(producer=paid.producer)
    assert season.returned_cents > 0 and paid.debt_taken_cents == season.returned_cents
    assert paid.sent_cents + paid.debt_taken_cents == paid.net_cents
    assert waiting.status == "waiting_account" and waiting.net_cents > 0
    assert account_of("producer", paid.producer_id).status == "active"
    assert account_of("producer", waiting.producer_id).status == "pending"
    # The paid farm has accepted its billing mandate; the one waiting has not.
    from billing.mandates import current_mandate

    assert current_mandate("producer", paid.producer_id).accepted_by.email.startswith("ferme")
    assert current_mandate("producer", waiting.producer_id) is None


def test_the_demo_farm_was_paid_its_season_when_the_household_subscribed(demo, db):
    """The demo subscription was paid with credit: the farm's share of every paid week went to
    it by one transfer from the platform (the farm sells its season itself)."""
    from billing.models import SeasonPayout
    from subscriptions.services.seasons import farm_week_cents

    row = SeasonPayout.objects.select_related("subscription", "transfer").get()
    subscription = row.subscription
    assert row.status == "paid" and row.charged_cents == 0
    assert row.farm_cents == farm_week_cents(subscription.price_cents) * subscription.weeks_paid
    assert row.transfer.amount_cents == row.farm_cents and row.transfer.status == "sent"
    assert row.transfer.transfer_id.startswith("tr_demo_")


def test_the_farm_under_mandate_has_invoices_for_the_finished_sale(demo, db, client):
    from billing.documents import invoice_pdf
    from billing.models import Invoice

    invoices = Invoice.objects.filter(distribution__status=Distribution.Status.DONE)
    assert invoices.exists()
    assert {i.producer.slug for i in invoices} == {"jardins-de-la-deule"}  # the others: no mandate
    invoice = invoices.order_by("number").first()
    assert invoice.number.endswith("-000001") and invoice.kind == "sale"
    assert invoice_pdf(invoice.pk).startswith(b"%PDF")
    client.force_login(invoice.household)
    page = client.get(reverse("frontend:account_invoices"), HTTP_ACCEPT_LANGUAGE="fr")
    assert invoice.number in page.content.decode()


def test_the_demo_farm_sells_at_the_open_sale_and_its_page_says_so(demo, client):
    farm = User.objects.get(email=demo_email("ferme")).producers.get()
    sale = Distribution.objects.filter(
        pickup_point__slug="lille-wazemmes", status=Distribution.Status.OPEN
    ).earliest("starts_at")
    catalogue = client.get(
        reverse("frontend:distribution_catalogue", args=["lille-wazemmes", sale.pk])
    ).content.decode()
    assert farm.name in catalogue and "<picture>" in catalogue
    page = client.get(reverse("frontend:farm", args=[farm.slug])).content.decode()
    assert reverse("frontend:distribution_catalogue", args=["lille-wazemmes", sale.pk]) in page
    assert "<picture>" in page
