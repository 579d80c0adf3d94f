"""Demo farms around Lille (all within 80 km), their products and published catalogues for
this ISO week and the next one (idempotent: rows are matched by their natural keys)."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from producers import photos
from producers.models import Catalogue, Offer, Photographed, Producer, Product
from producers.weeks import current_week, monday_of, next_week

DEMO_PRODUCERS = [
    {
        "slug": "jardins-de-la-deule",
        "legal_name": "EARL Les Jardins de la Deûle",
        "siret": "81234567610008",
        "vat_regime": "liable",
        "vat_number": "FR19812345676",
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
        "legal_name": "GAEC de la Ferme des Trois Chênes",
        "siret": "84512390010000",
        "vat_regime": "flat_rate",
        "vat_number": "",
        "name": "Ferme des Trois Chênes",
        "description": "Lait cru de vaches flamandes, yaourts, beurre et tomme fermière.",
        "address": "5 route de Cassel, 59114 Steenvoorde",
        "latitude": 50.8106,
        "longitude": 2.5828,
        "minimum_order_cents": 3000,
    },
    {
        "slug": "fournil-de-la-pevele",
        "legal_name": "SARL Le Fournil de la Pévèle",
        "siret": "79933321610006",
        "vat_regime": "liable",
        "vat_number": "FR95799333216",
        "name": "Le Fournil de la Pévèle",
        "description": "Pains au levain cuits au feu de bois, farines de blés anciens du Nord.",
        "address": "3 rue de la Gare, 59242 Templeuve-en-Pévèle",
        "latitude": 50.5283,
        "longitude": 3.1763,
        "minimum_order_cents": 2500,
    },
    {
        "slug": "vergers-de-la-lys",
        "legal_name": "Les Vergers de la Lys (EI)",
        "siret": "90211876910005",
        "vat_regime": "franchise",
        "vat_number": "",
        "name": "Les Vergers de la Lys",
        "description": "Pommes et poires de variétés anciennes, jus et cidre fermier.",
        "address": "27 rue du Moulin, 59193 Erquinghem-Lys",
        "latitude": 50.6762,
        "longitude": 2.8464,
        "minimum_order_cents": 2000,
    },
    {
        "slug": "volailles-de-mormal",
        "legal_name": "EARL Volailles de Mormal",
        "siret": "73282932000074",
        "vat_regime": "flat_rate",
        "vat_number": "",
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


# (name, category, unit, quantity per unit, price in cents, VAT basis points, organic, stock)
DEMO_PRODUCTS = {
    "jardins-de-la-deule": [
        ("Carottes des sables", "vegetables", "bunch", "1", 220, 550, True, 40),
        ("Pommes de terre Charlotte", "vegetables", "kg", "1", 280, 550, True, 80),
        ("Chicons de pleine terre", "vegetables", "g", "500", 320, 550, True, 50),
        ("Mâche", "vegetables", "g", "150", 240, 550, True, 30),
        ("Poireaux", "vegetables", "bunch", "1", 290, 550, True, 35),
        ("Courge butternut", "vegetables", "kg", "1", 290, 550, True, 25),
        ("Panier de légumes de saison", "basket", "piece", "1", 1500, 550, True, 20),
    ],
    "ferme-des-trois-chenes": [
        ("Lait cru entier", "dairy", "l", "1", 140, 550, False, 60),
        ("Yaourts nature (lot de 4)", "dairy", "box", "1", 260, 550, False, 40),
        ("Beurre doux de baratte", "dairy", "g", "250", 420, 550, False, 30),
        ("Tomme fermière", "dairy", "g", "500", 1150, 550, False, 15),
        ("Crème crue", "dairy", "cl", "50", 390, 550, False, 20),
        ("Fromage blanc", "dairy", "g", "500", 340, 550, False, 25),
    ],
    "fournil-de-la-pevele": [
        ("Pain de campagne au levain", "bread", "kg", "1", 680, 550, True, 30),
        ("Miche au petit épeautre", "bread", "g", "500", 450, 550, True, 25),
        ("Baguette de tradition", "bread", "piece", "1", 140, 550, True, 60),
        ("Pain aux graines", "bread", "g", "500", 450, 550, True, 20),
        ("Brioche au beurre", "bread", "g", "400", 650, 550, False, 15),
        ("Farine de blé T80", "grocery", "kg", "1", 260, 550, True, 20),
    ],
    "vergers-de-la-lys": [
        ("Pommes Reinette des Flandres", "fruit", "kg", "1", 320, 550, False, 80),
        ("Poires Conférence", "fruit", "kg", "1", 350, 550, False, 50),
        ("Colis de pommes à cuire", "fruit", "kg", "5", 1350, 550, False, 15),
        ("Jus de pomme", "drinks", "l", "1", 320, 550, False, 40),
        ("Cidre fermier brut", "drinks", "cl", "75", 550, 2000, False, 30),
        ("Compote de pommes", "grocery", "g", "650", 490, 550, False, 25),
    ],
    "volailles-de-mormal": [
        ("Poulet fermier entier", "meat", "piece", "1", 2100, 550, False, 20),
        ("Cuisses de poulet", "meat", "kg", "1", 1390, 550, False, 15),
        ("Filets de poulet", "meat", "g", "500", 1250, 550, False, 15),
        ("Œufs plein air (boîte de 6)", "eggs", "box", "1", 290, 550, False, 60),
        ("Œufs plein air (douzaine)", "eggs", "dozen", "1", 540, 550, False, 30),
        ("Rillettes de poulet", "meat", "g", "180", 520, 550, False, 20),
    ],
    "rucher-des-weppes": [
        ("Miel de printemps", "honey", "g", "500", 850, 550, False, 30),
        ("Miel d'été", "honey", "g", "250", 550, 550, False, 30),
        ("Miel de forêt", "honey", "kg", "1", 1500, 550, False, 12),
        ("Pain d'épices au miel", "grocery", "g", "400", 690, 550, False, 20),
        ("Bougie en cire d'abeille", "other", "piece", "1", 750, 2000, False, 15),
    ],
}


# Priced at the real weight: the catalogue shows the estimate of a piece, the farm weighs it.
# The demo farm's catalogue of the week after the open sale is seeded as a draft, for it to
# publish (its catalogue of the open sale's week is published: it sells there).
DRAFT_NEXT_WEEK_FARM = "jardins-de-la-deule"
# The demo points' open sale is this many days from today (pickup/demo.py schedules it).
OPEN_SALE_IN_DAYS = 4


def draft_week() -> date:
    """The week after the open demo sale's (next week from Monday to Wednesday, the week after
    from Thursday: the open sale is a few days away)."""
    return next_week(monday_of(timezone.localdate() + timedelta(days=OPEN_SALE_IN_DAYS)))


SOLD_BY_WEIGHT = {"Courge butternut", "Tomme fermière", "Cuisses de poulet", "Filets de poulet"}


# Illustrations made for the demo (``devtools/demo_photos.py``), with their descriptions.
DEMO_PHOTOS_DIR = Path(__file__).resolve().parent / "demo_photos"
FARM_PHOTOS = {
    "jardins-de-la-deule": ("ferme-maraichage.jpg", "Une grange rouge et deux serres au bord de "
                            "champs cultivés en rangs"),
    "ferme-des-trois-chenes": ("ferme-laitiere.jpg", "Deux vaches au pré devant la ferme et "
                               "trois chênes"),
    "fournil-de-la-pevele": ("ferme-fournil.jpg", "Le fournil et son four à bois allumé, au "
                             "milieu des blés"),
    "vergers-de-la-lys": ("ferme-verger.jpg", "Des rangées de pommiers chargés de fruits rouges"),
    "volailles-de-mormal": ("ferme-volailles.jpg", "Des poules en plein air devant leur "
                            "poulailler, en lisière de forêt"),
    "rucher-des-weppes": ("ferme-rucher.jpg", "Trois ruches jaunes dans une prairie fleurie"),
}  # fmt: skip
PRODUCT_PHOTOS = {
    "Carottes des sables": ("carottes.jpg", "Trois carottes orange avec leurs fanes vertes"),
    "Pommes de terre Charlotte": ("pommes-de-terre.jpg", "Trois pommes de terre"),
    "Chicons de pleine terre": ("chicons.jpg", "Trois chicons blancs aux pointes jaunes"),
    "Mâche": ("mache.jpg", "Des rosettes de mâche bien vertes"),
    "Poireaux": ("poireaux.jpg", "Trois poireaux, blancs et verts"),
    "Courge butternut": ("courge.jpg", "Une courge butternut"),
    "Panier de légumes de saison": ("panier.jpg", "Un cageot de légumes de saison"),
    "Lait cru entier": ("lait.jpg", "Deux bouteilles de lait"),
    "Yaourts nature (lot de 4)": ("pots.jpg", "Des pots de yaourt blancs"),
    "Beurre doux de baratte": ("beurre.jpg", "Une plaquette de beurre"),
    "Tomme fermière": ("tomme.jpg", "Une tomme entamée"),
    "Crème crue": ("pots.jpg", "Des pots blancs de crème"),
    "Fromage blanc": ("pots.jpg", "Des pots blancs de fromage blanc"),
    "Pain de campagne au levain": ("pain.jpg", "Un pain de campagne rond et doré"),
    "Miche au petit épeautre": ("pain.jpg", "Une miche ronde et dorée"),
    "Baguette de tradition": ("baguette.jpg", "Une baguette"),
    "Pain aux graines": ("pain.jpg", "Un pain rond et doré"),
    "Brioche au beurre": ("brioche.jpg", "Une brioche à trois boules"),
    "Farine de blé T80": ("farine.jpg", "Un sac de farine marqué d'un épi de blé"),
    "Pommes Reinette des Flandres": ("pommes.jpg", "Trois pommes rouges"),
    "Poires Conférence": ("poires.jpg", "Deux poires vertes"),
    "Colis de pommes à cuire": ("pommes.jpg", "Trois pommes rouges"),
    "Jus de pomme": ("bouteilles.jpg", "Une bouteille ambrée et une bouteille verte"),
    "Cidre fermier brut": ("bouteilles.jpg", "Une bouteille ambrée et une bouteille verte"),
    "Compote de pommes": ("bocal.jpg", "Un bocal de compote"),
    "Poulet fermier entier": ("poulet.jpg", "Deux cuisses de poulet rôties"),
    "Cuisses de poulet": ("poulet.jpg", "Deux cuisses de poulet rôties"),
    "Filets de poulet": ("poulet.jpg", "Des morceaux de poulet rôtis"),
    "Œufs plein air (boîte de 6)": ("oeufs.jpg", "Une boîte de six œufs"),
    "Œufs plein air (douzaine)": ("oeufs.jpg", "Une boîte d'œufs"),
    "Rillettes de poulet": ("bocal.jpg", "Un bocal de rillettes"),
    "Miel de printemps": ("miel.jpg", "Deux pots de miel, clair et ambré"),
    "Miel d'été": ("miel.jpg", "Deux pots de miel, clair et ambré"),
    "Miel de forêt": ("miel.jpg", "Deux pots de miel, clair et ambré"),
    "Pain d'épices au miel": ("pain-d-epices.jpg", "Un pain d'épices"),
    "Bougie en cire d'abeille": ("bougie.jpg", "Une bougie en cire d'abeille allumée"),
}


def seed_photo(owner: Photographed, filename: str, alt: str) -> None:
    """Give ``owner`` a demo photo through the same service as an upload; nothing is done
    when it already has this one, described so, and its file is there."""
    data = (DEMO_PHOTOS_DIR / filename).read_bytes()
    name = owner.photo.name
    if (
        name
        and photos.digest_of(data) in name
        and owner.photo_alt == alt
        and photos.photo_storage().exists(name)
    ):
        return
    photos.update_photo(owner=owner, photo=photos.prepare(data), alt=alt)


def seed_catalogues(producer: Producer) -> None:
    """The farm's demo products, and published catalogues for this week and the next one
    (the demo farm's next week is created as a draft, for it to publish; its status is then
    left alone).

    Stock of existing offers is left alone (demo orders may have taken some of it).
    """
    now = timezone.now()
    products = []
    for name, category, unit, quantity, price, vat, organic, stock in DEMO_PRODUCTS.get(
        producer.slug, []
    ):
        product, _created = Product.objects.update_or_create(
            producer=producer,
            name=name,
            defaults={
                "category": category,
                "unit": unit,
                "quantity_per_unit": Decimal(quantity),
                "price_cents": price,
                "vat_rate": vat,
                "is_organic": organic,
                "sold_by_weight": name in SOLD_BY_WEIGHT,
                "is_active": True,
            },
        )
        products.append((product, stock))
        if name in PRODUCT_PHOTOS:
            seed_photo(product, *PRODUCT_PHOTOS[name])
    weeks = [current_week(), next_week()]
    if producer.slug == DRAFT_NEXT_WEEK_FARM and draft_week() not in weeks:
        weeks.append(draft_week())
    for week in weeks:
        if producer.slug == DRAFT_NEXT_WEEK_FARM and week == draft_week():
            catalogue, _created = Catalogue.objects.get_or_create(
                producer=producer, week=week, defaults={"status": Catalogue.Status.DRAFT}
            )
        else:
            catalogue, _created = Catalogue.objects.update_or_create(
                producer=producer,
                week=week,
                defaults={"status": Catalogue.Status.PUBLISHED},
                create_defaults={"status": Catalogue.Status.PUBLISHED, "published_at": now},
            )
        if catalogue.status == Catalogue.Status.PUBLISHED and catalogue.published_at is None:
            catalogue.published_at = now
            catalogue.save(update_fields=["published_at"])
        for product, stock in products:
            Offer.objects.update_or_create(
                catalogue=catalogue,
                product=product,
                defaults={"price_cents": product.price_cents},
                create_defaults={
                    "price_cents": product.price_cents,
                    "quantity": stock,
                    "remaining": stock,
                },
            )


def seed_producers(users) -> dict[str, Producer]:
    producers = {}
    for data in DEMO_PRODUCERS:
        fields = {k: v for k, v in data.items() if k != "slug"}
        producer, _created = Producer.objects.update_or_create(
            slug=data["slug"],
            defaults={**fields, "location_status": Producer.LocationStatus.LOCATED},
        )
        producers[producer.slug] = producer
        if producer.slug in FARM_PHOTOS:
            seed_photo(producer, *FARM_PHOTOS[producer.slug])
        seed_catalogues(producer)
    producers["jardins-de-la-deule"].members.add(users["producer"])
    return producers
