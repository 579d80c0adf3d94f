"""One collection per household per distribution: a subscriber's basket order, its add-ons
and a second order ("more") are three orders, paid apart, but one pickup code, one block of
the packing list, one label and one tap at the handover."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine

from handover import reports
from handover.errors import UndoExpired
from handover.services import mark_collected, mark_no_shows, undo_collected
from orders.models import Order, PickupCode
from orders.services import close_distribution
from subscriptions.models import BasketOrder
from subscriptions.services.baskets import generate_basket_orders
from tests.factories import UserFactory
from tests.handover.conftest import paid_order
from tests.orders.conftest import stocked_farm
from tests.subscriptions.conftest import PRICE, active_subscription, make_amap

pytestmark = pytest.mark.django_db


@pytest.fixture
def amap_day(fake_stripe, django_capture_on_commit_callbacks):
    """A subscriber with a basket, an add-on order and a second order; two other households
    (one with two orders). The sale has closed."""
    amap = make_amap()
    farm = stocked_farm(amap.distribution, prices=(300, 450), name="Ferme du Val")
    subscriber = UserFactory(full_name="Inès Roy")
    active_subscription(amap, household=subscriber)
    generate_basket_orders()
    basket = BasketOrder.objects.get().order
    addon = paid_order(amap, [(farm.offers[0], 2)], household=subscriber, key="addon")
    more = paid_order(amap, [(farm.offers[1], 1)], household=subscriber, key="more")
    twice = UserFactory(full_name="Bruno Lebrun")
    twice_orders = [
        paid_order(amap, [(farm.offers[0], 1)], household=twice, key="t1"),
        paid_order(amap, [(farm.offers[1], 1)], household=twice, key="t2"),
    ]
    other = paid_order(amap, [(farm.offers[0], 1)], household=UserFactory(full_name="Anna Lys"))
    with (
        time_machine.travel(amap.distribution.cutoff_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),  # the settling tasks
    ):
        assert close_distribution(distribution=amap.distribution)
    amap.distribution.refresh_from_db()
    host = UserFactory(full_name="Hôte")
    amap.point.hosts.add(host)
    return SimpleNamespace(
        amap=amap,
        farm=farm,
        distribution=amap.distribution,
        host=host,
        subscriber=subscriber,
        mine=[Order.objects.get(pk=o.pk) for o in (basket, addon, more)],
        twice=[Order.objects.get(pk=o.pk) for o in twice_orders],
        other=Order.objects.get(pk=other.pk),
    )


def _during(day, minutes=10):
    return time_machine.travel(day.distribution.starts_at + timedelta(minutes=minutes), tick=False)


def test_basket_add_on_and_second_order_share_one_code_and_one_block(amap_day):
    mine = amap_day.mine
    assert [o.status for o in mine] == ["confirmed"] * 3
    codes = {o.pickup_code for o in mine}
    assert len(codes) == 1 and "" not in codes
    assert amap_day.other.pickup_code not in codes
    assert amap_day.twice[0].pickup_code == amap_day.twice[1].pickup_code
    assert PickupCode.objects.filter(distribution=amap_day.distribution).count() == 3

    blocks = reports.packing_list(distribution=amap_day.distribution)
    assert [b.household for b in blocks] == ["Anna Lys", "Bruno Lebrun", "Inès Roy"]
    block = blocks[2]
    assert block.order_ids == sorted(o.pk for o in mine)
    assert block.pickup_code == mine[0].pickup_code
    assert [f.producer_name for f in block.farms] == ["Ferme du Val", "Les Jardins de la Deûle"]
    assert block.total_cents == PRICE + 2 * 300 + 450
    sums = reports.reconcile(distribution=amap_day.distribution)
    assert sums.packing_cents == sums.lines_cents == sums.picking_cents


def test_one_tap_collects_all_three_orders_and_undo_restores_all(amap_day):
    mine, host = amap_day.mine, amap_day.host
    with _during(amap_day):
        mark_collected(order=mine[1], by=host)  # the add-on order's row, or any
        states = Order.objects.filter(pk__in=[o.pk for o in mine])
        assert all(o.collected_at and o.collected_by == host for o in states)
        assert len({o.collected_at for o in states}) == 1
        counts = reports.handover_counts(distribution=amap_day.distribution)
        assert counts == {"total": 3, "collected": 1, "left": 2, "no_shows": 0}
        (found,) = reports.handover_collections(
            distribution=amap_day.distribution, search=mine[0].pickup_code.lower()
        )
        assert found.order_ids == sorted(o.pk for o in mine) and found.collected_at
    with _during(amap_day, minutes=10.5):
        undo_collected(order=mine[0], by=host)  # the basket order's
        assert not Order.objects.filter(pk__in=[o.pk for o in mine], collected_at__isnull=False)
    with _during(amap_day):
        mark_collected(order=mine[2], by=host)
    with _during(amap_day, minutes=12), pytest.raises(UndoExpired):
        undo_collected(order=mine[0], by=host)


def test_no_shows_go_by_collection_and_count_distributions(amap_day):
    with _during(amap_day):
        mark_collected(order=amap_day.mine[0], by=amap_day.host)
    # An order left unmarked by hand still belongs to a collection that was collected.
    Order.objects.filter(pk=amap_day.mine[2].pk).update(collected_at=None)
    with time_machine.travel(amap_day.distribution.ends_at + timedelta(minutes=61)):
        assert mark_no_shows(distribution=amap_day.distribution) == 3  # twice ×2, other
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert {statuses[o.pk] for o in amap_day.mine} == {"confirmed"}
    assert {statuses[o.pk] for o in amap_day.twice} == {"no_show"}
    blocks = {b.household: b for b in reports.packing_list(distribution=amap_day.distribution)}
    assert blocks["Bruno Lebrun"].household_no_shows == 1  # one missed collection, two orders
    assert blocks["Bruno Lebrun"].status == "no_show"
    assert reports.handover_counts(distribution=amap_day.distribution)["no_shows"] == 2


def test_pages_show_one_block_one_label_and_one_row(amap_day, client):
    from django.urls import reverse

    d = amap_day.distribution
    code = amap_day.mine[0].pickup_code
    client.force_login(amap_day.host)
    html = client.get(reverse("frontend:day:packing_list", args=[d.pk])).content.decode()
    assert html.count('class="packing-block"') == 3 and html.count(code) == 1
    labels = client.get(reverse("frontend:day:labels", args=[d.pk])).content.decode()
    assert labels.split('<main id="main"')[1].count("<svg") == 3  # one QR code a label
    lead = min(o.pk for o in amap_day.mine)
    with _during(amap_day):
        response = client.post(
            reverse("frontend:day:collect", args=[amap_day.mine[2].pk]), HTTP_HX_REQUEST="true"
        )
    row = response.content.decode()
    assert row.count('class="handover-row') == 1 and f'id="order-{lead}"' in row
    assert 'data-orders="3"' in row and 'data-left="2"' in row


def test_one_reminder_per_collection(amap_day, django_capture_on_commit_callbacks):
    from django.core import mail

    from handover.tasks import send_due_reminders_task

    mail.outbox.clear()
    day_before = amap_day.distribution.starts_at - timedelta(hours=20)
    with time_machine.travel(day_before), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task() == 3  # three households, six orders
        assert send_due_reminders_task() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        o.household.email for o in (amap_day.mine[0], amap_day.twice[0], amap_day.other)
    )
    assert Order.objects.filter(reminder_sent_at__isnull=True).count() == 0


def test_api_collects_and_lists_the_whole_collection(amap_day, api_client):
    d, mine = amap_day.distribution, amap_day.mine
    base = "/api/v1/distribution-day"
    api_client.force_authenticate(amap_day.host)
    ids = sorted(o.pk for o in mine)
    with _during(amap_day):
        packing = api_client.get(f"{base}/distributions/{d.pk}/packing-list/").json()
        assert [b["orders"] for b in packing if b["household"] == "Inès Roy"] == [ids]
        collected = api_client.post(f"{base}/orders/{mine[2].pk}/collected/").json()
        assert collected["orders"] == ids and collected["collected_at"]
        found = api_client.get(f"{base}/distributions/{d.pk}/handover/").json()
        assert (found["total"], found["collected"], found["left"]) == (3, 1, 2)
        undone = api_client.delete(f"{base}/orders/{mine[0].pk}/collected/").json()
        assert undone["orders"] == ids and undone["collected_at"] is None
    csv = api_client.get(f"{base}/distributions/{d.pk}/packing-list/?format=csv").content
    assert " ".join(map(str, ids)) in csv.decode()


def test_household_pages_say_the_orders_are_collected_together(amap_day, client):
    from django.urls import reverse

    basket, addon, more = amap_day.mine
    client.force_login(amap_day.subscriber)
    listing = client.get(reverse("frontend:orders:list")).content.decode()
    assert listing.count(f'data-collection-code="{basket.pickup_code}"') == 1
    assert listing.count('class="order-collection"') == 1
    detail = client.get(reverse("frontend:orders:detail", args=[addon.pk])).content.decode()
    assert 'data-collected-with="2"' in detail and addon.pickup_code in detail
    for other in (basket, more):
        assert reverse("frontend:orders:detail", args=[other.pk]) in detail
    subscription = amap_day.subscriber.subscriptions.get()
    weeks = client.get(reverse("frontend:subscriptions:detail", args=[subscription.pk]))
    assert basket.pickup_code in weeks.content.decode()
