"""The producer dashboard pages call the same services as the API and show their refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.models import Catalogue, Offer, Product
from producers.weeks import iso_label, next_week
from tests.factories import (
    CatalogueFactory,
    OfferFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm(client):
    user = UserFactory()
    producer = ProducerFactory(name="Les Jardins de la Deûle")
    producer.members.add(user)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return producer


def page(name, **kwargs):
    return reverse(f"frontend:producer:{name}", kwargs=kwargs)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    producer = ProducerFactory()
    response = client.get(page("dashboard", slug=producer.slug))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_farms_pages_are_not_found(client, farm):
    other = OfferFactory()
    slug, cat = other.catalogue.producer.slug, other.catalogue_id
    assert client.get(page("dashboard", slug=slug)).status_code == 404
    assert client.get(page("product_edit", slug=slug, pk=other.product_id)).status_code == 404
    assert client.get(page("offers_export", slug=slug, catalogue_pk=cat)).status_code == 404
    assert client.post(page("catalogue_publish", slug=slug, pk=cat)).status_code == 404
    # Another farm's catalogue through my own farm's URL.
    assert client.post(page("catalogue_publish", slug=farm.slug, pk=cat)).status_code == 404
    other.catalogue.refresh_from_db()
    assert other.catalogue.status == Catalogue.Status.DRAFT


def test_a_single_farm_member_lands_on_the_dashboard_with_a_nav_link(client, farm):
    response = client.get(page("index"))
    assert response.status_code == 302
    assert response["Location"] == page("dashboard", slug=farm.slug)
    home = client.get(reverse("frontend:home")).content.decode()
    assert page("index") in home


def test_dashboard_queries_do_not_grow_with_offers(client, farm, django_assert_max_num_queries):
    catalogue = CatalogueFactory(producer=farm)
    for _ in range(15):
        OfferFactory(catalogue=catalogue, product__unit="g", product__quantity_per_unit=500)
    CatalogueFactory(producer=farm, week=next_week())
    with django_assert_max_num_queries(25):
        response = client.get(page("dashboard", slug=farm.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="offer-row"') == 15
    assert "€6.00 / kg" in html  # 500 g at 3,00 €
    assert 'data-status="draft"' in html


def test_publish_from_the_dashboard(client, farm):
    catalogue = OfferFactory(catalogue=CatalogueFactory(producer=farm)).catalogue
    response = client.post(page("catalogue_publish", slug=farm.slug, pk=catalogue.pk), follow=True)
    assert response.status_code == 200
    catalogue.refresh_from_db()
    assert catalogue.status == Catalogue.Status.PUBLISHED
    assert 'data-status="published"' in response.content.decode()


def test_stock_below_taken_is_shown_on_the_offer_form(client, farm):
    offer = OfferFactory(
        catalogue=CatalogueFactory(producer=farm, status="published"),
        product__name="Poulet fermier entier",
        quantity=20,
        taken=12,
    )
    prefix = f"offer-{offer.pk}"
    response = client.post(
        page("offer_edit", slug=farm.slug, catalogue_pk=offer.catalogue_id, pk=offer.pk),
        {f"{prefix}-price": "21,00", f"{prefix}-quantity": "5"},
    )
    assert response.status_code == 400
    assert "At least 12 (already taken by orders)." in response.content.decode()
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining, offer.price_cents) == (
        20,
        8,
        offer.product.price_cents,
    )

    response = client.post(
        page("offer_edit", slug=farm.slug, catalogue_pk=offer.catalogue_id, pk=offer.pk),
        {f"{prefix}-price": "19,50", f"{prefix}-quantity": "15"},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining, offer.price_cents) == (15, 3, 1950)


def test_add_an_offer_and_copy_last_week(client, farm):
    catalogue = CatalogueFactory(producer=farm)
    product = ProductFactory(producer=farm, price_cents=290)
    prefix = f"add-{catalogue.pk}"
    response = client.post(
        page("offer_add", slug=farm.slug, catalogue_pk=catalogue.pk),
        {f"{prefix}-product": product.pk, f"{prefix}-quantity": "30", f"{prefix}-price": ""},
    )
    assert response.status_code == 302
    assert Offer.objects.get().price_cents == 290
    response = client.post(
        page("catalogue_copy_last_week", slug=farm.slug), {"week": next_week().isoformat()}
    )
    assert response.status_code == 302
    copied = Catalogue.objects.get(producer=farm, week=next_week())
    assert copied.offers.get().quantity == 30
    assert response["Location"].endswith(f"#week-{iso_label(next_week())}")


def test_create_and_edit_a_product_with_a_french_price(client, farm):
    data = {
        "name": "Beurre doux",
        "category": "dairy",
        "unit": "g",
        "quantity_per_unit": "250",
        "price": "4,20",
        "vat_rate": "550",
        "is_active": "on",
    }
    assert client.post(page("product_create", slug=farm.slug), data).status_code == 302
    product = Product.objects.get()
    assert (product.price_cents, product.quantity_per_unit, product.is_active) == (420, 250, True)
    response = client.get(page("product_edit", slug=farm.slug, pk=product.pk))
    assert "€16.80 / kg" in response.content.decode()
    duplicate = client.post(page("product_create", slug=farm.slug), {**data, "name": "beurre DOUX"})
    assert duplicate.status_code == 200
    assert "You already have a product with this name." in duplicate.content.decode()


def test_csv_import_page_lists_every_bad_row_and_writes_nothing(client, farm):
    text = "nom;catégorie;unité;prix\nCarottes;légumes;botte;2,20\nNavets;?;botte;x\nRadis;légumes;;1\n"
    response = client.post(
        page("products_import", slug=farm.slug),
        {"file": SimpleUploadedFile("produits.csv", text.encode("utf-8-sig"))},
    )
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [
        (3, "category"),
        (3, "price"),
        (4, "unit"),
    ]
    assert not Product.objects.exists()
    first_row_only = "\n".join(text.splitlines()[:2]).encode()
    ok = client.post(
        page("products_import", slug=farm.slug),
        {"file": SimpleUploadedFile("produits.csv", first_row_only)},
    )
    assert ok.status_code == 302
    assert list(Product.objects.values_list("name", flat=True)) == ["Carottes"]
    export = client.get(page("products_export", slug=farm.slug))
    assert export.content.decode("utf-8").startswith("\ufeffname;category;")


def test_a_new_address_shows_position_pending_until_located(
    client, farm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            page("producer_edit", slug=farm.slug),
            {
                "name": farm.name,
                "description": "Maraîchage bio",
                "address": "12 chemin du Halage, 59136 Wavrin",
                "minimum_order": "40,00",
            },
        )
    assert response.status_code == 302
    farm.refresh_from_db()
    assert farm.minimum_order_cents == 4000
    assert len(callbacks) == 1  # geocoding queued after commit
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "position pending" in html
    callbacks[0]()
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "position pending" not in html


def test_the_add_offer_form_lists_only_the_products_that_can_be_added(client, farm):
    catalogue = CatalogueFactory(producer=farm)
    offered = OfferFactory(catalogue=catalogue, product__name="Ail").product
    ProductFactory(producer=farm, name="Betterave", is_active=False)
    carrot = ProductFactory(producer=farm, name="Carotte")
    dashboard = client.get(page("dashboard", slug=farm.slug))
    [block] = [b for b in dashboard.context["weeks"] if b["catalogue"] == catalogue]
    assert list(block["add_form"].fields["product"].choices) == [(carrot.pk, "Carotte")]

    prefix = f"add-{catalogue.pk}"
    response = client.post(
        page("offer_add", slug=farm.slug, catalogue_pk=catalogue.pk),
        {f"{prefix}-product": offered.pk, f"{prefix}-quantity": "5"},
    )
    assert response.status_code == 400
    assert catalogue.offers.count() == 1


def test_a_product_sold_by_weight_is_measured_in_kg_or_g(client, farm):
    client.cookies["django_language"] = "fr"
    data = {
        "name": "Tomme fermière",
        "category": "dairy",
        "unit": "piece",
        "quantity_per_unit": "1",
        "price": "9,50",
        "vat_rate": "550",
        "is_active": "on",
        "sold_by_weight": "on",
    }
    refused = client.post(page("product_create", slug=farm.slug), data)
    assert refused.status_code == 200
    assert "Un produit vendu au poids se mesure en kg ou en g." in refused.content.decode()
    assert not Product.objects.exists()
    form = client.get(page("product_create", slug=farm.slug)).content.decode()
    assert "Vendu au poids" in form
    weighed = client.post(
        page("product_create", slug=farm.slug), {**data, "unit": "g", "quantity_per_unit": "500"}
    )
    assert weighed.status_code == 302
    product = Product.objects.get()
    assert (product.sold_by_weight, product.estimated_weight_g) == (True, 500)
    edited = client.post(
        page("product_edit", slug=farm.slug, pk=product.pk), {**data, "unit": "kg"}
    )
    assert edited.status_code == 302
    product.refresh_from_db()
    assert (product.unit, product.sold_by_weight) == ("kg", True)
    client.post(
        page("product_edit", slug=farm.slug, pk=product.pk),
        {**data, "unit": "kg", "sold_by_weight": ""},
    )
    product.refresh_from_db()
    assert product.sold_by_weight is False


def test_the_farm_sets_its_margin_on_products_sold_by_weight_as_a_percentage(client, farm):
    client.cookies["django_language"] = "fr"
    data = {"name": farm.name, "address": farm.address, "minimum_order": "0"}
    form = client.get(page("producer_edit", slug=farm.slug)).content.decode()
    assert 'value="15"' in form and "Marge sur les produits vendus au poids (%)" in form
    assert (
        client.post(
            page("producer_edit", slug=farm.slug), {**data, "weight_margin": "12,5"}
        ).status_code
        == 302
    )
    farm.refresh_from_db()
    assert farm.weight_margin_bp == 1250
    too_much = client.post(page("producer_edit", slug=farm.slug), {**data, "weight_margin": "51"})
    assert too_much.status_code == 200
    farm.refresh_from_db()
    assert farm.weight_margin_bp == 1250
    assert client.post(page("producer_edit", slug=farm.slug), data).status_code == 302
    farm.refresh_from_db()
    assert farm.weight_margin_bp == 1250  # left empty: unchanged


# --- The farm's legal identity (for its invoices) -------------------------------------------


def _farm_data(farm, **legal):
    """The edit form as a browser sends it: every field, the legal ones blank unless given."""
    blank = {"legal_name": "", "siret": "", "vat_regime": "", "vat_number": ""}
    return {"name": farm.name, "address": farm.address, "minimum_order": "0", **blank, **legal}


def test_the_farm_saves_its_legal_identity_and_sees_it_on_the_dashboard(client, farm):
    client.cookies["django_language"] = "fr"
    form = client.get(page("producer_edit", slug=farm.slug)).content.decode()
    assert "<legend>Identité légale (pour vos factures)</legend>" in form
    assert "Raison sociale" in form and "Numéro de TVA intracommunautaire" in form
    response = client.post(
        page("producer_edit", slug=farm.slug),
        _farm_data(
            farm,
            legal_name="EARL des Jardins",
            siret="732 829 320 00074",
            vat_regime="liable",
            vat_number="fr 44 732829320",
        ),
    )
    assert response.status_code == 302
    farm.refresh_from_db()
    assert (farm.legal_name, farm.siret, farm.vat_regime, farm.vat_number) == (
        "EARL des Jardins",
        "73282932000074",
        "liable",
        "FR44732829320",
    )
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "Identité légale" in html
    assert "EARL des Jardins" in html and "732 829 320 00074" in html
    assert "Assujettie à la TVA" in html and "FR44732829320" in html
    assert "À compléter pour vos factures" not in html
    # The form shows the SIRET back as the farm reads it on its Kbis.
    form = client.get(page("producer_edit", slug=farm.slug)).content.decode()
    assert 'value="732 829 320 00074"' in form

    client.post(
        page("producer_edit", slug=farm.slug),
        _farm_data(farm, legal_name="EARL des Jardins", siret=farm.siret, vat_regime="franchise"),
    )
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "Franchise en base de TVA" in html
    assert "TVA non applicable, art. 293 B du CGI" in html


def test_an_invalid_siret_is_refused_in_french_and_nothing_is_saved(client, farm):
    client.cookies["django_language"] = "fr"
    before = (farm.name, farm.legal_name, farm.siret)
    response = client.post(
        page("producer_edit", slug=farm.slug),
        {
            **_farm_data(farm, legal_name="EARL des Jardins", siret="732 829 320 00075"),
            "name": "Un autre nom",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    message = "Saisissez un SIRET valable : 14 chiffres (espaces permises)"
    assert message in html
    assert response.context["form"].errors["siret"][0].startswith(message)
    # Shown next to the field, which keeps what was typed.
    assert html.index(message) < html.index('name="siret"') < html.index('name="vat_regime"')
    assert 'value="732 829 320 00075"' in html
    farm.refresh_from_db()
    assert (farm.name, farm.legal_name, farm.siret) == before

    liable = client.post(
        page("producer_edit", slug=farm.slug),
        _farm_data(farm, siret="73282932000074", vat_regime="liable"),
    )
    assert liable.status_code == 200
    assert "Une ferme assujettie à la TVA doit donner son numéro de TVA" in liable.content.decode()
    assert "vat_number" in liable.context["form"].errors
    farm.refresh_from_db()
    assert (farm.siret, farm.vat_regime) == ("", "")


def test_another_farms_legal_identity_is_not_found(client, farm):
    other = ProducerFactory(legal_name="GAEC Voisin", siret="73282932000074")
    url = page("producer_edit", slug=other.slug)
    assert client.get(url).status_code == 404
    assert client.post(url, _farm_data(other, legal_name="Pris")).status_code == 404
    other.refresh_from_db()
    assert (other.legal_name, other.siret) == ("GAEC Voisin", "73282932000074")


def test_the_dashboard_asks_for_a_missing_legal_identity(client, farm):
    client.cookies["django_language"] = "fr"
    edit = page("producer_edit", slug=farm.slug)
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "À compléter pour vos factures" in html
    assert f'href="{edit}#legal-identity"' in html
    # Half done: what is there is shown, and it is still to complete (no VAT regime).
    client.post(edit, _farm_data(farm, legal_name="EARL des Jardins", siret="73282932000074"))
    html = client.get(page("dashboard", slug=farm.slug)).content.decode()
    assert "732 829 320 00074" in html
    assert "À compléter pour vos factures" in html


def test_an_older_edit_form_without_the_legal_fields_leaves_them_unchanged(client, farm):
    farm.legal_name, farm.siret = "EARL des Jardins", "73282932000074"
    farm.save()
    data = {"name": farm.name, "address": farm.address, "minimum_order": "0"}
    assert client.post(page("producer_edit", slug=farm.slug), data).status_code == 302
    farm.refresh_from_db()
    assert (farm.legal_name, farm.siret) == ("EARL des Jardins", "73282932000074")
