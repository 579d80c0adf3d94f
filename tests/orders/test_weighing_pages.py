"""Products sold by weight on the pages: the household sees estimates and what its card is
authorised for, the farm weighs on its phone, the order, the receipt and the e-mail show the
real weight and price."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderLine
from orders.services import close_distribution, pay_order, place_order
from orders.services.weighing import charge_estimate, enter_weight
from producers.models import Offer, Product
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _cheese(farm, *, name="Tomme", grams=500, price=950):
    product = Product.objects.create(
        producer=farm.producer,
        name=name,
        category="dairy",
        unit="g",
        quantity_per_unit=grams,
        price_cents=price,
        sold_by_weight=True,
    )
    return Offer.objects.create(
        catalogue=farm.offers[0].catalogue,
        product=product,
        price_cents=price,
        quantity=10,
        remaining=10,
    )


def _paid(market, lines, household):
    order = place_order(
        household=household,
        distribution=market.distribution,
        lines={offer.pk: quantity for offer, quantity in lines},
        idempotency_key="k",
    )
    pay_order(order=order, payment_method=VISA)
    return Order.objects.get(pk=order.pk)


def _close(market, capture):
    with (
        time_machine.travel(market.distribution.cutoff_at + timedelta(minutes=1)),
        capture(execute=True),
    ):
        assert close_distribution(distribution=market.distribution)


@pytest.fixture
def weighed(market, fake_stripe, django_capture_on_commit_callbacks):
    """A household's paid order of 2 pieces of cheese (about 500 g, 9,50 € each) and apples,
    at a farm with a member, French pages."""
    household = UserFactory(full_name="Camille Martin")
    cheese = _cheese(market.a)
    order = _paid(market, [(cheese, 2), (market.a.offers[0], 1)], household)
    member = UserFactory()
    market.a.producer.members.add(member)
    line = OrderLine.objects.get(order=order, offer=cheese)
    return market, household, member, order, line


def _fr(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "fr"


def _text(response) -> str:
    return " ".join(response.content.decode().replace("\xa0", " ").split())


def test_the_household_sees_estimates_and_what_its_card_is_authorised_for(client, weighed):
    market, household, _member, order, _line = weighed
    _fr(client, household)
    point = market.distribution.pickup_point
    catalogue = _text(
        client.get(
            reverse("frontend:distribution_catalogue", args=[point.slug, market.distribution.pk])
        )
    )
    assert "env. 500 g" in catalogue and "env. 9,50 €" in catalogue and "19,00 € / kg" in catalogue
    assert "votre carte est autorisée jusqu'à +15 % (marge de la ferme)" in catalogue

    order.status = Order.Status.AWAITING_PAYMENT  # the pay page of an order not paid yet
    order.save(update_fields=["status"])
    pay = _text(client.get(reverse("frontend:orders:pay", args=[order.pk])))
    # 2 × 9,50 € + 3,00 € estimated, 15 % of 19,00 € margin: 24,85 € asked
    assert "Total estimé : 22,00 €" in pay
    assert "Votre carte est autorisée pour 24,85 € : l'estimation (22,00 €)" in pay
    assert "(2,85 €)" in pay and "seul le prix de leur poids réel est prélevé" in pay


def test_the_farm_weighs_on_its_phone_and_the_household_sees_the_real_weight(
    client, weighed, django_capture_on_commit_callbacks
):
    market, household, member, order, line = weighed
    other = _paid(market, [(line.offer, 1)], UserFactory(full_name="Alex Roux"))
    _close(market, django_capture_on_commit_callbacks)
    _fr(client, member)
    url = reverse(
        "frontend:day:producer_weighings", args=[market.a.producer.slug, market.distribution.pk]
    )
    page = _text(client.get(url))
    assert "2 lignes à peser" in page
    assert "Camille Martin" in page and "Alex Roux" in page
    assert "Estimation : env. 1 kg, env. 19,00 € (19,00 € / kg)" in page
    assert 'inputmode="numeric"' in page and "Poids réel (g)" in page

    refused = client.post(url, {"line": line.pk, "weight_g": "abc"})
    assert refused.status_code == 400
    html = _text(refused)
    assert f'aria-describedby="weight-error-{line.pk}"' in html and 'aria-invalid="true"' in html
    assert "Saisissez le poids en grammes, de 1 g à 100 kg." in html

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {"line": line.pk, "weight_g": "1040"})
    assert saved.status_code == 302 and saved.url.endswith(f"#line-{line.pk}")
    page = _text(client.get(url))
    assert "Tomme pesé : 19,76 €." in page
    assert "Pesé : 1,04 kg, 19,76 €" in page and "1 ligne à peser" in page
    # the same weight again changes nothing; a heavier one once the price is final is refused
    assert client.post(url, {"line": line.pk, "weight_g": "1040"}).status_code == 302
    assert line.changes.count() == 1
    heavier = _text(client.post(url, {"line": line.pk, "weight_g": "1100"}))
    assert "son poids ne peut plus que baisser" in heavier

    _fr(client, household)
    detail = _text(client.get(reverse("frontend:orders:detail", args=[order.pk])))
    assert "Poids réel : 1,04 kg · 19,00 € / kg" in detail and "19,76 €" in detail
    receipt = _text(client.get(reverse("frontend:orders:receipt", args=[order.pk])))
    assert "Poids réel : 1,04 kg · 19,00 € / kg" in receipt
    assert "estimé : env. 1 kg, env. 19,00 €" in receipt
    assert client.get(reverse("frontend:orders:detail", args=[other.pk])).status_code == 404
    _fr(client, other.household)
    other_detail = _text(client.get(reverse("frontend:orders:detail", args=[other.pk])))
    assert "en attente de pesée" in other_detail and "Total estimé" in other_detail


def test_a_line_charged_at_its_estimate_and_a_handed_over_line_read_only(
    client, weighed, django_capture_on_commit_callbacks
):
    market, household, member, order, line = weighed
    _close(market, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert charge_estimate(order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(collected_at=timezone.now())
    _fr(client, member)
    url = reverse(
        "frontend:day:producer_weighings", args=[market.a.producer.slug, market.distribution.pk]
    )
    page = _text(client.get(url))
    assert "0 ligne à peser" in page and "Prix estimé, non pesé" in page
    assert f'id="weight-{line.pk}"' not in page and "Remis" in page
    _fr(client, household)
    receipt = _text(client.get(reverse("frontend:orders:receipt", args=[order.pk])))
    assert "Prix estimé, non pesé" in receipt


def test_the_household_gets_one_email_once_its_order_is_weighed(
    weighed, django_capture_on_commit_callbacks
):
    market, household, member, order, line = weighed
    household.language = "fr"
    household.save()
    _close(market, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enter_weight(producer=market.a.producer, line_id=line.pk, weight_g=1040, by=member)
    (email,) = [m for m in mail.outbox if "pesée" in m.subject]
    body = " ".join(email.body.replace("\xa0", " ").split())
    assert email.to == [household.email]
    assert email.subject == f"Commande n° {order.pk} pesée : 22,76 €"
    assert "Le produit vendu au poids de votre commande" in body
    assert "1,04 kg : 19,76 € (19,00 € / kg)" in body
    assert "22,76 €" in body and "24,85 €" in body  # charged, and what was authorised
    assert "Le reste de l'autorisation, 2,09 €, est libéré" in body
    mail.outbox.clear()
    # lowered after the price was final: the correction's e-mail speaks of the weight
    with django_capture_on_commit_callbacks(execute=True):
        enter_weight(producer=market.a.producer, line_id=line.pk, weight_g=1000, by=member)
    (correction,) = mail.outbox
    text = " ".join(correction.body.replace("\xa0", " ").split())
    assert correction.subject == f"Commande n° {order.pk} : Tomme pesé à nouveau"
    assert "a corrigé le poids de Tomme" in text and "1 kg, 19,00 €" in text
    assert "0,76 €" in text
