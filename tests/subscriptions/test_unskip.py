"""Undoing a skipped week before its deadline: the credit the skip gave goes back to the
season, the basket comes back, the books still add up — or nothing changes at all."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from orders.models import Order
from payments.models import CreditEntry, Payment
from payments.selectors import credit_ledger
from payments.services.wallet import balance, spend_credit
from subscriptions.errors import (
    BasketSoldOut,
    SkipCreditSpent,
    SkipInPause,
    SubscriptionNotActive,
    UnskipTooLate,
)
from subscriptions.models import BasketOrder, SubscriptionSkip
from subscriptions.services import (
    cancel_subscription,
    generate_basket_orders,
    pause_subscription,
    skip_week,
    unskip_week,
)
from tests.factories import DistributionFactory, UserFactory
from tests.subscriptions.conftest import PRICE, active_subscription, basket_stock

pytestmark = pytest.mark.django_db


def paid_by_card(subscription):
    """The season paid by card, as its purpose would have recorded it (for ``reconcile``)."""
    Payment.objects.create(
        purpose_kind="subscription",
        purpose_id=subscription.pk,
        payer=subscription.household,
        intent_id=f"pi_season_{subscription.pk}",
        capture_method="automatic",
        status="succeeded",
        amount_cents=subscription.total_cents,
        amount_received_cents=subscription.total_cents,
    )
    return subscription


def reconciles(capsys):
    call_command("reconcile")  # raises CommandError when something is off
    return "Everything adds up." in capsys.readouterr().out


def live_basket(subscription, week):
    basket = BasketOrder.objects.select_related("order").get(subscription=subscription, week=week)
    assert basket.order.status == Order.Status.PAID
    assert basket.order.prepaid_cents == PRICE
    assert basket.order.lines.get().status == "active"
    return basket


def test_undo_before_the_basket_was_made_takes_the_credit_back_and_makes_it(amap, capsys):
    subscription = paid_by_card(active_subscription(amap))
    week = amap.distribution.week
    skip = skip_week(subscription=subscription, week=week)
    assert balance(household=subscription.household) == PRICE
    assert not BasketOrder.objects.filter(subscription=subscription).exists()

    assert unskip_week(subscription=subscription, week=week + timedelta(days=2)) is True

    assert balance(household=subscription.household) == 0
    assert not SubscriptionSkip.objects.filter(pk=skip.pk).exists()
    taken = CreditEntry.objects.get(household=subscription.household, amount_cents=-PRICE)
    assert taken.reason == "skip"
    assert taken.reference == (
        f"unskip-{skip.pk}-subscription-{subscription.pk}-week-{week.isoformat()}"
    )
    live_basket(subscription, week)  # the sale is open: made at once
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 9
    assert reconciles(capsys)


def test_undo_after_the_basket_was_made_brings_a_new_basket_order(amap, capsys):
    subscription = paid_by_card(active_subscription(amap))
    week = amap.distribution.week
    generate_basket_orders()
    first = live_basket(subscription, week).order
    skip_week(subscription=subscription, week=week)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED and first.prepaid_cents == 0
    assert reconciles(capsys)

    unskip_week(subscription=subscription, week=week)

    basket = live_basket(subscription, week)
    assert basket.order_id != first.pk
    assert basket.order.pickup_code == first.pickup_code  # one code per household and point
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED  # kept as it was, in the history
    amap.offer.refresh_from_db()
    assert amap.offer.remaining == 9
    assert balance(household=subscription.household) == 0
    assert generate_basket_orders() == []  # the periodic pass makes no other
    assert BasketOrder.objects.filter(subscription=subscription).count() == 1
    assert reconciles(capsys)
    # Skipped and undone again: still one basket order for the week, the books still add up.
    skip_week(subscription=subscription, week=week)
    unskip_week(subscription=subscription, week=week)
    assert live_basket(subscription, week).order_id not in (first.pk, basket.order_id)
    assert balance(household=subscription.household) == 0
    assert reconciles(capsys)


def test_a_week_whose_sale_opens_later_gets_its_basket_from_the_periodic_pass(amap, capsys):
    subscription = paid_by_card(active_subscription(amap))
    later = DistributionFactory(pickup_point=amap.point, days_ahead=4 + 7)
    week = later.week
    assert week == amap.distribution.week + timedelta(weeks=1)
    basket_stock(amap.producer, amap.product, week)
    skip_week(subscription=subscription, week=week)
    unskip_week(subscription=subscription, week=week)
    assert not BasketOrder.objects.filter(subscription=subscription, week=week).exists()
    assert balance(household=subscription.household) == 0
    assert reconciles(capsys)
    with time_machine.travel(later.opens_at + timedelta(minutes=1)):
        generate_basket_orders()
    live_basket(subscription, week)


def test_undoing_a_week_not_skipped_changes_nothing(amap):
    subscription = active_subscription(amap)
    assert unskip_week(subscription=subscription, week=amap.distribution.week) is False
    skip_week(subscription=subscription, week=amap.distribution.week)
    assert unskip_week(subscription=subscription, week=amap.distribution.week) is True
    assert unskip_week(subscription=subscription, week=amap.distribution.week) is False
    assert balance(household=subscription.household) == 0
    assert CreditEntry.objects.filter(household=subscription.household).count() == 2


def unchanged(subscription, skip):
    assert SubscriptionSkip.objects.filter(pk=skip.pk).exists()
    assert not CreditEntry.objects.filter(reference__startswith="unskip-").exists()


def test_after_the_deadline_the_skip_stays(amap):
    subscription = active_subscription(amap)
    skip = skip_week(subscription=subscription, week=amap.distribution.week)
    deadline = amap.distribution.cutoff_at - timedelta(hours=24)
    with time_machine.travel(deadline + timedelta(minutes=1)), pytest.raises(UnskipTooLate) as e:
        unskip_week(subscription=subscription, week=amap.distribution.week)
    assert e.value.code == "unskip_too_late"
    unchanged(subscription, skip)
    assert balance(household=subscription.household) == PRICE
    with time_machine.travel(deadline - timedelta(minutes=1)):
        assert unskip_week(subscription=subscription, week=amap.distribution.week)


def test_credit_already_spent_is_refused_and_nothing_changes(amap):
    subscription = active_subscription(amap)
    skip = skip_week(subscription=subscription, week=amap.distribution.week)
    assert spend_credit(household=subscription.household, up_to_cents=1, reference="order-9-x")
    with pytest.raises(SkipCreditSpent) as refused:
        unskip_week(subscription=subscription, week=amap.distribution.week)
    assert refused.value.code == "skip_credit_spent"
    with translation.override("fr"):
        assert "avoir" in str(refused.value.message)
    unchanged(subscription, skip)
    assert balance(household=subscription.household) == PRICE - 1
    assert not BasketOrder.objects.filter(subscription=subscription).exists()


def test_a_week_of_a_pause_is_refused(amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    pause = pause_subscription(subscription=subscription, starts_on=week, ends_on=week)
    with pytest.raises(SkipInPause) as refused:
        unskip_week(subscription=subscription, week=week)
    assert refused.value.code == "skip_in_pause"
    unchanged(subscription, pause.skips.get())


def test_a_cancelled_subscription_is_refused(amap):
    subscription = active_subscription(amap)
    skip = skip_week(subscription=subscription, week=amap.distribution.week)
    cancel_subscription(subscription=subscription)
    with pytest.raises(SubscriptionNotActive):
        unskip_week(subscription=subscription, week=amap.distribution.week)
    unchanged(subscription, skip)


def test_no_basket_left_the_skip_stays(amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    generate_basket_orders()
    skip = skip_week(subscription=subscription, week=week)
    amap.offer.__class__.objects.filter(pk=amap.offer.pk).update(remaining=0)
    with pytest.raises(BasketSoldOut) as refused:
        unskip_week(subscription=subscription, week=week)
    assert refused.value.code == "basket_sold_out"
    unchanged(subscription, skip)
    assert balance(household=subscription.household) == PRICE
    basket = BasketOrder.objects.select_related("order").get(subscription=subscription)
    assert basket.order.status == Order.Status.CANCELLED


def test_the_ledger_names_both_movements_in_french(amap):
    subscription = active_subscription(amap)
    skip_week(subscription=subscription, week=amap.distribution.week)
    unskip_week(subscription=subscription, week=amap.distribution.week)
    with translation.override("fr"):
        labels = [str(entry.label) for entry in credit_ledger(user=subscription.household).entries]
    farm = amap.producer.name
    assert any(label.startswith("Semaine du") and "sautée" in label for label in labels)
    assert any(
        label.startswith("Saut de la semaine du") and "annulé" in label and farm in label
        for label in labels
    ), labels


# --- The household's page -------------------------------------------------------------------


def test_the_page_offers_to_undo_a_skip_before_its_deadline(client, amap):
    subscription = active_subscription(amap)
    client.force_login(subscription.household)
    week = amap.distribution.week
    url = f"/abonnements/{subscription.pk}/"
    assert 'class="button-small unskip-week"' not in client.get(url).content.decode()
    skip_week(subscription=subscription, week=week)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'class="button-small unskip-week"' in page and "Finalement, je prends ce panier" in page

    answer = client.post(
        f"{url}modifier/", {"action": "unskip", "week": week.isoformat()}, follow=True
    )

    assert "Le saut est annulé" in answer.content.decode()
    assert not subscription.skips.exists()
    assert balance(household=subscription.household) == 0
    with time_machine.travel(amap.distribution.cutoff_at - timedelta(hours=23)):
        late_page = client.get(url).content.decode()
    assert 'class="button-small unskip-week"' not in late_page


def test_the_page_says_a_skip_whose_credit_was_spent_can_no_longer_be_undone(client, amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    skip_week(subscription=subscription, week=week)
    client.force_login(subscription.household)
    url = f"/abonnements/{subscription.pk}/"
    assert spend_credit(household=subscription.household, up_to_cents=1, reference="order-9-x")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'class="button-small unskip-week"' not in page
    assert "L’avoir de ce saut a été dépensé : il ne peut plus être annulé." in page


def test_a_refusal_comes_back_as_a_french_message(client, amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    pause_subscription(subscription=subscription, starts_on=week, ends_on=week)
    client.force_login(subscription.household)
    page = client.get(f"/abonnements/{subscription.pk}/").content.decode()
    assert 'class="button-small unskip-week"' not in page  # a pause's week: no button
    answer = client.post(
        f"/abonnements/{subscription.pk}/modifier/",
        {"action": "unskip", "week": week.isoformat()},
        follow=True,
    )
    assert "fait partie d’une pause" in answer.content.decode()
    assert subscription.skips.count() == 1


def test_someone_elses_subscription_is_a_404(client, amap):
    subscription = active_subscription(amap)
    skip_week(subscription=subscription, week=amap.distribution.week)
    client.force_login(UserFactory())
    answer = client.post(
        f"/abonnements/{subscription.pk}/modifier/",
        {"action": "unskip", "week": amap.distribution.week.isoformat()},
    )
    assert answer.status_code == 404
    assert subscription.skips.count() == 1


# --- The API --------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_api_undoes_a_skip_and_answers_the_subscription(api, amap, capsys):
    subscription = paid_by_card(active_subscription(amap))
    api.force_authenticate(subscription.household)
    base = f"/api/v1/orders/subscriptions/{subscription.pk}"
    week = amap.distribution.week.isoformat()
    assert api.post(f"{base}/skip/", {"week": week}).json()["skipped_weeks"] == [week]

    undone = api.post(f"{base}/unskip/", {"week": week}, format="json")

    assert undone.status_code == 200, undone.json()
    assert undone.json()["id"] == subscription.pk and undone.json()["skipped_weeks"] == []
    again = api.post(f"{base}/unskip/", {"week": week}, format="json")
    assert again.status_code == 200 and again.json() == undone.json()
    assert balance(household=subscription.household) == 0
    live_basket(subscription, amap.distribution.week)
    assert reconciles(capsys)


def test_api_refusals(api, amap):
    subscription = active_subscription(amap)
    api.force_authenticate(subscription.household)
    base = f"/api/v1/orders/subscriptions/{subscription.pk}"
    week = amap.distribution.week
    assert api.post(f"{base}/unskip/", {"week": "not a date"}).status_code == 400
    assert api.post(f"{base}/unskip/", {}).json()["code"] == "invalid"

    skip_week(subscription=subscription, week=week)
    spend_credit(household=subscription.household, up_to_cents=PRICE, reference="order-1-x")
    spent = api.post(f"{base}/unskip/", {"week": week.isoformat()})
    assert spent.status_code == 409 and spent.json()["code"] == "skip_credit_spent"

    later = week + timedelta(weeks=1)
    pause_subscription(subscription=subscription, starts_on=later, ends_on=later)
    paused = api.post(f"{base}/unskip/", {"week": later.isoformat()})
    assert paused.status_code == 409 and paused.json()["code"] == "skip_in_pause"

    deadline = amap.distribution.cutoff_at - timedelta(hours=24)
    with time_machine.travel(deadline + timedelta(minutes=1)):
        late = api.post(f"{base}/unskip/", {"week": week.isoformat()})
    assert late.status_code == 409 and late.json()["code"] == "unskip_too_late"

    api.force_authenticate(UserFactory())
    other = api.post(f"{base}/unskip/", {"week": week.isoformat()})
    assert other.status_code == 404
    assert subscription.skips.count() == 2
