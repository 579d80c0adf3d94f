"""Demo pickup points in the Lille metropolis."""

from pickup.models import PickupPoint

DEMO_POINTS = [
    {
        "slug": "lille-wazemmes",
        "name": "Lille Wazemmes — Maison du quartier",
        "address": "36 rue d'Eylau, 59000 Lille",
        "latitude": 50.6262,
        "longitude": 3.0495,
        "access_instructions": "Entrée par la cour, sonner à « Circuit Court ». Poussettes bienvenues.",
        "capacity": 80,
    },
    {
        "slug": "lille-fives",
        "name": "Lille Fives — Tiers-lieu de Fives Cail",
        "address": "2 rue Pierre Legrand, 59800 Lille",
        "latitude": 50.6329,
        "longitude": 3.0897,
        "access_instructions": "Halle B, porte verte à gauche de l'accueil.",
        "capacity": 60,
    },
    {
        "slug": "roubaix-condition-publique",
        "name": "Roubaix — La Condition Publique",
        "address": "14 place Faidherbe, 59100 Roubaix",
        "latitude": 50.6841,
        "longitude": 3.1701,
        "access_instructions": "Sous la verrière, stand au fond à droite.",
        "capacity": 60,
    },
    {
        "slug": "villeneuve-dascq-triolo",
        "name": "Villeneuve-d'Ascq — Ferme du Héron",
        "address": "Chemin de la Ferme Lenglet, 59650 Villeneuve-d'Ascq",
        "latitude": 50.6389,
        "longitude": 3.1594,
        "access_instructions": "Parking de la ferme, grange principale.",
        "capacity": 50,
    },
]


def seed_pickup_points(users) -> dict[str, PickupPoint]:
    points = {}
    for data in DEMO_POINTS:
        fields = {k: v for k, v in data.items() if k != "slug"}
        point, _created = PickupPoint.objects.update_or_create(
            slug=data["slug"],
            defaults={**fields, "location_status": PickupPoint.LocationStatus.LOCATED},
        )
        points[point.slug] = point
    points["lille-wazemmes"].hosts.add(users["host"])
    return points
