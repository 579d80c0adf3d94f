import pytest
from django.core.management import call_command

from producers.demo import DRAFT_NEXT_WEEK_FARM, draft_week
from producers.models import Catalogue, Offer, Producer, Product
from producers.weeks import current_week, next_week

pytestmark = pytest.mark.django_db


def _counts():
    return (Product.objects.count(), Catalogue.objects.count(), Offer.objects.count())


def test_every_demo_farm_has_products_and_two_published_weeks_idempotently():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first

    for producer in Producer.objects.all():
        # AMAP baskets (orders/demo.py) come on top of the farm's products.
        assert 5 <= producer.products.exclude(basket_seasons__isnull=False).count() <= 8, producer
        weeks = {c.week: c for c in producer.catalogues.filter(status=Catalogue.Status.PUBLISHED)}
        # orders/demo.py publishes baskets and honey for later weeks too (subscriptions).
        shown = [current_week(), next_week()]
        if producer.slug == DRAFT_NEXT_WEEK_FARM:  # the week after the open sale's is a draft
            assert producer.catalogues.get(week=draft_week()).status == Catalogue.Status.DRAFT
            shown = [week for week in shown if week != draft_week()]
        assert set(shown) <= set(weeks), producer
        for catalogue in (weeks[week] for week in shown):
            assert catalogue.published_at is not None
            stocks = [o.remaining for o in catalogue.offers.all()]
            assert len(stocks) == producer.products.count() and min(stocks) > 0
    jardins = Producer.objects.get(slug="jardins-de-la-deule")
    assert jardins.members.filter(email="ferme@demo.circuit-court.fr").exists()


def test_a_second_seed_keeps_the_stock_orders_took():
    call_command("seed_demo", verbosity=0)
    offer = Offer.objects.order_by("pk").first()
    Offer.objects.filter(pk=offer.pk).update(remaining=offer.quantity - 3)
    call_command("seed_demo", verbosity=0)
    offer.refresh_from_db()
    assert offer.taken == 3
