from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import translation

from common.errors import Invalid
from producers import services
from producers.errors import (
    CatalogueEmpty,
    CatalogueExists,
    NoPreviousCatalogue,
    OfferExists,
    OfferHasOrders,
    ProductHasOffers,
    ProductNameTaken,
    ProductUnavailable,
    StockBelowTaken,
    WeekInPast,
)
from producers.models import Catalogue, Offer, Producer
from producers.weeks import current_week, next_week
from tests.factories import (
    CatalogueFactory,
    OfferFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- Stock never below what orders took -------------------------------------------------------


def test_stock_can_be_lowered_down_to_what_is_taken_and_remaining_follows():
    offer = OfferFactory(quantity=10, taken=4)  # 4 sold, 6 left
    services.set_offer_stock(offer=offer, quantity=7)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining, offer.taken) == (7, 3, 4)
    services.set_offer_stock(offer=offer, quantity=4)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (4, 0)
    services.set_offer_stock(offer=offer, quantity=25)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (25, 21)


def test_stock_below_taken_is_refused_naming_the_product_and_the_quantity_taken():
    offer = OfferFactory(quantity=10, taken=7, product__name="Chicons de pleine terre")
    offer.catalogue.status = Catalogue.Status.PUBLISHED  # published catalogues stay editable
    offer.catalogue.save()
    with translation.override("en"), pytest.raises(StockBelowTaken) as caught:
        services.update_offer(offer=offer, quantity=6, price_cents=999)
    error = caught.value
    assert error.code == "stock_below_taken" and error.status == 409
    assert error.extra["product"] == "Chicons de pleine terre"
    assert error.extra["taken"] == 7
    assert "Chicons de pleine terre" in str(error.message) and "7" in str(error.message)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining, offer.price_cents) == (
        10,
        3,
        offer.product.price_cents,
    )


def test_a_sale_between_reading_and_writing_the_stock_is_counted(django_assert_num_queries):
    """The check and the write are one conditional UPDATE: a stale in-memory offer that still
    believes nothing was taken cannot push the stock below what a concurrent sale took."""
    offer = OfferFactory(quantity=10, taken=0)
    Offer.objects.filter(pk=offer.pk).update(remaining=2)  # someone bought 8 meanwhile
    assert offer.remaining == 10  # stale copy
    with pytest.raises(StockBelowTaken) as caught:
        services.set_offer_stock(offer=offer, quantity=5)
    assert caught.value.extra["taken"] == 8
    services.set_offer_stock(offer=offer, quantity=8)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (8, 0)


def test_the_database_refuses_remaining_above_stock():
    offer = OfferFactory(quantity=3, taken=0)
    with pytest.raises(IntegrityError):
        Offer.objects.filter(pk=offer.pk).update(remaining=4)


def test_an_offer_with_orders_cannot_be_deleted_one_without_can():
    taken = OfferFactory(quantity=5, taken=1)
    with pytest.raises(OfferHasOrders):
        services.delete_offer(offer=taken)
    untouched = OfferFactory(quantity=5)
    services.delete_offer(offer=untouched)
    assert not Offer.objects.filter(pk=untouched.pk).exists()


# --- Offers ---------------------------------------------------------------------------------


def test_an_offer_takes_the_product_price_unless_another_is_given():
    catalogue = CatalogueFactory()
    carrots = ProductFactory(producer=catalogue.producer, price_cents=220)
    leeks = ProductFactory(producer=catalogue.producer, price_cents=290)
    default = services.add_offer(catalogue=catalogue, product=carrots, quantity=12)
    special = services.add_offer(catalogue=catalogue, product=leeks, quantity=3, price_cents=250)
    assert (default.price_cents, default.quantity, default.remaining) == (220, 12, 12)
    assert special.price_cents == 250
    with pytest.raises(OfferExists):
        services.add_offer(catalogue=catalogue, product=carrots, quantity=1)


def test_only_the_farms_own_active_products_can_be_offered():
    catalogue = CatalogueFactory()
    with pytest.raises(ProductUnavailable):
        services.add_offer(catalogue=catalogue, product=ProductFactory(), quantity=1)
    retired = ProductFactory(producer=catalogue.producer, is_active=False)
    with pytest.raises(ProductUnavailable):
        services.add_offer(catalogue=catalogue, product=retired, quantity=1)


# --- Catalogues -----------------------------------------------------------------------------


def test_publish_needs_an_offer_then_publishes_once():
    catalogue = CatalogueFactory()
    with pytest.raises(CatalogueEmpty):
        services.publish_catalogue(catalogue=catalogue)
    OfferFactory(catalogue=catalogue)
    services.publish_catalogue(catalogue=catalogue)
    catalogue.refresh_from_db()
    assert catalogue.status == Catalogue.Status.PUBLISHED
    first_published_at = catalogue.published_at
    assert first_published_at is not None
    services.publish_catalogue(catalogue=catalogue)  # idempotent
    catalogue.refresh_from_db()
    assert catalogue.published_at == first_published_at


def test_one_catalogue_per_week_from_this_week_on():
    producer = ProducerFactory()
    wednesday = next_week() + timedelta(days=2)
    catalogue = services.create_catalogue(producer=producer, week=wednesday)
    assert catalogue.week == next_week()  # normalised to the Monday
    assert catalogue.status == Catalogue.Status.DRAFT
    with pytest.raises(CatalogueExists):
        services.create_catalogue(producer=producer, week=next_week())
    with pytest.raises(WeekInPast):
        services.create_catalogue(producer=producer, week=current_week() - timedelta(days=1))


def test_copy_last_week_prefills_the_new_week_with_full_stock():
    this_week = CatalogueFactory(status=Catalogue.Status.PUBLISHED)
    producer = this_week.producer
    OfferFactory(
        catalogue=this_week, product__name="Carottes", price_cents=210, quantity=40, taken=35
    )
    OfferFactory(catalogue=this_week, product__name="Mâche", quantity=12)
    OfferFactory(catalogue=this_week, product__name="Retirée", product__is_active=False)
    OfferFactory(
        catalogue=CatalogueFactory(producer=producer, week=current_week() - timedelta(weeks=1))
    )

    result = services.copy_last_week(producer=producer, week=next_week())

    assert result.source == this_week
    assert result.copied == 2
    target = result.catalogue
    assert (target.week, target.status) == (next_week(), Catalogue.Status.DRAFT)
    copied = {o.product.name: (o.price_cents, o.quantity, o.remaining) for o in target.offers.all()}
    assert copied == {"Carottes": (210, 40, 40), "Mâche": (300, 12, 12)}
    # Running it again copies nothing more and keeps edits.
    again = services.copy_last_week(producer=producer, week=next_week())
    assert again.copied == 0 and again.catalogue == target
    assert target.offers.count() == 2


def test_copy_last_week_without_an_earlier_catalogue_is_refused():
    producer = ProducerFactory()
    CatalogueFactory(producer=producer, week=next_week())
    with pytest.raises(NoPreviousCatalogue):
        services.copy_last_week(producer=producer, week=current_week())


# --- Products and producer ------------------------------------------------------------------


def test_product_names_are_unique_per_farm_whatever_their_case():
    product = ProductFactory(name="Poireaux")
    with pytest.raises(ProductNameTaken):
        services.create_product(
            producer=product.producer,
            name="poireaux ",
            category="vegetables",
            unit="bunch",
            price_cents=290,
        )
    other = services.create_product(
        producer=ProducerFactory(),
        name="Poireaux",
        category="vegetables",
        unit="bunch",
        price_cents=290,
    )
    assert other.quantity_per_unit == 1
    with pytest.raises(Invalid):
        services.update_product(product=other, quantity_per_unit=0)


def test_a_product_in_a_catalogue_is_deactivated_not_deleted():
    offer = OfferFactory()
    with pytest.raises(ProductHasOffers):
        services.delete_product(product=offer.product)
    services.update_product(product=offer.product, is_active=False)
    offer.product.refresh_from_db()
    assert offer.product.is_active is False
    unused = ProductFactory()
    services.delete_product(product=unused)


def test_a_new_address_is_located_after_commit(django_capture_on_commit_callbacks):
    producer = ProducerFactory(address="Ferme, 59136 Wavrin")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_producer(producer=producer, address="27 rue du Moulin, 59100 Roubaix")
    producer.refresh_from_db()
    assert producer.location_status == Producer.LocationStatus.PENDING
    assert producer.latitude is None
    assert len(callbacks) == 1
    callbacks[0]()
    producer.refresh_from_db()
    assert producer.location_status == Producer.LocationStatus.LOCATED
    with django_capture_on_commit_callbacks() as callbacks:
        services.update_producer(producer=producer, minimum_order_cents=3000)
    assert callbacks == []  # same address: no geocoding


# --- Farms --------------------------------------------------------------------------------------


def test_a_new_farm_is_pending_then_located_after_commit(django_capture_on_commit_callbacks):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        producer = services.create_producer(
            name="  Ferme du Moulin ",
            slug="ferme-du-moulin",
            address="27 rue du Moulin, 59100 Roubaix",
            members=[member],
        )
    assert (producer.name, producer.minimum_order_cents) == ("Ferme du Moulin", 0)
    assert producer.location_status == Producer.LocationStatus.PENDING
    assert list(producer.members.all()) == [member]
    assert len(callbacks) == 1
    callbacks[0]()
    producer.refresh_from_db()
    assert producer.location_status == Producer.LocationStatus.LOCATED


def test_a_farm_needs_a_name_an_address_and_a_minimum_of_zero_or_more():
    with pytest.raises(Invalid) as refused:
        services.create_producer(name=" ", slug="x", address="", minimum_order_cents=-1)
    assert sorted(refused.value.extra["errors"]) == ["address", "minimum_order_cents", "name"]
    assert not Producer.objects.exists()
    producer = ProducerFactory()
    with pytest.raises(Invalid) as refused:
        services.update_producer(producer=producer, name=" ", address=" ")
    assert sorted(refused.value.extra["errors"]) == ["address", "name"]


def test_operators_change_the_slug_the_members_and_whether_a_farm_is_active():
    producer, member = ProducerFactory(), UserFactory()
    services.update_producer(producer=producer, slug="nouveau", is_active=False, members=[member])
    producer.refresh_from_db()
    assert (producer.slug, producer.is_active) == ("nouveau", False)
    assert list(producer.members.all()) == [member]
