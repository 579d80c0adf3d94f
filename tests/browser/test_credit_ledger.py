"""On a phone (390×844), the household reads its credit ledger in words: a skipped week, a
week whose distribution was cancelled, an order paid with credit — and the page fits."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from handover.services import cancel_distribution
from payments.services.wallet import add_credit
from subscriptions.services import skip_week
from subscriptions.services.baskets import generate_basket_orders
from tests.factories import PASSWORD
from tests.subscriptions.conftest import active_subscription, make_amap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FARM = "Les Jardins de la Deûle"


def test_the_ledger_names_each_movement_on_a_phone(live_server, page: Page, artifacts_dir):
    amap = make_amap()
    subscription = active_subscription(amap)
    household = subscription.household
    add_credit(household=household, amount_cents=500, reason="adjustment", reference="gift")
    skip_week(subscription=subscription, week=amap.distribution.week + timedelta(weeks=1))
    generate_basket_orders()
    cancel_distribution(distribution=amap.distribution)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("#id_username").fill(household.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/compte/credit/")
    ledger = page.locator("table.credit-ledger")
    expect(ledger).to_contain_text(f"annulée — panier {FARM} recrédité")
    expect(ledger).to_contain_text(f"sautée — panier {FARM}")
    expect(ledger).to_contain_text("ajustement")
    expect(page.locator("#credit-balance")).to_have_attribute("data-cents", "3500")
    page.screenshot(path=artifacts_dir / "credit-ledger-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
