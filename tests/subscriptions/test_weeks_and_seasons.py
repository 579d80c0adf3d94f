"""The season card says what the season costs and what a basket holds; the subscription
lists its weeks compactly, each with its state and its one action."""

from datetime import timedelta

import pytest

from common import dates
from subscriptions.services import season_price, skip_week
from tests.factories import UserFactory
from tests.subscriptions.conftest import PRICE, active_subscription

pytestmark = pytest.mark.django_db


def _euros(cents):
    return f"{cents // 100},{cents % 100:02d}\xa0€"


def test_the_season_card_gives_the_total_and_the_contents(client, amap):
    amap.product.description = "5 légumes de saison, environ 3 kg"
    amap.product.save()
    _start, weeks, total = season_price(amap.season)
    assert weeks < len(amap.season.weeks())  # the season has begun: the weeks left
    html = client.get("/abonnements/").content.decode()
    assert (
        f"{weeks} paniers restants · {_euros(total)} jusqu'à la fin de la saison"
        in html.replace("&#x27;", "'")
    )
    assert "Dans le panier :</strong> 5 légumes de saison, environ 3 kg" in html


def test_a_season_not_begun_says_its_whole_price(client, amap):
    amap.season.starts_on = amap.distribution.week + timedelta(weeks=2)
    amap.season.ends_on = amap.season.starts_on + timedelta(weeks=17)
    amap.season.save()
    html = client.get("/abonnements/").content.decode()
    assert f"18 paniers · {_euros(18 * PRICE)} la saison" in html
    assert "Dans le panier" not in html  # no description: nothing said


def test_the_farm_sees_the_season_total(client, amap):
    member = UserFactory()
    amap.producer.members.add(member)
    client.force_login(member)
    html = client.get(f"/producteur/{amap.producer.slug}/paniers/").content.decode()
    weeks = len(amap.season.weeks())
    assert f"{weeks} paniers · {_euros(weeks * PRICE)} la saison" in html


def test_each_week_is_one_row_with_its_state_and_one_small_action(client, amap):
    subscription = active_subscription(amap)
    week = amap.distribution.week
    skip_week(subscription=subscription, week=week)
    client.force_login(subscription.household)
    html = client.get(f"/abonnements/{subscription.pk}/").content.decode()
    rows = html.split("<tr data-week=")[1:]
    assert len(rows) == len(amap.season.weeks(since=week))
    skipped, planned = rows[0], rows[1]
    assert 'data-state="skipped"' in skipped and ">sautée<" in skipped
    assert 'class="button-small unskip-week"' in skipped and 'small skip-week"' not in skipped
    assert "Finalement, je prends ce panier" in skipped
    monday = dates.day_month(week + timedelta(weeks=1))
    assert 'data-state="planned"' in planned and "à venir" in planned
    assert f'aria-label="Sauter la semaine du {monday}">Sauter</button>' in planned
