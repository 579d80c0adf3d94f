"""Demo farms around Lille (all within 80 km)."""

from producers.models import Producer

DEMO_PRODUCERS = [
    {
        "slug": "jardins-de-la-deule",
        "name": "Les Jardins de la Deûle",
        "description": "Maraîchage bio sur 4 hectares au bord de la Deûle : légumes de saison, "
        "aromatiques et petits fruits.",
        "address": "12 chemin du Halage, 59136 Wavrin",
        "latitude": 50.5747,
        "longitude": 2.9367,
        "minimum_order_cents": 4000,
    },
    {
        "slug": "ferme-des-trois-chenes",
        "name": "Ferme des Trois Chênes",
        "description": "Lait cru de vaches flamandes, yaourts, beurre et tomme fermière.",
        "address": "5 route de Cassel, 59114 Steenvoorde",
        "latitude": 50.8106,
        "longitude": 2.5828,
        "minimum_order_cents": 3000,
    },
    {
        "slug": "fournil-de-la-pevele",
        "name": "Le Fournil de la Pévèle",
        "description": "Pains au levain cuits au feu de bois, farines de blés anciens du Nord.",
        "address": "3 rue de la Gare, 59242 Templeuve-en-Pévèle",
        "latitude": 50.5283,
        "longitude": 3.1763,
        "minimum_order_cents": 2500,
    },
    {
        "slug": "vergers-de-la-lys",
        "name": "Les Vergers de la Lys",
        "description": "Pommes et poires de variétés anciennes, jus et cidre fermier.",
        "address": "27 rue du Moulin, 59193 Erquinghem-Lys",
        "latitude": 50.6762,
        "longitude": 2.8464,
        "minimum_order_cents": 2000,
    },
    {
        "slug": "volailles-de-mormal",
        "name": "Volailles de la forêt de Mormal",
        "description": "Poulets et œufs de poules élevées en plein air, en lisière de forêt.",
        "address": "8 rue du Pont-Rouge, 59530 Locquignol",
        "latitude": 50.2003,
        "longitude": 3.7294,
        "minimum_order_cents": 5000,
    },
    {
        "slug": "rucher-des-weppes",
        "name": "Le Rucher des Weppes",
        "description": "Miels de printemps et d'été, pain d'épices et bougies en cire d'abeille.",
        "address": "41 rue Faidherbe, 59134 Fournes-en-Weppes",
        "latitude": 50.5843,
        "longitude": 2.8877,
        "minimum_order_cents": 0,
    },
]


def seed_producers(users) -> dict[str, Producer]:
    producers = {}
    for data in DEMO_PRODUCERS:
        fields = {k: v for k, v in data.items() if k != "slug"}
        producer, _created = Producer.objects.update_or_create(
            slug=data["slug"],
            defaults={**fields, "location_status": Producer.LocationStatus.LOCATED},
        )
        producers[producer.slug] = producer
    producers["jardins-de-la-deule"].members.add(users["producer"])
    return producers
