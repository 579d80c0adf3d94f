"""The household's e-mails about its orders: French by default, English when chosen, text and
HTML saying the same, each sent once, always to the order's household, times in Paris."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from orders.emails import send_close_result, send_order_paid, send_payment_failed
from orders.models import Order
from orders.services import cancel_order, change_order, close_distribution, pay_order, place_order
from orders.tasks import send_order_paid_task
from payments.errors import CardDeclined
from payments.models import CreditEntry
from payments.services.wallet import add_credit, set_refund_preference
from tests.factories import DistributionFactory, PickupPointFactory, UserFactory
from tests.orders.conftest import stocked_farm
from tests.payments.fakes import DECLINED, VISA

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def words(text: str) -> list[str]:
    return re.findall(r"[\w€@/.,'’:%+-]*\w[\w€@/.,'’%+-]*", text.replace(" : ", " "))


def html_words(message) -> list[str]:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    body = content.split("<body", 1)[1]
    return words(html.unescape(re.sub(r"<[^>]+>", " ", "<body" + body)))


def text_words(message) -> list[str]:
    return [w for w in words(message.body) if w not in {"-", "--"}]


def only_mail(to):
    found = [m for m in mail.outbox if m.to == [to.email]]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    (message,) = found
    # The text alternative says exactly what the HTML says.
    assert text_words(message) == html_words(message)
    return message


def both(message) -> str:
    return message.body + "\n" + html.unescape(message.alternatives[0][0])


def order_for(market, lines, household=None, key="k"):
    return place_order(
        household=household or market.household,
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key=key,
    )


@pytest.fixture
def english(db):
    return UserFactory(language="en", full_name="Ann Smith")


def test_paid_order_in_french_with_code_point_slot_and_access(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    point = market.distribution.pickup_point
    point.access_instructions = "Sonnez chez Martine, 2e étage."
    point.save()
    apples = market.a.offers[0]
    order = order_for(market, [(apples, 2)])
    with django_capture_on_commit_callbacks(execute=True):
        pay_order(order=order, payment_method=VISA)
    order.refresh_from_db()

    message = only_mail(market.household)
    assert message.subject.startswith(f"Commande n° {order.pk} payée : retrait ")
    text = both(message)
    for fact in (
        order.pickup_code,
        point.name,
        point.address,
        "Sonnez chez Martine, 2e étage.",
        f"2 × {apples.product.name}",
        "6,00\xa0€",
        "Payé par carte",
        f"/commandes/{order.pk}/",
        f"/commandes/{order.pk}/recu/",
        "Votre carte est autorisée",
    ):
        assert text.count(fact) >= 2, fact  # in both alternatives
    assert message.extra_headers["Content-Language"] == "fr"


def test_paid_order_in_english_for_a_household_who_chose_it(
    market, english, fake_stripe, django_capture_on_commit_callbacks
):
    order = order_for(market, [(market.a.offers[0], 1)], household=english)
    with django_capture_on_commit_callbacks(execute=True):
        pay_order(order=order, payment_method=VISA)

    message = only_mail(english)
    assert message.subject.startswith(f"Order no. {order.pk} paid: pickup ")
    text = both(message)
    assert "Hello Ann," in text and "Pickup code" in text and "Paid by card" in text
    assert "Commande" not in text


def test_paid_e_mail_is_sent_once(market, fake_stripe, django_capture_on_commit_callbacks):
    order = order_for(market, [(market.a.offers[0], 1)])
    with django_capture_on_commit_callbacks(execute=True):
        pay_order(order=order, payment_method=VISA)
        pay_order(order=order, payment_method=VISA)  # a second click: already paid
    assert send_order_paid_task.delay(order.pk).get() == 0
    assert send_order_paid(order_id=order.pk) == 0
    only_mail(market.household)


def test_an_order_wholly_paid_by_credit_is_confirmed_by_e_mail(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    add_credit(household=market.household, amount_cents=5000, reason="adjustment", reference="x")
    order = order_for(market, [(market.a.offers[0], 2)])
    with django_capture_on_commit_callbacks(execute=True):
        pay_order(order=order)
    text = both(only_mail(market.household))
    assert "Payé avec votre avoir" in text and "Payé par carte" not in text


def test_lowering_a_captured_order_says_what_is_refunded_to_the_card(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    market = far_market
    apples = market.a.offers[0]
    order = order_for(market, [(apples, 3)])
    pay_order(order=order, payment_method=VISA)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        change_order(order=order, quantities={line.pk: 1})

    message = only_mail(market.household)
    assert message.subject == f"Commande n° {order.pk} modifiée"
    text = both(message)
    assert "Remboursé sur votre carte" in text and "6,00\xa0€" in text
    assert "Nouveau total" in text and "3,00\xa0€" in text


def test_cancelling_an_order_paid_partly_with_credit_in_english(
    far_market, english, fake_stripe, django_capture_on_commit_callbacks
):
    market = far_market
    add_credit(household=english, amount_cents=200, reason="adjustment", reference="x")
    order = order_for(market, [(market.a.offers[0], 2)], household=english)
    pay_order(order=order, payment_method=VISA)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order)

    message = only_mail(english)
    assert message.subject == f"Order no. {order.pk} cancelled"
    text = both(message)
    assert "Back to your credit" in text and "2.00" in text
    assert "Refunded to your card" in text and "4.00" in text


def test_cancelling_an_authorised_order_says_the_hold_is_released(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    order = order_for(market, [(market.a.offers[0], 2)])
    pay_order(order=order, payment_method=VISA)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order)
    text = both(only_mail(market.household))
    assert "annulée" in text and "rien n’est débité" in text
    assert "Remboursé" not in text


def test_each_change_is_told_once(far_market, fake_stripe, django_capture_on_commit_callbacks):
    market = far_market
    order = order_for(market, [(market.a.offers[0], 3)])
    pay_order(order=order, payment_method=VISA)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change_order(order=order, quantities={line.pk: 2})
        change_order(order=order, quantities={line.pk: 1})
    assert len(callbacks) == 2
    for callback in callbacks:  # a task run again sends nothing
        callback()
    assert sorted(m.subject for m in mail.outbox) == [f"Commande n° {order.pk} modifiée"] * 2


def test_a_declined_card_tells_what_to_do_once_and_only_its_household(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    other = UserFactory()
    order_for(market, [(market.a.offers[1], 1)], household=other, key="other")
    order = order_for(market, [(market.a.offers[0], 1)])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CardDeclined):
        pay_order(order=order, payment_method=DECLINED)

    message = only_mail(market.household)
    assert message.subject == f"Paiement refusé : commande n° {order.pk}"
    text = both(message)
    assert "refusée" in text and "Rien n’a été débité" in text
    assert f"/commandes/{order.pk}/paiement/" in text
    assert not [m for m in mail.outbox if m.to == [other.email]]
    assert send_payment_failed(order_id=order.pk, attempt=0) == 0


def test_no_declined_e_mail_once_another_card_paid(
    market, english, fake_stripe, django_capture_on_commit_callbacks
):
    order = order_for(market, [(market.a.offers[0], 1)], household=english)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(CardDeclined):
        pay_order(order=order, payment_method=DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        pay_order(order=order, payment_method=VISA)
    for callback in callbacks:  # the declined attempt's task runs late
        callback()
    (message,) = mail.outbox
    assert message.subject.startswith(f"Order no. {order.pk} paid")


def test_the_close_tells_each_household_line_by_line_why_and_where_the_money_goes(
    market, english, fake_stripe, django_capture_on_commit_callbacks
):
    apples = market.a.offers[0]
    (honey,) = market.b.offers  # farm B needs 20 €
    order = order_for(market, [(apples, 1), (honey, 2)], household=english)
    pay_order(order=order, payment_method=VISA)
    unpaid = order_for(market, [(apples, 1)], key="unpaid")

    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_distribution(distribution=market.distribution)

    message = only_mail(english)
    text = both(message)
    assert f"2 × {honey.product.name}" in text
    assert "8.70" in text and "the farm's minimum order was not reached" in text
    assert "Not charged to your card" in text and "Kept for what you collect" in text
    assert f"/commandes/{order.pk}/recu/" in text
    assert order.pickup_code in text

    told = only_mail(market.household)
    assert "pas été payée" in both(told) and str(unpaid.pk) in told.subject
    assert send_close_result(order_id=order.pk) == 0


def test_after_the_close_a_refund_to_the_card_or_to_the_credit(
    far_market, fake_stripe, django_capture_on_commit_callbacks
):
    market = far_market
    (honey,) = market.b.offers
    to_card = order_for(market, [(market.a.offers[0], 1), (honey, 1)], key="1")
    pay_order(order=to_card, payment_method=VISA)
    saver = UserFactory()
    set_refund_preference(household=saver, to_credit=True)
    to_credit = order_for(market, [(honey, 1)], household=saver, key="2")
    pay_order(order=to_credit, payment_method=VISA)

    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_distribution(distribution=market.distribution)

    assert "Remboursé sur votre carte" in both(only_mail(market.household))
    text = both(only_mail(saver))
    assert "Reversé sur votre avoir" in text and "4,35\xa0€" in text
    assert CreditEntry.objects.filter(household=saver).exists()


# --- Times in Europe/Paris ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        (datetime(2026, 12, 12, 18, 0, tzinfo=PARIS), "samedi 12 décembre 2026, 18 h – 19 h 30"),
        (datetime(2027, 6, 12, 18, 0, tzinfo=PARIS), "samedi 12 juin 2027, 18 h – 19 h 30"),
    ],
    ids=["winter", "summer"],
)
def test_the_host_and_the_household_read_18_00_for_an_18_00_slot(
    starts, expected, fake_stripe, django_capture_on_commit_callbacks
):
    with time_machine.travel(starts - timedelta(days=3)):
        distribution = DistributionFactory(
            pickup_point=PickupPointFactory(),
            starts_at=starts.astimezone(ZoneInfo("UTC")),
            ends_at=starts + timedelta(minutes=90),
        )
        farm = stocked_farm(distribution, prices=(300,))
        household = UserFactory()
        host = UserFactory()
        distribution.pickup_point.hosts.add(host)
        order = place_order(
            household=household,
            distribution=distribution,
            lines={farm.offers[0].pk: 1},
            idempotency_key="k",
        )
        # A worker with UTC active (Celery's default) must still say Paris time.
        with timezone.override("UTC"), django_capture_on_commit_callbacks(execute=True):
            pay_order(order=order, payment_method=VISA)
    with (
        time_machine.travel(distribution.cutoff_at + timedelta(minutes=1)),
        timezone.override("UTC"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        close_distribution(distribution=distribution)

    paid = only_mail(household)
    short = expected.replace(f" {starts.year}", "")
    assert short in paid.subject and short in both(paid)
    (to_host,) = [m for m in mail.outbox if m.to == [host.email]]
    assert expected in to_host.subject
    assert "17 h" not in to_host.subject and "16 h" not in to_host.subject
    assert Order.objects.get().status == "confirmed"


def test_changing_an_order_not_paid_yet_sends_nothing(
    market, fake_stripe, django_capture_on_commit_callbacks
):
    order = order_for(market, [(market.a.offers[0], 3)])
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        change_order(order=order, quantities={line.pk: 1})
        cancel_order(order=order)
    assert mail.outbox == []
