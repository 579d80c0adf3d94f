"""The farms' CSV files over HTTP (pages and API): formulas neutralised in the exports, the
exports imported back unchanged, control characters refused with the line and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.models import Offer, Product
from tests.csv_checks import HOSTILE, assert_downloadable, assert_no_formula, french_rows
from tests.factories import CatalogueFactory, OfferFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = [HOSTILE, "-Promo", "+1 kg offert", "@maison"]


@pytest.fixture
def farm(db):
    producer = ProducerFactory()
    producer.member = UserFactory()
    producer.members.add(producer.member)
    producer.catalogue = CatalogueFactory(producer=producer)
    for n, name in enumerate(NAMES):
        OfferFactory(
            catalogue=producer.catalogue,
            product__name=name,
            product__price_cents=250 + n,
            price_cents=310 + n,
            quantity=12 + n,
            taken=n,
        )
    return producer


def _urls(farm):
    slug, pk, producer_id = farm.slug, farm.catalogue.pk, farm.pk
    return {
        "products": (
            reverse("frontend:producer:products_export", kwargs={"slug": slug}),
            reverse("api:producers:product-csv", kwargs={"producer_id": producer_id}),
        ),
        "offers": (
            reverse("frontend:producer:offers_export", kwargs={"slug": slug, "catalogue_pk": pk}),
            reverse(
                "api:producers:offer-csv", kwargs={"producer_id": producer_id, "catalogue_id": pk}
            ),
        ),
    }


def _assert_products(response, farm):
    assert_downloadable(response, f"{farm.slug}-")
    rows = french_rows(response)
    assert rows[0][:5] == ["nom", "catégorie", "unité", "quantité par unité", "prix"]
    assert_no_formula(rows)
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"'" + name for name in NAMES}
    assert by_name["'" + HOSTILE][4] == "2,50"  # the price is left alone


def _assert_offers(response, farm):
    # The week in the file's name is its Monday, as farms read it (not an ISO week code).
    assert_downloadable(response, f"{farm.slug}-")
    assert f"-{farm.catalogue.week:%Y-%m-%d}-" in response["Content-Disposition"]
    rows = french_rows(response)
    assert_no_formula(rows)
    assert ["'" + HOSTILE, "3,10", "12"] in [row[:3] for row in rows]


def test_exports_from_the_pages(farm, client):
    client.force_login(farm.member)
    products, offers = _urls(farm)["products"][0], _urls(farm)["offers"][0]
    _assert_products(client.get(products), farm)
    _assert_offers(client.get(offers), farm)


def test_exports_from_the_api(farm, api_client):
    api_client.force_authenticate(farm.member)
    products, offers = _urls(farm)["products"][1], _urls(farm)["offers"][1]
    _assert_products(api_client.get(products), farm)
    _assert_offers(api_client.get(offers), farm)


def _upload(content: bytes, name: str = "f.csv"):
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def test_the_api_exports_go_back_in_unchanged(farm, api_client):
    api_client.force_authenticate(farm.member)
    products_before = list(Product.objects.order_by("pk").values())
    offers_before = list(Offer.objects.order_by("pk").values())
    for url in (_urls(farm)["products"][1], _urls(farm)["offers"][1]):
        exported = api_client.get(url).content
        response = api_client.post(url, _upload(exported), format="multipart")
        assert response.status_code == 200, response.content
        assert response.json() == {"created": 0, "updated": len(NAMES)}
    assert list(Product.objects.order_by("pk").values()) == products_before
    assert list(Offer.objects.order_by("pk").values()) == offers_before


def test_the_page_exports_go_back_in_unchanged(farm, client):
    client.force_login(farm.member)
    products_before = list(Product.objects.order_by("pk").values())
    offers_before = list(Offer.objects.order_by("pk").values())
    slug, pk = farm.slug, farm.catalogue.pk
    imports = [
        reverse("frontend:producer:products_import", kwargs={"slug": slug}),
        reverse("frontend:producer:offers_import", kwargs={"slug": slug, "catalogue_pk": pk}),
    ]
    exports = (_urls(farm)["products"][0], _urls(farm)["offers"][0])
    for export, page in zip(exports, imports, strict=True):
        response = client.post(page, _upload(client.get(export).content))
        assert response.status_code == 302
    assert list(Product.objects.order_by("pk").values()) == products_before
    assert list(Offer.objects.order_by("pk").values()) == offers_before


NUL_FILE = "name;category;unit;price\nNavets;légumes;kg;2,00\nx\0y;légumes;kg;3,00\n".encode()


def test_a_nul_byte_is_a_400_naming_line_and_column_in_the_api(farm, api_client):
    api_client.force_authenticate(farm.member)
    response = api_client.post(_urls(farm)["products"][1], _upload(NUL_FILE), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "csv_invalid"
    assert [(e["line"], e["column"]) for e in body["errors"]] == [(3, "name")]
    assert "U+0000" in body["errors"][0]["message"]
    assert not Product.objects.filter(name="Navets").exists()


def test_a_nul_byte_is_shown_on_the_import_page_in_french(farm, client):
    client.force_login(farm.member)
    page = reverse("frontend:producer:products_import", kwargs={"slug": farm.slug})
    response = client.post(page, _upload(NUL_FILE))
    assert response.status_code == 400
    assert [(e["line"], e["column"]) for e in response.context["errors"]] == [(3, "name")]
    html = response.content.decode()
    assert "caractère de contrôle invisible (U+0000)" in html
    assert not Product.objects.filter(name="Navets").exists()
