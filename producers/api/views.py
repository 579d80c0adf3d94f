"""Producer members' API: their farms, products, weekly catalogues, offers and CSV files.

Every view looks the producer up among the request user's producers, then everything else
under that producer, so another farm's objects answer 404 for every verb (lists included).
Views parse, call a service, shape the answer.
"""

from dataclasses import replace

from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from common.api import validated
from common.csv import csv_response
from common.errors import Invalid
from producers import csv_io, photos, selectors, services
from producers.api.serializers import (
    PhotoUploadIn,
    ProducerCatalogueIn,
    ProducerCatalogueOut,
    ProducerCopyLastWeekOut,
    ProducerCsvImportOut,
    ProducerCsvUploadIn,
    ProducerOfferIn,
    ProducerOfferOut,
    ProducerOfferUpdateIn,
    ProducerOut,
    ProducerProductIn,
    ProducerProductOut,
    ProducerUpdateIn,
)


def _refusal(*codes: str) -> OpenApiResponse:
    return OpenApiResponse(description="Refused: " + ", ".join(f"`{c}`" for c in codes))


_LEGAL_REFUSALS = (
    "invalid",
    "invalid_siret",
    "invalid_vat_number",
    "vat_number_required",
    "vat_number_siren_mismatch",
)


class _Api(generics.GenericAPIView):
    filter_backends: list = []

    @property
    def producer(self):
        if not hasattr(self, "_producer"):
            self._producer = selectors.producer_for_member(
                user=self.request.user, producer_id=self.kwargs["producer_id"]
            )
        return self._producer


# --- Producers ------------------------------------------------------------------------------


class ProducerListApi(mixins.ListModelMixin, _Api):
    """The farms the user manages."""

    serializer_class = ProducerOut

    def get_queryset(self):
        return selectors.producers_of_member(user=self.request.user)

    def get(self, request):
        return self.list(request)


class ProducerDetailApi(_Api):
    """One of the user's farms and its settings (minimum order, margin on products sold by
    weight). A new address is geocoded later (``location_status`` pending)."""

    serializer_class = ProducerOut

    def get(self, request, producer_id: int):
        return Response(ProducerOut(self.producer, context=self.get_serializer_context()).data)

    @extend_schema(
        request=ProducerUpdateIn,
        responses={
            200: ProducerOut,
            400: _refusal(*_LEGAL_REFUSALS),
        },
    )
    def put(self, request, producer_id: int):
        data = validated(ProducerUpdateIn, request.data)
        return Response(
            ProducerOut(
                services.update_producer(producer=self.producer, **data),
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(
        request=ProducerUpdateIn,
        responses={
            200: ProducerOut,
            400: _refusal(*_LEGAL_REFUSALS),
        },
    )
    def patch(self, request, producer_id: int):
        data = validated(ProducerUpdateIn, request.data, partial=True)
        return Response(
            ProducerOut(
                services.update_producer(producer=self.producer, **data),
                context=self.get_serializer_context(),
            ).data
        )


# --- Products -------------------------------------------------------------------------------


class ProductListApi(mixins.ListModelMixin, _Api):
    """The farm's products, each with its price per kg or per litre where that applies."""

    serializer_class = ProducerProductOut

    def get_queryset(self):
        return selectors.products_of(producer=self.producer)

    def get(self, request, producer_id: int):
        return self.list(request)

    @extend_schema(
        request=ProducerProductIn,
        responses={
            201: ProducerProductOut,
            400: _refusal("invalid", "weighed_in_kg_or_g"),
            409: _refusal("product_name_taken"),
        },
    )
    def post(self, request, producer_id: int):
        data = validated(ProducerProductIn, request.data)
        product = services.create_product(producer=self.producer, **data)
        return Response(
            ProducerProductOut(product, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ProductDetailApi(_Api):
    serializer_class = ProducerProductOut

    def get_object(self):
        return selectors.product_of(producer=self.producer, product_id=self.kwargs["product_id"])

    def get(self, request, producer_id: int, product_id: int):
        return Response(
            ProducerProductOut(self.get_object(), context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=ProducerProductIn,
        responses={
            200: ProducerProductOut,
            400: _refusal("invalid", "weighed_in_kg_or_g"),
            409: _refusal("product_name_taken"),
        },
    )
    def put(self, request, producer_id: int, product_id: int):
        return self._update(request, partial=False)

    @extend_schema(
        request=ProducerProductIn,
        responses={
            200: ProducerProductOut,
            400: _refusal("invalid", "weighed_in_kg_or_g"),
            409: _refusal("product_name_taken"),
        },
    )
    def patch(self, request, producer_id: int, product_id: int):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = validated(ProducerProductIn, request.data, partial=partial)
        product = services.update_product(product=self.get_object(), **data)
        return Response(ProducerProductOut(product, context=self.get_serializer_context()).data)

    @extend_schema(
        responses={
            204: None,
            409: _refusal("product_has_offers (deactivate it with is_active=false instead)"),
        }
    )
    def delete(self, request, producer_id: int, product_id: int):
        services.delete_product(product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Catalogues -----------------------------------------------------------------------------


class CatalogueListApi(mixins.ListModelMixin, _Api):
    """The farm's weekly catalogues, newest week first, with their offers."""

    serializer_class = ProducerCatalogueOut

    def get_queryset(self):
        return selectors.catalogues_of(producer=self.producer)

    def get(self, request, producer_id: int):
        return self.list(request)

    @extend_schema(
        request=ProducerCatalogueIn,
        responses={
            201: ProducerCatalogueOut,
            400: _refusal("invalid", "week_in_past"),
            409: _refusal("catalogue_exists"),
        },
    )
    def post(self, request, producer_id: int):
        data = validated(ProducerCatalogueIn, request.data)
        catalogue = services.create_catalogue(producer=self.producer, week=data["week"])
        return Response(ProducerCatalogueOut(catalogue).data, status=status.HTTP_201_CREATED)


class _CatalogueApi(_Api):
    @property
    def catalogue(self):
        if not hasattr(self, "_catalogue"):
            self._catalogue = selectors.catalogue_of(
                producer=self.producer, catalogue_id=self.kwargs["catalogue_id"]
            )
        return self._catalogue


class CatalogueDetailApi(_CatalogueApi):
    serializer_class = ProducerCatalogueOut

    def get(self, request, producer_id: int, catalogue_id: int):
        return Response(ProducerCatalogueOut(self.catalogue).data)


class CataloguePublishApi(_CatalogueApi):
    """Publish a draft catalogue (idempotent); households can then order from it."""

    serializer_class = ProducerCatalogueOut

    @extend_schema(
        request=None, responses={200: ProducerCatalogueOut, 409: _refusal("catalogue_empty")}
    )
    def post(self, request, producer_id: int, catalogue_id: int):
        catalogue = services.publish_catalogue(catalogue=self.catalogue)
        return Response(ProducerCatalogueOut(catalogue).data)


class CopyLastWeekApi(_Api):
    """Pre-fill a week's catalogue (created as a draft if needed) from the latest earlier one."""

    serializer_class = ProducerCopyLastWeekOut

    @extend_schema(
        request=ProducerCatalogueIn,
        responses={
            200: ProducerCopyLastWeekOut,
            400: _refusal("invalid", "week_in_past"),
            409: _refusal("no_previous_catalogue"),
        },
    )
    def post(self, request, producer_id: int):
        data = validated(ProducerCatalogueIn, request.data)
        result = services.copy_last_week(producer=self.producer, week=data["week"])
        # Read back with offers and products prefetched for the answer.
        catalogue = selectors.catalogue_of(producer=self.producer, catalogue_id=result.catalogue.pk)
        return Response(ProducerCopyLastWeekOut(replace(result, catalogue=catalogue)).data)


# --- Offers ---------------------------------------------------------------------------------


class OfferListApi(mixins.ListModelMixin, _CatalogueApi):
    """A catalogue's offers; a new offer's price defaults to its product's."""

    serializer_class = ProducerOfferOut

    def get_queryset(self):
        return selectors.offers_of(catalogue=self.catalogue)

    def get(self, request, producer_id: int, catalogue_id: int):
        return self.list(request)

    @extend_schema(
        request=ProducerOfferIn,
        responses={
            201: ProducerOfferOut,
            400: _refusal("invalid", "product_unavailable"),
            409: _refusal("offer_exists"),
        },
    )
    def post(self, request, producer_id: int, catalogue_id: int):
        data = validated(ProducerOfferIn, request.data)
        product = self.producer.products.filter(pk=data.pop("product")).first()
        if product is None:
            raise Invalid(errors={"product": [_("Unknown product.")]})
        offer = services.add_offer(catalogue=self.catalogue, product=product, **data)
        return Response(ProducerOfferOut(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailApi(_CatalogueApi):
    serializer_class = ProducerOfferOut

    def get_object(self):
        return selectors.offer_of(catalogue=self.catalogue, offer_id=self.kwargs["offer_id"])

    def get(self, request, producer_id: int, catalogue_id: int, offer_id: int):
        return Response(ProducerOfferOut(self.get_object()).data)

    @extend_schema(
        request=ProducerOfferUpdateIn,
        responses={200: ProducerOfferOut, 409: _refusal("stock_below_taken")},
    )
    def put(self, request, producer_id: int, catalogue_id: int, offer_id: int):
        return self._update(request, partial=False)

    @extend_schema(
        request=ProducerOfferUpdateIn,
        responses={200: ProducerOfferOut, 409: _refusal("stock_below_taken")},
    )
    def patch(self, request, producer_id: int, catalogue_id: int, offer_id: int):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        data = validated(ProducerOfferUpdateIn, request.data, partial=partial)
        offer = services.update_offer(offer=self.get_object(), **data)
        return Response(ProducerOfferOut(offer).data)

    @extend_schema(responses={204: None, 409: _refusal("offer_has_orders")})
    def delete(self, request, producer_id: int, catalogue_id: int, offer_id: int):
        services.delete_offer(offer=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- CSV ------------------------------------------------------------------------------------


def _uploaded(request) -> bytes:
    upload = validated(ProducerCsvUploadIn, request.data)["file"]
    if upload.size > csv_io.MAX_BYTES:
        raise Invalid(errors={"file": [str(csv_io.TOO_LARGE)]})
    return upload.read()


class ProductCsvApi(_Api):
    """Products as CSV (GET) and import (POST, all or nothing: 400 ``csv_invalid`` lists every
    bad row with its line, column and reason, and nothing is written)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ProducerCsvImportOut

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, producer_id: int):
        text = csv_io.products_csv(selectors.products_of(producer=self.producer))
        return csv_response(text, f"{slugify(self.producer.slug)}-products.csv")

    @extend_schema(
        request={"multipart/form-data": ProducerCsvUploadIn},
        responses={200: ProducerCsvImportOut, 400: _refusal("csv_invalid", "invalid")},
    )
    def post(self, request, producer_id: int):
        result = services.import_products_csv(producer=self.producer, data=_uploaded(request))
        return Response(ProducerCsvImportOut(result).data)


class OfferCsvApi(_CatalogueApi):
    """A catalogue's offers as CSV (GET) and import (POST, all or nothing, like products)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ProducerCsvImportOut

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, producer_id: int, catalogue_id: int):
        text = csv_io.offers_csv(selectors.offers_of(catalogue=self.catalogue))
        name = f"{self.producer.slug}-week-{self.catalogue.week:%Y-%m-%d}-offers.csv"
        return csv_response(text, name)

    @extend_schema(
        request={"multipart/form-data": ProducerCsvUploadIn},
        responses={200: ProducerCsvImportOut, 400: _refusal("csv_invalid", "invalid")},
    )
    def post(self, request, producer_id: int, catalogue_id: int):
        result = services.import_offers_csv(catalogue=self.catalogue, data=_uploaded(request))
        return Response(ProducerCsvImportOut(result).data)


# --- Photos ---------------------------------------------------------------------------------

_PHOTO_REFUSALS = (
    "invalid",
    "photo_type",
    "photo_unreadable",
    "photo_too_large",
    "photo_too_small",
    "photo_too_many_pixels",
)


class _PhotoApi(_Api):
    """PUT a new photo (multipart: ``file``, ``alt``), DELETE it; the answer is the owner."""

    parser_classes = [MultiPartParser, FormParser]

    def owner(self):
        raise NotImplementedError

    def answer(self, owner) -> Response:
        return Response(self.serializer_class(owner, context=self.get_serializer_context()).data)

    def put(self, request, **kwargs):
        owner = self.owner()  # another farm's (or none): 404 before the body is read
        data = validated(PhotoUploadIn, request.data)
        photo = photos.prepare(data["file"])
        return self.answer(photos.update_photo(owner=owner, photo=photo, alt=data["alt"]))

    def delete(self, request, **kwargs):
        return self.answer(photos.update_photo(owner=self.owner(), remove=True))


class ProducerPhotoApi(_PhotoApi):
    """The farm's photo (docs/photos.md)."""

    serializer_class = ProducerOut

    def owner(self):
        return self.producer

    @extend_schema(
        request={"multipart/form-data": PhotoUploadIn},
        responses={200: ProducerOut, 400: _refusal(*_PHOTO_REFUSALS)},
    )
    def put(self, request, producer_id: int):
        return super().put(request)

    @extend_schema(request=None, responses={200: ProducerOut})
    def delete(self, request, producer_id: int):
        return super().delete(request)


class ProductPhotoApi(_PhotoApi):
    """A product's photo (docs/photos.md)."""

    serializer_class = ProducerProductOut

    def owner(self):
        return selectors.product_of(producer=self.producer, product_id=self.kwargs["product_id"])

    @extend_schema(
        request={"multipart/form-data": PhotoUploadIn},
        responses={200: ProducerProductOut, 400: _refusal(*_PHOTO_REFUSALS)},
    )
    def put(self, request, producer_id: int, product_id: int):
        return super().put(request)

    @extend_schema(request=None, responses={200: ProducerProductOut})
    def delete(self, request, producer_id: int, product_id: int):
        return super().delete(request)
