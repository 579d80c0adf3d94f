"""On PostgreSQL, which refuses NUL in text: a NUL byte in an uploaded CSV is a bad row (400
with its line and column), never a DataError (500)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.models import Offer, Product
from tests.factories import CatalogueFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def farm(db):
    producer = ProducerFactory()
    producer.member = UserFactory()
    producer.members.add(producer.member)
    producer.catalogue = CatalogueFactory(producer=producer)
    ProductFactory(producer=producer, name="Navets")
    return producer


def _upload(text: str):
    return {"file": SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")}


PRODUCTS = [
    ("name;category;unit;price\nx\0y;légumes;kg;3,00\n", (2, "name")),
    ("name;category;unit;price;description\nPoireaux;légumes;kg;3,00;bot\0te\n", (2, "description")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "where"), PRODUCTS)
def test_products_api(farm, api_client, text, where):
    api_client.force_authenticate(farm.member)
    url = reverse("api:producers:product-csv", kwargs={"producer_id": farm.pk})
    response = api_client.post(url, _upload(text), format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "csv_invalid"
    assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [where]
    assert list(Product.objects.values_list("name", flat=True)) == ["Navets"]


@pytest.mark.parametrize(("text", "where"), PRODUCTS)
def test_products_page(farm, client, text, where):
    client.force_login(farm.member)
    url = reverse("frontend:producer:products_import", kwargs={"slug": farm.slug})
    response = client.post(url, _upload(text))
    assert response.status_code == 400
    assert [(e["line"], e["column"]) for e in response.context["errors"]] == [where]
    assert "U+0000" in response.content.decode()


def test_offers_api_and_page(farm, api_client, client):
    text = "product;stock\nNavets;3\nNav\0ets;4\n"
    api_client.force_authenticate(farm.member)
    url = reverse(
        "api:producers:offer-csv",
        kwargs={"producer_id": farm.pk, "catalogue_id": farm.catalogue.pk},
    )
    response = api_client.post(url, _upload(text), format="multipart")
    assert response.status_code == 400
    assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [(3, "product")]
    client.force_login(farm.member)
    page = reverse(
        "frontend:producer:offers_import",
        kwargs={"slug": farm.slug, "catalogue_pk": farm.catalogue.pk},
    )
    assert client.post(page, _upload(text)).status_code == 400
    assert not Offer.objects.exists()
