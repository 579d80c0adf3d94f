"""Demo pickup points in the Lille metropolis, their farms and distributions.

Right after ``seed_demo``, whatever the day, every point has a distribution open for orders
whose cutoff is at least ~40 h away, in the current or next ISO week (the weeks the producers'
demo stocks), then weekly scheduled ones. Distributions are keyed by point + start, so running
the seed twice the same day changes nothing.
"""

from datetime import time, timedelta

from django.utils import timezone

from pickup import services
from pickup.errors import DistributionTaken
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.schedule import local_datetime
from producers.demo import DEMO_PRODUCERS, OPEN_SALE_IN_DAYS
from producers.models import Producer

DEMO_POINTS = [
    {
        "slug": "lille-wazemmes",
        "name": "Lille Wazemmes — Maison du quartier",
        "address": "36 rue d'Eylau, 59000 Lille",
        "latitude": 50.6262,
        "longitude": 3.0495,
        "access_instructions": "Entrée par la cour, sonner à « Circuit Court ». Poussettes bienvenues.",
        "capacity": 80,
        "slot": (time(18, 0), time(19, 30)),
    },
    {
        "slug": "lille-fives",
        "name": "Lille Fives — Tiers-lieu de Fives Cail",
        "address": "2 rue Pierre Legrand, 59800 Lille",
        "latitude": 50.6329,
        "longitude": 3.0897,
        "access_instructions": "Halle B, porte verte à gauche de l'accueil.",
        "capacity": 60,
        "slot": (time(17, 30), time(19, 30)),
    },
    {
        "slug": "roubaix-condition-publique",
        "name": "Roubaix — La Condition Publique",
        "address": "14 place Faidherbe, 59100 Roubaix",
        "latitude": 50.6841,
        "longitude": 3.1701,
        "access_instructions": "Sous la verrière, stand au fond à droite.",
        "capacity": 60,
        "slot": (time(18, 0), time(20, 0)),
    },
    {
        "slug": "villeneuve-dascq-triolo",
        "name": "Villeneuve-d'Ascq — Ferme du Héron",
        "address": "Chemin de la Ferme Lenglet, 59650 Villeneuve-d'Ascq",
        "latitude": 50.6389,
        "longitude": 3.1594,
        "access_instructions": "Parking de la ferme, grange principale.",
        "capacity": 50,
        "slot": (time(17, 0), time(19, 0)),
    },
]


# The open distribution is 4 days away: with the default window (opens 6 days before, closes
# 48 h before) it opened 2 days ago and closes in 2 days at the slot's time, i.e. at least 41 h
# from now even just before midnight; 4 days later is at most next ISO week.
OPEN_IN_DAYS = OPEN_SALE_IN_DAYS
LATER_WEEKS = 3


def seed_pickup_points(users) -> dict[str, PickupPoint]:
    points = {}
    for data in DEMO_POINTS:
        fields = {k: v for k, v in data.items() if k not in {"slug", "slot"}}
        point, _created = PickupPoint.objects.update_or_create(
            slug=data["slug"],
            defaults={**fields, "location_status": PickupPoint.LocationStatus.LOCATED},
        )
        points[point.slug] = point
    points["lille-wazemmes"].hosts.add(users["host"])
    _approve_demo_farms(points.values(), decided_by=users["admin"])
    for data in DEMO_POINTS:
        _schedule_demo_distributions(points[data["slug"]], *data["slot"])
    return points


def _approve_demo_farms(points, *, decided_by) -> None:
    producers = Producer.objects.filter(slug__in=[p["slug"] for p in DEMO_PRODUCERS])
    for point in points:
        for producer in producers:
            supplier = Supplier.objects.filter(producer=producer, pickup_point=point).first()
            if supplier is None:
                supplier = services.request_supply(producer=producer, pickup_point=point)
            services.decide_supply(supplier=supplier, decided_by=decided_by, approve=True)


def _schedule_demo_distributions(point: PickupPoint, starts: time, ends: time) -> None:
    now = timezone.now()
    still_open = point.distributions.filter(
        status=Distribution.Status.OPEN, cutoff_at__gte=now + timedelta(hours=20)
    )
    first_day = timezone.localdate() + timedelta(days=OPEN_IN_DAYS)
    if still_open.exists():  # an earlier run's open distribution is still good
        first_day = timezone.localtime(still_open.earliest("starts_at").starts_at).date()
    for week in range(LATER_WEEKS + 1):
        day = first_day + timedelta(weeks=week)
        try:
            services.schedule_distribution(
                pickup_point=point,
                starts_at=local_datetime(day, starts),
                ends_at=local_datetime(day, ends),
            )
        except DistributionTaken:  # scheduled by an earlier run
            continue
