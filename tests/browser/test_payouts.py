"""A farm activates its payouts on its phone through the hosted onboarding (the development
Stripe peer's stand-in) and sees its first payout, sent by a real transfer."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Page, expect

from billing.models import Payout
from billing.services import settle_distribution_payouts
from handover.services import mark_no_shows
from orders.services import close_distribution
from orders.services.paying import claim_order_payment
from orders.services.placing import place_order
from payments.models import CreditEntry
from payments.services.wallet import add_credit
from tests.factories import DistributionFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.test_connect_contract import _charge

pytestmark = [pytest.mark.browser, pytest.mark.localstripe, pytest.mark.django_db(transaction=True)]

PASSWORD = "payouts-pass-1234"


def _user(name):
    user = UserFactory(full_name=name)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_farm_activates_its_payouts_and_sees_its_first_payout(
    live_server, page: Page, artifacts_dir, localstripe
):
    farmer, household = _user("Paysan B"), _user("Camille Martin")
    distribution = DistributionFactory()
    farm = stocked_farm(distribution, prices=(1250,), name="Ferme du Bocage")
    farm.producer.members.add(farmer)
    order = place_order(
        household=household,
        distribution=distribution,
        lines={farm.offers[0].pk: 4},
        idempotency_key="k",
    )
    add_credit(
        household=household,
        amount_cents=order.total_cents,
        reason=CreditEntry.Reason.ADJUSTMENT,
        reference="test-gift",
    )
    claim_order_payment(order_id=order.pk, payment_method="")  # paid with credit
    # The platform's Stripe balance holds the money (the credit was bought by card once).
    _charge(localstripe, order.total_cents, user_id=household.pk)
    with time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)):
        close_distribution(distribution=distribution)
    with time_machine.travel(
        distribution.ends_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES + 1)
    ):
        mark_no_shows(distribution=distribution)
    settle_distribution_payouts(distribution_id=distribution.pk)
    payout = Payout.objects.get(producer=farm.producer)
    assert payout.status == "waiting_account"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(farmer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/producteur/{farm.producer.slug}/virements/")
    expect(page.get_by_text("à verser dès l’activation", exact=False).first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "payouts-before.png"), full_page=True)
    page.get_by_role("button", name="Activer mes virements").click()
    # Stripe's hosted onboarding (the development peer's stand-in).
    expect(page.get_by_role("heading", name="Inscription aux virements")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "payouts-onboarding.png"), full_page=True)
    page.get_by_role("button", name="Compléter l'inscription").click()
    expect(page.get_by_text("Virements actifs").first).to_be_visible()
    page.goto(f"{live_server.url}/producteur/{farm.producer.slug}/virements/")
    page.screenshot(path=str(artifacts_dir / "payouts-after.png"), full_page=True)
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.sent_cents == payout.net_cents > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
