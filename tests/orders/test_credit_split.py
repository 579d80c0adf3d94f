"""Credit at checkout: the split is shown (page and API), the household may pay without its
credit, and credit for a card attempt is only reserved: spent when the attempt holds money,
never written for a declined card."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.services import expire_order
from payments.models import CreditEntry, Payment
from payments.services.wallet import add_credit, available, balance
from subscriptions.services import subscribe
from tests.orders.helpers import place
from tests.payments.fakes import DECLINED, THREE_D_SECURE, VISA
from tests.subscriptions.conftest import make_amap

pytestmark = pytest.mark.django_db


def _credit(household, cents, reference="gift"):
    add_credit(
        household=household,
        amount_cents=cents,
        reason=CreditEntry.Reason.ADJUSTMENT,
        reference=reference,
    )


def _order(api_client, market, quantity=2, key="k1"):
    """An order of ``quantity`` × 3,00 €."""
    response = place(
        api_client, market.household, market.distribution, [(market.a.offers[0], quantity)], key
    )
    return response.json()["id"]


def _pay(api_client, order_id, **data):
    return api_client.post(f"/api/v1/orders/{order_id}/pay/", data, format="json")


def _ledger(household):
    return sorted(
        CreditEntry.objects.filter(household=household).values_list("amount_cents", flat=True)
    )


def test_the_api_tells_the_split_between_credit_and_card(market, api_client, fake_stripe):
    _credit(market.household, 450)
    order_id = _order(api_client, market)

    split = api_client.get(f"/api/v1/orders/{order_id}/credit-split/").json()
    without = api_client.get(f"/api/v1/orders/{order_id}/credit-split/?use_credit=false").json()

    assert split == {
        "credit_balance_cents": 450,
        "credit_to_use_cents": 450,
        "card_cents": 150,
        "use_credit": True,
    }
    assert (without["credit_to_use_cents"], without["card_cents"]) == (0, 600)


def test_a_card_attempt_spends_its_credit_only_once_it_holds_money(market, api_client, fake_stripe):
    _credit(market.household, 450)
    order_id = _order(api_client, market)

    response = _pay(api_client, order_id, payment_method=VISA)

    assert response.json()["order"]["status"] == "paid"
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.credit_cents) == (150, 450)
    assert _ledger(market.household) == [-450, 450]
    assert balance(household=market.household) == 0


def test_a_declined_card_writes_no_ledger_line(market, api_client, fake_stripe):
    _credit(market.household, 450)
    order_id = _order(api_client, market)

    declined = _pay(api_client, order_id, payment_method=DECLINED)

    assert declined.status_code == 402
    assert _ledger(market.household) == [450]
    assert available(household=market.household) == 450
    paid = _pay(api_client, order_id, payment_method=VISA)
    assert paid.json()["order"]["status"] == "paid"
    assert _ledger(market.household) == [-450, 450]


def test_credit_a_pending_attempt_counts_on_is_not_spent_by_another_order(
    market, api_client, fake_stripe
):
    _credit(market.household, 450)
    first = _order(api_client, market, key="k1")
    second = _order(api_client, market, key="k2")

    waiting = _pay(api_client, first, payment_method=THREE_D_SECURE)
    assert waiting.json()["payment_status"] == "requires_action"
    assert _ledger(market.household) == [450]  # reserved, not spent
    assert available(household=market.household) == 0
    split = api_client.get(f"/api/v1/orders/{second}/credit-split/").json()
    assert (split["credit_to_use_cents"], split["card_cents"]) == (0, 600)
    own = api_client.get(f"/api/v1/orders/{first}/credit-split/").json()
    assert own["credit_to_use_cents"] == 450

    fake_stripe.authenticate(Payment.objects.get(purpose_id=first).intent_id)
    api_client.post(f"/api/v1/orders/{first}/payment/refresh/")
    assert Order.objects.get(pk=first).status == Order.Status.PAID
    assert _ledger(market.household) == [-450, 450]


def test_an_expired_order_releases_what_its_pending_attempt_reserved(
    market, api_client, fake_stripe, time_machine
):
    _credit(market.household, 450)
    order_id = _order(api_client, market)
    _pay(api_client, order_id, payment_method=THREE_D_SECURE)
    assert available(household=market.household) == 0

    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert expire_order(order_id=order_id)

    assert available(household=market.household) == 450
    assert _ledger(market.household) == [450]


def test_the_household_can_pay_without_its_credit(market, api_client, fake_stripe):
    _credit(market.household, 450)
    order_id = _order(api_client, market)

    response = _pay(api_client, order_id, payment_method=VISA, use_credit=False)

    assert response.json()["order"]["status"] == "paid"
    assert (Payment.objects.get().amount_cents, Payment.objects.get().credit_cents) == (600, 0)
    assert _ledger(market.household) == [450]


def test_credit_that_covers_the_order_needs_no_card(market, api_client, fake_stripe):
    _credit(market.household, 4500)
    order_id = _order(api_client, market)

    response = _pay(api_client, order_id)

    assert response.status_code == 200, response.json()
    assert response.json()["order"]["status"] == "paid"
    assert not Payment.objects.exists()
    assert balance(household=market.household) == 3900


def test_the_pay_page_shows_the_split_and_lets_the_household_untick_credit(
    market, api_client, client, fake_stripe
):
    _credit(market.household, 450)
    order_id = _order(api_client, market)
    client.force_login(market.household)
    url = reverse("frontend:orders:pay", args=[order_id])

    page = client.get(url).content.decode()
    unticked = client.get(f"{url}?use_credit=0").content.decode()

    assert 'id="credit-to-use">4,50' in page
    assert 'id="card-to-pay">1,50' in page
    assert 'id="card-to-pay">6,00' in unticked
    assert 'name="use_credit" value="0"' in unticked
    client.post(url, {"payment_method": VISA, "use_credit": "0"})
    assert Payment.objects.get().amount_cents == 600
    assert _ledger(market.household) == [450]


def test_the_pay_page_says_when_credit_covers_everything(market, api_client, client, fake_stripe):
    _credit(market.household, 4500)
    order_id = _order(api_client, market)
    client.force_login(market.household)
    url = reverse("frontend:orders:pay", args=[order_id])

    page = client.get(url).content.decode()
    assert 'id="credit-covers"' in page
    assert 'id="card-form"' not in page

    client.post(url, {"use_credit": "1"})
    assert Order.objects.get(pk=order_id).status == Order.Status.PAID


def test_a_season_subscribed_meanwhile_does_not_take_credit_an_order_counts_on(
    market, api_client, fake_stripe
):
    amap = make_amap()
    _credit(market.household, 450)
    order_id = _order(api_client, market)
    _pay(api_client, order_id, payment_method=THREE_D_SECURE)  # reserves the 4,50 €

    subscription = subscribe(
        household=market.household, season=amap.season, pickup_point=amap.point
    )

    assert subscription.credit_used_cents == 0
    assert subscription.card_cents == subscription.total_cents
    fake_stripe.authenticate(Payment.objects.get(purpose_id=order_id).intent_id)
    api_client.post(f"/api/v1/orders/{order_id}/payment/refresh/")
    assert balance(household=market.household) == 0
