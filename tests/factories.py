import factory
from django.utils.text import slugify

from accounts.models import User
from gardens.models import Garden, Plot
from pickup.models import PickupPoint
from producers.models import Producer

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
