from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from gardens.models import Garden, Plot, Reservation, Season, WaitlistEntry, WorkDay
from payments.models import ConnectedAccount
from pickup.models import Distribution, PickupPoint, Supplier
from pickup.schedule import week_of
from producers.models import Catalogue, Offer, Producer, Product
from producers.weeks import current_week

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


class LocatedFactory(factory.django.DjangoModelFactory):
    address = "1 place du Théâtre, 59000 Lille"
    latitude = 50.6366
    longitude = 3.0635
    location_status = "located"


class ProducerFactory(LocatedFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"Ferme n°{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PickupPointFactory(LocatedFactory):
    class Meta:
        model = PickupPoint

    name = factory.Sequence(lambda n: f"Point relais {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class GardenFactory(LocatedFactory):
    class Meta:
        model = Garden

    name = factory.Sequence(lambda n: f"Jardin {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plot

    garden = factory.SubFactory(GardenFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    area_m2 = 20


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Légume {n}")
    category = "vegetables"
    unit = "kg"
    quantity_per_unit = 1
    price_cents = 300


class CatalogueFactory(factory.django.DjangoModelFactory):
    """This ISO week's catalogue (draft) unless ``week`` is given."""

    class Meta:
        model = Catalogue

    producer = factory.SubFactory(ProducerFactory)
    week = factory.LazyFunction(current_week)


class OfferFactory(factory.django.DjangoModelFactory):
    """``taken`` (not a field) sets how much orders have already taken: remaining = quantity - taken."""

    class Meta:
        model = Offer

    class Params:
        taken = 0

    catalogue = factory.SubFactory(CatalogueFactory)
    product = factory.SubFactory(
        ProductFactory, producer=factory.SelfAttribute("..catalogue.producer")
    )
    price_cents = factory.LazyAttribute(lambda o: o.product.price_cents)
    quantity = 10
    remaining = factory.LazyAttribute(lambda o: o.quantity - o.taken)


class SupplierFactory(factory.django.DjangoModelFactory):
    """An approved farm at a pickup point (``status`` to change it)."""

    class Meta:
        model = Supplier

    producer = factory.SubFactory(ProducerFactory)
    pickup_point = factory.SubFactory(PickupPointFactory)
    status = "approved"
    distance_km = 12.5


class DistributionFactory(factory.django.DjangoModelFactory):
    """Open for orders by default: starts in 4 days, opened 2 days ago, closes in 2 days."""

    class Meta:
        model = Distribution

    class Params:
        days_ahead = 4

    pickup_point = factory.SubFactory(PickupPointFactory)
    starts_at = factory.LazyAttribute(
        lambda o: (timezone.now() + timedelta(days=o.days_ahead)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    opens_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=6))
    cutoff_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=48))
    week = factory.LazyAttribute(lambda o: week_of(o.starts_at))
    status = "open"


class SeasonFactory(factory.django.DjangoModelFactory):
    """Applications open today (for 30 days); the season runs for about a year."""

    class Meta:
        model = Season

    garden = factory.SubFactory(GardenFactory)
    name = factory.Sequence(lambda n: f"Saison {n}")
    applications_open_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    applications_close_on = factory.LazyAttribute(
        lambda o: o.applications_open_on + timedelta(days=30)
    )
    starts_on = factory.LazyAttribute(lambda o: o.applications_open_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=330))
    fee_cents = 2000


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    season = factory.SubFactory(SeasonFactory)
    plot = factory.SubFactory(PlotFactory, garden=factory.SelfAttribute("..season.garden"))
    gardener = factory.SubFactory(UserFactory)
    status = "reserved"


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    season = factory.SubFactory(SeasonFactory)
    gardener = factory.SubFactory(UserFactory)


class WorkDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkDay

    season = factory.SubFactory(SeasonFactory)
    garden = factory.SelfAttribute("season.garden")
    title = factory.Sequence(lambda n: f"Journée collective {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    hours = 3
    capacity = 2


def chargeable(owner, *, active=True) -> ConnectedAccount:
    """The farm (or point) has finished Stripe's onboarding: its Express account can take
    charges and receive transfers (an AMAP farm's seasons open for subscription)."""
    kind = "producer" if isinstance(owner, Producer) else "pickup_point"
    account, _created = ConnectedAccount.objects.update_or_create(
        owner_kind=kind,
        owner_id=owner.pk,
        defaults={
            "account_id": f"acct_test_{kind}_{owner.pk}",
            "charges_enabled": active,
            "payouts_enabled": active,
            "details_submitted": active,
        },
    )
    return account
