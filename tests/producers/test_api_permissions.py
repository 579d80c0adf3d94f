"""Who may do what on /api/v1/producers/: members act on their own farm only; anyone else
(another farm's member, a host, a household) gets 404 for every verb, lists included;
anonymous callers get 401 ``not_authenticated``."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.weeks import iso_label, next_week
from tests.factories import (
    CatalogueFactory,
    OfferFactory,
    PickupPointFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _farm(member):
    producer = ProducerFactory()
    producer.members.add(member)
    offer = OfferFactory(catalogue=CatalogueFactory(producer=producer), quantity=10)
    spare = ProductFactory(producer=producer, name="Produit sans offre")
    return {"producer": producer, "offer": offer, "spare": spare}


@pytest.fixture
def world():
    a_member, b_member, host, household = (UserFactory() for _ in range(4))
    PickupPointFactory().hosts.add(host)
    return {
        "users": {
            "member_a": a_member,
            "member_b": b_member,
            "host": host,
            "household": household,
            "anonymous": None,
        },
        "a": _farm(a_member),
        "b": _farm(b_member),
    }


def _ids(farm):
    offer = farm["offer"]
    return {
        "producer_id": farm["producer"].pk,
        "product_id": offer.product_id,
        "catalogue_id": offer.catalogue_id,
        "offer_id": offer.pk,
    }


def _csv(text):
    return {"file": SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")}


PRODUCT = {
    "name": "Navets boule d'or",
    "category": "vegetables",
    "unit": "bunch",
    "price_cents": 250,
    "vat_rate": 550,
}

# (method, url name, URL kwargs used, body (farm → data), success status)
ENDPOINTS = [
    ("get", "producer-detail", ["producer_id"], None, 200),
    ("put", "producer-detail", ["producer_id"],
     lambda f: {"name": "Ferme", "description": "", "address": "59000 Lille", "minimum_order_cents": 0}, 200),
    ("patch", "producer-detail", ["producer_id"], lambda f: {"minimum_order_cents": 4000}, 200),
    ("get", "product-list", ["producer_id"], None, 200),
    ("post", "product-list", ["producer_id"], lambda f: PRODUCT, 201),
    ("get", "product-detail", ["producer_id", "product_id"], None, 200),
    ("put", "product-detail", ["producer_id", "product_id"], lambda f: PRODUCT, 200),
    ("patch", "product-detail", ["producer_id", "product_id"], lambda f: {"price_cents": 1}, 200),
    ("delete", "product-detail", ["producer_id", "spare_id"], None, 204),
    ("get", "product-csv", ["producer_id"], None, 200),
    ("post", "product-csv", ["producer_id"],
     lambda f: _csv("name;category;unit;price\nNavets;légumes;botte;2,50\n"), 200),
    ("get", "catalogue-list", ["producer_id"], None, 200),
    ("post", "catalogue-list", ["producer_id"], lambda f: {"week": iso_label(next_week())}, 201),
    ("get", "catalogue-detail", ["producer_id", "catalogue_id"], None, 200),
    ("post", "catalogue-publish", ["producer_id", "catalogue_id"], None, 200),
    ("post", "catalogue-copy-last-week", ["producer_id"],
     lambda f: {"week": str(next_week())}, 200),
    ("get", "offer-list", ["producer_id", "catalogue_id"], None, 200),
    ("post", "offer-list", ["producer_id", "catalogue_id"],
     lambda f: {"product": f["spare"].pk, "quantity": 5}, 201),
    ("get", "offer-detail", ["producer_id", "catalogue_id", "offer_id"], None, 200),
    ("put", "offer-detail", ["producer_id", "catalogue_id", "offer_id"],
     lambda f: {"quantity": 12, "price_cents": 280}, 200),
    ("patch", "offer-detail", ["producer_id", "catalogue_id", "offer_id"],
     lambda f: {"quantity": 3}, 200),
    ("delete", "offer-detail", ["producer_id", "catalogue_id", "offer_id"], None, 204),
    ("get", "offer-csv", ["producer_id", "catalogue_id"], None, 200),
    ("post", "offer-csv", ["producer_id", "catalogue_id"],
     lambda f: _csv(f"product,price,stock\n{f['offer'].product.name},\"3,10\",8\n"), 200),
]  # fmt: skip

ACTORS = {"member_a": "ok", "member_b": 404, "host": 404, "household": 404, "anonymous": 401}


def _call(api_client, user, method, name, kwargs, body):
    if user is not None:
        api_client.force_authenticate(user=user)
    url = reverse(f"api:producers:{name}", kwargs=kwargs)
    multipart = isinstance(body, dict) and "file" in body
    return getattr(api_client, method)(url, body, format="multipart" if multipart else "json")


def _kwargs(farm, names, override=None):
    ids = {**_ids(farm), "spare_id": farm["spare"].pk, **(override or {})}
    return {("product_id" if n == "spare_id" else n): ids[n] for n in names}


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize(
    ("method", "name", "url_args", "body", "ok"),
    ENDPOINTS,
    ids=[f"{m}-{n}" for m, n, *_ in ENDPOINTS],
)
def test_only_members_reach_their_farm(api_client, world, actor, method, name, url_args, body, ok):
    farm = world["a"]
    response = _call(
        api_client,
        world["users"][actor],
        method,
        name,
        _kwargs(farm, url_args),
        body(farm) if body else None,
    )
    expected = ok if ACTORS[actor] == "ok" else ACTORS[actor]
    assert response.status_code == expected, response.content
    if expected == 401:
        assert response.json()["code"] == "not_authenticated"
    elif expected == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "name", "url_args", "body", "ok"),
    [e for e in ENDPOINTS if len(e[2]) > 1],
    ids=[f"{m}-{n}" for m, n, a, *_ in ENDPOINTS if len(a) > 1],
)
def test_another_farms_objects_under_my_farm_are_not_found(
    api_client, world, method, name, url_args, body, ok
):
    """Member A asks for B's product, catalogue or offer through A's own producer URL."""
    b_ids = {**_ids(world["b"]), "spare_id": world["b"]["spare"].pk}
    override = {n: b_ids[n] for n in url_args if n != "producer_id"}
    response = _call(
        api_client,
        world["users"]["member_a"],
        method,
        name,
        _kwargs(world["a"], url_args, override),
        body(world["a"]) if body else None,
    )
    assert response.status_code == 404, response.content


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("member_a", ["a"]), ("member_b", ["b"]), ("host", []), ("household", [])],
)
def test_producer_list_shows_only_my_farms(api_client, world, actor, sees):
    api_client.force_authenticate(user=world["users"][actor])
    response = api_client.get(reverse("api:producers:producer-list"))
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [world[k]["producer"].pk for k in sees]


def test_lists_are_scoped_to_the_farm(api_client, world):
    api_client.force_authenticate(user=world["users"]["member_a"])
    ids = _ids(world["a"])
    products = api_client.get(
        reverse("api:producers:product-list", kwargs={"producer_id": ids["producer_id"]})
    ).json()["results"]
    assert {p["producer"] for p in products} == {ids["producer_id"]}
    offers = api_client.get(
        reverse(
            "api:producers:offer-list",
            kwargs={"producer_id": ids["producer_id"], "catalogue_id": ids["catalogue_id"]},
        )
    ).json()["results"]
    assert [o["id"] for o in offers] == [ids["offer_id"]]


def test_offering_another_farms_product_is_invalid(api_client, world):
    api_client.force_authenticate(user=world["users"]["member_a"])
    ids = _ids(world["a"])
    response = api_client.post(
        reverse(
            "api:producers:offer-list",
            kwargs={"producer_id": ids["producer_id"], "catalogue_id": ids["catalogue_id"]},
        ),
        {"product": world["b"]["spare"].pk, "quantity": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["product"]
