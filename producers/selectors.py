"""Reads shared by pages and API. Every query is scoped to what the member may see.

A member of producer A asking for anything of producer B gets a 404: the producer is looked up
among the user's own producers, and everything else is looked up under that producer.
"""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from producers.models import Catalogue, Offer, Producer, Product


def producers_of_member(*, user: User) -> QuerySet[Producer]:
    """The producers ``user`` manages (none for anonymous users)."""
    if not user.is_authenticated:
        return Producer.objects.none()
    return Producer.objects.filter(members=user)


def producer_for_member(*, user: User, producer_id: int | None = None, slug: str = "") -> Producer:
    """One of ``user``'s producers by id or slug, else Http404."""
    lookup = {"pk": producer_id} if producer_id is not None else {"slug": slug}
    return get_object_or_404(producers_of_member(user=user), **lookup)


def products_of(*, producer: Producer) -> QuerySet[Product]:
    return producer.products.annotate(offer_count=Count("offers")).order_by("name")


def product_of(*, producer: Producer, product_id: int) -> Product:
    return get_object_or_404(Product.objects.filter(producer=producer), pk=product_id)


def products_to_offer(*, catalogue: Catalogue) -> QuerySet[Product]:
    """The farm's products that can still be added to ``catalogue``, by name: active ones not
    offered in it yet (a product appears once per catalogue, see ``services.add_offer``)."""
    return (
        Product.objects.filter(producer_id=catalogue.producer_id, is_active=True)
        .exclude(offers__catalogue=catalogue)
        .order_by("name")
    )


def offers_query() -> QuerySet[Offer]:
    return Offer.objects.select_related("product").order_by("product__name", "pk")


def catalogues_of(*, producer: Producer) -> QuerySet[Catalogue]:
    """Newest week first, offers and their products prefetched."""
    return (
        producer.catalogues.select_related("producer")
        .prefetch_related(Prefetch("offers", queryset=offers_query()))
        .order_by("-week")
    )


def catalogue_of(*, producer: Producer, catalogue_id: int) -> Catalogue:
    return get_object_or_404(catalogues_of(producer=producer), pk=catalogue_id)


def offers_of(*, catalogue: Catalogue) -> QuerySet[Offer]:
    return offers_query().filter(catalogue=catalogue)


def offer_of(*, catalogue: Catalogue, offer_id: int) -> Offer:
    return get_object_or_404(offers_of(catalogue=catalogue), pk=offer_id)
