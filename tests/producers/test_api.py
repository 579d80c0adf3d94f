"""The producers API's answers: shapes, field errors and domain refusals with their codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.models import Catalogue, Product
from producers.weeks import iso_label, next_week
from tests.factories import CatalogueFactory, OfferFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(api_client):
    user = UserFactory()
    producer = ProducerFactory()
    producer.members.add(user)
    api_client.force_authenticate(user=user)
    return producer


def url(name, **kwargs):
    return reverse(f"api:producers:{name}", kwargs=kwargs)


def test_create_product_ignores_owner_fields_and_shows_the_price_per_kg(api_client, member):
    other = ProducerFactory()
    response = api_client.post(
        url("product-list", producer_id=member.pk),
        {
            "name": "Beurre doux",
            "category": "dairy",
            "unit": "g",
            "quantity_per_unit": "250",
            "price_cents": 420,
            "producer": other.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["producer"] == member.pk
    assert body["reference_price"]["cents"] == 1680
    assert body["reference_price"]["per"] == "kg"
    assert Product.objects.get().producer == member


def test_bad_input_is_invalid_with_field_errors(api_client, member):
    response = api_client.post(
        url("product-list", producer_id=member.pk),
        {"name": "", "category": "spaceships", "unit": "kg", "price_cents": -1},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"name", "category", "price_cents"}


def test_stock_below_taken_is_a_409_naming_the_product(api_client, member):
    offer = OfferFactory(
        catalogue=CatalogueFactory(producer=member, status=Catalogue.Status.PUBLISHED),
        product__name="Poulet fermier entier",
        quantity=20,
        taken=12,
    )
    response = api_client.patch(
        url(
            "offer-detail",
            producer_id=member.pk,
            catalogue_id=offer.catalogue_id,
            offer_id=offer.pk,
        ),
        {"quantity": 10},
        format="json",
        HTTP_COOKIE="django_language=en",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stock_below_taken"
    assert body["product"] == "Poulet fermier entier"
    assert body["taken"] == 12
    assert "Poulet fermier entier" in body["message"]
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (20, 8)


def test_deleting_a_product_with_offers_is_a_409(api_client, member):
    offer = OfferFactory(catalogue=CatalogueFactory(producer=member))
    response = api_client.delete(
        url("product-detail", producer_id=member.pk, product_id=offer.product_id)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "product_has_offers"
    assert Product.objects.filter(pk=offer.product_id).exists()


def test_create_catalogue_publish_and_copy_last_week(api_client, member):
    this_week = OfferFactory(catalogue=CatalogueFactory(producer=member), quantity=7)
    created = api_client.post(
        url("catalogue-copy-last-week", producer_id=member.pk),
        {"week": iso_label(next_week())},
        format="json",
    )
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["copied"] == 1
    assert body["catalogue"]["status"] == "draft"
    assert body["catalogue"]["iso_week"] == iso_label(next_week())
    assert [o["quantity"] for o in body["catalogue"]["offers"]] == [7]

    published = api_client.post(
        url("catalogue-publish", producer_id=member.pk, catalogue_id=body["catalogue"]["id"])
    )
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"]

    again = api_client.post(
        url("catalogue-list", producer_id=member.pk), {"week": str(next_week())}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "catalogue_exists"
    bad_week = api_client.post(
        url("catalogue-list", producer_id=member.pk), {"week": "next tuesday"}, format="json"
    )
    assert bad_week.status_code == 400
    assert list(bad_week.json()["errors"]) == ["week"]
    assert this_week.catalogue.status == "draft"


def test_publishing_an_empty_catalogue_is_refused(api_client, member):
    catalogue = CatalogueFactory(producer=member)
    response = api_client.post(
        url("catalogue-publish", producer_id=member.pk, catalogue_id=catalogue.pk)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "catalogue_empty"


def test_csv_import_with_bad_rows_is_a_400_listing_them_and_writes_nothing(api_client, member):
    text = (
        "name;category;unit;price\n"
        "Carottes;légumes;botte;2,20\n"
        "Navets;légumes;botte;deux euros\n"
        "Radis;minéraux;botte;1,50\n"
    )
    response = api_client.post(
        url("product-csv", producer_id=member.pk),
        {"file": SimpleUploadedFile("p.csv", text.encode("utf-8-sig"))},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "csv_invalid"
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(3, "price"), (4, "category")]
    assert not Product.objects.exists()


def test_csv_export_is_excel_friendly(api_client, member):
    OfferFactory(
        catalogue=CatalogueFactory(producer=member),
        product__name="Cidre fermier brut",
        product__unit="cl",
        product__quantity_per_unit=75,
        price_cents=550,
        quantity=30,
        taken=4,
    )
    response = api_client.get(url("product-csv", producer_id=member.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffnom;catégorie;unité;quantité par unité;prix;taux de TVA;")
    assert "Cidre fermier brut;légumes;cl;75;3,00;5,5;non;;oui;" in text
    catalogue = member.catalogues.get()
    offers = api_client.get(
        url("offer-csv", producer_id=member.pk, catalogue_id=catalogue.pk)
    ).content.decode()
    assert offers.splitlines()[1] == "Cidre fermier brut;5,50;30;cl;75;4;26"


def test_the_producers_part_of_the_schema_generates_without_warnings():
    """The whole schema is checked in tests/test_project.py; this one fails on our warnings only."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    patterns = [path("api/v1/producers/", include("producers.api.urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    assert len(schema["paths"]) == 14  # with the farm's and the products' photo paths


def test_a_siret_and_vat_number_typed_with_spaces_are_stored_without(api_client, member):
    response = api_client.patch(
        url("producer-detail", producer_id=member.pk),
        {"siret": "732 829 320 00074", "vat_regime": "liable", "vat_number": "FR 44 732829320"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert (member.siret, member.vat_number) == ("73282932000074", "FR44732829320")
