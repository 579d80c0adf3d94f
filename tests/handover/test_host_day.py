"""The host's distribution day: the dashboard leads to today's handover, and each handover
row says what goes into the bag (in a fixed number of queries)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from common import dates
from orders.models import OrderLine
from tests.handover.conftest import bulk_day

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("frontend:host_dashboard")


def _distribution_day(day):
    """On the distribution's own day, after the close."""
    return time_machine.travel(day.distribution.starts_at - timedelta(minutes=30))


def test_todays_closed_sale_leads_the_dashboard_to_its_handover(closed_day, client):
    client.force_login(closed_day.host)
    with _distribution_day(closed_day):
        html = client.get(DASHBOARD).content.decode()
    today = html.index('class="host-today"')
    assert today < html.index('class="host-distributions"')
    block = html[today : html.index("</section>", today)]
    handover = reverse("frontend:day:handover", args=[closed_day.distribution.pk])
    assert f'class="button host-today-handover" href="{handover}"' in block
    assert reverse("frontend:day:packing_list", args=[closed_day.distribution.pk]) in block
    assert "3 commandes à remettre." in block


def test_the_dashboard_writes_hours_and_days_in_french(closed_day, client):
    distribution = closed_day.distribution
    day = timezone.localtime(distribution.starts_at).date()
    paris = ZoneInfo("Europe/Paris")
    distribution.starts_at = datetime.combine(day, time(19, 32), paris)
    distribution.ends_at = datetime.combine(day, time(21, 2), paris)
    distribution.save(update_fields=["starts_at", "ends_at"])
    client.force_login(closed_day.host)
    with _distribution_day(closed_day):
        html = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aujourd'hui, 19 h 32 – 21 h 02 : jour de distribution" in html
    assert f"<strong>{dates.day(day)}</strong>, 19 h 32 – 21 h 02" in html
    opens, cutoff = (dates.day_time(m) for m in (distribution.opens_at, distribution.cutoff_at))
    assert f"Commandes du {opens} au {cutoff}" in html
    point = distribution.pickup_point
    assert point.opens_days > 1 and point.cutoff_hours > 1
    assert f"Les commandes ouvrent {point.opens_days} jours avant chaque distribution." in html
    assert f"Elles ferment {point.cutoff_hours} heures avant." in html
    point.opens_days = point.cutoff_hours = 1
    point.save(update_fields=["opens_days", "cutoff_hours"])
    html = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "ouvrent 1 jour avant" in html and "ferment 1 heure avant" in html


def test_a_closed_sale_of_another_day_is_not_todays(closed_day, client):
    client.force_login(closed_day.host)
    with time_machine.travel(closed_day.distribution.starts_at - timedelta(days=1)):
        html = client.get(DASHBOARD).content.decode()
    assert 'class="host-today"' not in html
    # still reachable from its row
    assert reverse("frontend:day:handover", args=[closed_day.distribution.pk]) in html


def test_an_open_sale_says_when_its_handover_opens_and_links_nowhere_yet(market, client):
    from tests.factories import UserFactory

    host = UserFactory()
    market.distribution.pickup_point.hosts.add(host)
    client.force_login(host)
    html = client.get(DASHBOARD).content.decode()
    row = html[html.index(f'data-distribution="{market.distribution.pk}"') :]
    row = row[: row.index("</li>")]
    cutoff = market.distribution.cutoff_at
    assert (
        "La liste de colisage et la remise ouvrent à la clôture de la vente, "
        f"le {dates.day_time(cutoff)}."
    ) in row
    assert f"{timezone.localtime(cutoff):%H:%M}" not in row  # « 19 h 31 », not « 19:31 »
    assert reverse("frontend:day:handover", args=[market.distribution.pk]) not in row
    assert reverse("frontend:day:packing_list", args=[market.distribution.pk]) not in row


def test_each_handover_row_lists_what_is_in_the_bag(closed_day, client):
    client.force_login(closed_day.host)
    zoe = closed_day.orders[0]
    response = client.get(
        reverse("frontend:day:handover", args=[closed_day.distribution.pk]),
        {"q": zoe.pickup_code},
    )
    html = response.content.decode()
    bag = html[html.index('<details class="handover-bag">') : html.index("</details>")]
    apples, pears = closed_day.market.a.offers
    # Farm B stayed below its minimum: its honey is not in the bag.
    assert "Contenu du sac (4 articles)" in bag
    assert f"3 × {apples.product.name}" in bag and f"1 × {pears.product.name}" in bag
    assert closed_day.market.a.producer.name in bag
    assert closed_day.market.b.producer.name not in bag


def test_a_weighed_line_shows_its_weight_once_known(closed_day, client):
    zoe = closed_day.orders[0]
    line = zoe.lines.filter(status=OrderLine.Status.ACTIVE).order_by("pk").first()
    OrderLine.objects.filter(pk=line.pk).update(
        estimated_weight_g=500, weight_g=1540, weighed_cents=line.total_cents
    )
    client.force_login(closed_day.host)
    url = reverse("frontend:day:handover", args=[closed_day.distribution.pk])
    html = client.get(url, {"q": zoe.pickup_code}).content.decode()
    assert f"{line.quantity} × {line.product_name} <span" in html and "1,54" in html
    OrderLine.objects.filter(pk=line.pk).update(weight_g=None, weighed_cents=None)
    html = client.get(url, {"q": zoe.pickup_code}).content.decode()
    assert "1,54" not in html  # not weighed yet: no weight shown


def test_the_collect_answer_keeps_the_bag_contents(closed_day, client):
    client.force_login(closed_day.host)
    order = closed_day.orders[2]
    response = client.post(reverse("frontend:day:collect", args=[order.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Retirée à" in html and "Contenu du sac (1 article)" in html


def test_the_handover_queries_do_not_grow_with_orders(
    closed_day, client, django_assert_max_num_queries
):
    client.force_login(closed_day.host)
    url = reverse("frontend:day:handover", args=[closed_day.distribution.pk])
    farms = [closed_day.market.a, closed_day.market.b]
    bulk_day(closed_day.distribution, farms, n_orders=3, lines_per_order=3)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    bulk_day(closed_day.distribution, farms, n_orders=60, lines_per_order=3)
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count('<details class="handover-bag">') >= 6
