"""Demo AMAP baskets: Les Jardins de la Deûle offers a small and a large vegetable basket for
a season delivered at every demo pickup point, and both the baskets and the Rucher des Weppes'
spring honey are in the published catalogues of the next weeks (so a household can subscribe,
skip a week and add honey to another) — except the farm's next week, seeded as a draft for
the demo farm to publish (producers/demo.py). Idempotent: rows are matched by their natural keys;
stock already taken is left alone."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from payments.demo import seed_connected_account
from payments.models import CreditEntry
from payments.services.wallet import add_credit
from pickup.models import PickupPoint
from producers.demo import DRAFT_NEXT_WEEK_FARM, draft_week
from producers.models import Catalogue, Offer, Producer, Product
from producers.weeks import current_week
from subscriptions.models import BasketSeason, Subscription
from subscriptions.services.seasons import season_price
from subscriptions.services.skips import skip_week
from subscriptions.services.subscribing import subscribe

BASKET_FARM = "jardins-de-la-deule"
HONEY_FARM = "rucher-des-weppes"
HONEY = "Miel de printemps"
# (name, price per week in cents, places, baskets in stock each week)
BASKETS = [
    (
        "Panier de légumes — petit",
        1500,
        30,
        40,
        "4 à 5 légumes de saison pour 1 ou 2 personnes, environ 3 kg : carottes, poireaux, "
        "courge, salade, selon la récolte.",
    ),
    (
        "Panier de légumes — grand",
        2500,
        20,
        30,
        "6 à 8 légumes de saison pour une famille, environ 5 kg : pommes de terre, carottes, "
        "poireaux, courge, chou, salade, selon la récolte.",
    ),
]
SEASON_WEEKS = 20
CATALOGUE_WEEKS = 5  # this week and the four next ones
HOST_POINT = "lille-wazemmes"  # the demo host's point (orders.demo seeds its sale)
SUBSCRIBED_BASKET = "Panier de légumes — grand"


def _catalogue(producer: Producer, week, now) -> Catalogue:
    catalogue, _created = Catalogue.objects.get_or_create(
        producer=producer,
        week=week,
        defaults={"status": Catalogue.Status.PUBLISHED, "published_at": now},
    )
    if producer.slug == DRAFT_NEXT_WEEK_FARM and week == draft_week():
        return catalogue  # a draft the demo farm publishes itself
    if catalogue.status != Catalogue.Status.PUBLISHED:
        catalogue.status = Catalogue.Status.PUBLISHED
        catalogue.published_at = catalogue.published_at or now
        catalogue.save(update_fields=["status", "published_at"])
    return catalogue


def _offer(catalogue: Catalogue, product: Product, stock: int) -> None:
    Offer.objects.get_or_create(
        catalogue=catalogue,
        product=product,
        defaults={"price_cents": product.price_cents, "quantity": stock, "remaining": stock},
    )


def seed_subscriptions() -> list[BasketSeason]:
    farm = Producer.objects.filter(slug=BASKET_FARM).first()
    if farm is not None:  # it sells its seasons itself: its payments are activated
        seed_connected_account("producer", farm.pk, active=True)
    if farm is None:
        return []
    now = timezone.now()
    start = current_week()
    weeks = [start + timedelta(weeks=n) for n in range(CATALOGUE_WEEKS)]
    points = list(PickupPoint.objects.filter(suppliers__producer=farm, is_active=True))
    seasons = []
    for name, price, places, stock, contents in BASKETS:
        product, _created = Product.objects.update_or_create(
            producer=farm,
            name=name,
            defaults={
                "category": Product.Category.BASKET,
                "unit": Product.Unit.PIECE,
                "price_cents": price,
                "description": contents,
                "is_organic": True,
                "is_active": True,
            },
        )
        season = BasketSeason.objects.filter(product=product).order_by("pk").first()
        if season is None:
            season = BasketSeason.objects.create(
                product=product,
                starts_on=start,
                ends_on=start + timedelta(weeks=SEASON_WEEKS - 1),
                price_cents=price,
                max_subscribers=places,
                max_skips=4,
                skip_deadline_hours=24,
            )
        season.pickup_points.add(*points)
        seasons.append(season)
        for week in weeks:
            _offer(_catalogue(farm, week, now), product, stock)
    honey = Product.objects.filter(producer__slug=HONEY_FARM, name=HONEY).first()
    if honey is not None:
        for week in weeks:
            _offer(_catalogue(honey.producer, week, now), honey, 30)
    return seasons


def seed_subscription(users) -> Subscription | None:
    """The demo household subscribed to the large basket at the host's point, next week
    skipped (its credit then pays part of today's demo order: seed it before the orders)."""
    point = PickupPoint.objects.filter(slug=HOST_POINT).first()
    household = users["household"]
    if point is None:
        return None
    season = BasketSeason.objects.filter(product__name=SUBSCRIBED_BASKET).order_by("pk").first()
    if season is None:
        return None
    subscription = (
        season.subscriptions.filter(household=household)
        .exclude(status=Subscription.Status.CANCELLED)
        .first()
    )
    if subscription is None:
        _start, weeks, total = season_price(season)
        if weeks == 0:
            return None
        add_credit(
            household=household,
            amount_cents=total,
            reason=CreditEntry.Reason.ADJUSTMENT,
            reference=f"demo-subscription-{season.pk}",
        )
        subscription = subscribe(household=household, season=season, pickup_point=point)
    if not subscription.skips.exists() and subscription.status == Subscription.Status.ACTIVE:
        skip_week(subscription=subscription, week=subscription.first_week)
    return subscription
