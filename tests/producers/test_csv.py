"""CSV import is all or nothing and reports every bad row; export reads back unchanged."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from producers import csv_io, selectors, services
from producers.errors import CsvInvalid
from producers.models import Offer, Product
from tests.csv_checks import HOSTILE, HOSTILE_NAMES, assert_no_formula
from tests.factories import CatalogueFactory, OfferFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def import_products(producer, text, encoding="utf-8"):
    return services.import_products_csv(producer=producer, data=text.encode(encoding))


def test_three_bad_rows_write_nothing_and_are_all_reported():
    producer = ProducerFactory()
    kept = ProductFactory(producer=producer, name="Mâche", price_cents=240)
    text = (
        "name;category;unit;quantity_per_unit;price;vat_rate\n"
        "Carottes;légumes;botte;1;2,20;5,5\n"  # good
        "Navets;légumes;botte;1;deux euros;5,5\n"  # line 3: price
        "Mâche;légumes;g;150;2,60;5,5\n"  # good (updates)
        "Radis;légumes;botte;1;1,50;7\n"  # line 5: VAT
        "Chou kale;légumes;citrouille;1;3,00;5,5\n"  # line 6: unit
    )
    with translation.override("en"), pytest.raises(CsvInvalid) as caught:
        import_products(producer, text)
    errors = caught.value.extra["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [
        (3, "price"),
        (5, "vat_rate"),
        (6, "unit"),
    ]
    assert all(e["message"] for e in errors)
    assert "citrouille" in errors[2]["message"]
    assert list(Product.objects.values_list("name", flat=True)) == ["Mâche"]
    kept.refresh_from_db()
    assert kept.price_cents == 240  # the good "Mâche" row was rolled back too


@pytest.mark.parametrize(
    ("encoding", "separator", "price", "vat"),
    [
        ("utf-8", ";", "3,50", "5,5"),
        ("utf-8-sig", ";", "3,50", "5,5 %"),
        ("utf-8-sig", ",", '"3,50"', '"5,5"'),
        ("utf-8", ",", "3.50", "5.5"),
        ("utf-8", ";", "3,50 €", "5.5"),
    ],
)
def test_excel_and_hand_written_files_are_read(encoding, separator, price, vat):
    producer = ProducerFactory()
    header = separator.join(
        ["Nom", "Catégorie", "Unité", "Quantité par unité", "Prix", "TVA", "Bio"]
    )
    row = separator.join(["Œufs plein air", "œufs", "boîte", "1", price, vat, "oui"])
    result = import_products(producer, f"{header}\r\n{row}\r\n", encoding)
    assert (result.created, result.updated) == (1, 0)
    product = Product.objects.get()
    assert (product.name, product.category, product.unit) == ("Œufs plein air", "eggs", "box")
    assert (product.price_cents, product.vat_rate, product.is_organic) == (350, 550, True)


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    producer = ProducerFactory()
    data = "name;category;unit;price\nPâté;other;jar;4,00\n".encode("cp1252")
    with pytest.raises(CsvInvalid) as caught:
        services.import_products_csv(producer=producer, data=data)
    assert [e["line"] for e in caught.value.extra["errors"]] == [2]
    assert not Product.objects.exists()


def test_missing_columns_and_duplicates_are_reported():
    producer = ProducerFactory()
    with pytest.raises(CsvInvalid) as caught:
        import_products(producer, "name;price\nCarottes;2\n")
    assert {(e["line"], e["column"]) for e in caught.value.extra["errors"]} == {
        (1, "category"),
        (1, "unit"),
    }
    with pytest.raises(CsvInvalid) as caught:
        import_products(
            producer, "name,category,unit,price\nCarottes,fruit,kg,1\n\ncarottes,fruit,kg,2\n"
        )
    assert [(e["line"], e["column"]) for e in caught.value.extra["errors"]] == [(4, "name")]


def test_products_export_reads_back_unchanged():
    producer = ProducerFactory()
    ProductFactory(
        producer=producer,
        name="Cidre; brut",
        unit="cl",
        quantity_per_unit=Decimal("75"),
        price_cents=550,
        vat_rate=2000,
        description='Bulles "fines"\nsur deux lignes',
    )
    ProductFactory(producer=producer, name="Mâche", unit="g", quantity_per_unit=Decimal("0.5"),
                   price_cents=5, is_organic=True, is_active=False)  # fmt: skip
    before = list(Product.objects.order_by("name").values())
    text = csv_io.products_csv(selectors.products_of(producer=producer))
    result = services.import_products_csv(producer=producer, data=text.encode("utf-8"))
    assert (result.created, result.updated) == (0, 2)
    assert list(Product.objects.order_by("name").values()) == before


def test_offers_import_adds_and_updates_but_never_below_taken():
    catalogue = CatalogueFactory()
    producer = catalogue.producer
    sold = OfferFactory(catalogue=catalogue, product__name="Poulet", quantity=10, taken=6)
    ProductFactory(producer=producer, name="Œufs", price_cents=290)
    ok = "product;price;stock\nPoulet;21,00;12\nŒufs;;30\n"
    result = services.import_offers_csv(catalogue=catalogue, data=ok.encode())
    assert (result.created, result.updated) == (1, 1)
    sold.refresh_from_db()
    assert (sold.price_cents, sold.quantity, sold.remaining) == (2100, 12, 6)
    eggs = Offer.objects.get(product__name="Œufs")
    assert (eggs.price_cents, eggs.quantity, eggs.remaining) == (290, 30, 30)

    bad = "product;price;stock\nŒufs;;40\nPoulet;;5\nNavets;1,00;3\nŒufs;;-2\n"
    with translation.override("en"), pytest.raises(CsvInvalid) as caught:
        services.import_offers_csv(catalogue=catalogue, data=bad.encode())
    errors = caught.value.extra["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [
        (3, "stock"),  # below the 6 already taken
        (4, "product"),  # unknown product
        (5, "product"),  # duplicate
        (5, "stock"),  # not a whole number >= 0
    ]
    assert "Poulet" in errors[0]["message"] and "6" in errors[0]["message"]
    eggs.refresh_from_db()
    assert eggs.quantity == 30  # line 2 was good but nothing is written


# --- Formulas: neutralised on export, given back on import ----------------------------------


def test_hostile_names_are_exported_as_text_and_read_back_unchanged():
    producer = ProducerFactory()
    for n, name in enumerate(HOSTILE_NAMES):
        ProductFactory(
            producer=producer,
            name=name.strip(),
            price_cents=250 + n,
            quantity_per_unit=Decimal("0.5"),
            description="-moins de sucre" if n == 0 else "",
        )
    before = list(Product.objects.order_by("name").values())
    text = csv_io.products_csv(selectors.products_of(producer=producer))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert_no_formula(rows)
    hostile = next(row for row in rows if row[0] == "'" + HOSTILE)
    assert hostile[:5] == ["'" + HOSTILE, "légumes", "kg", "0,5", "2,50"]  # French values
    result = services.import_products_csv(producer=producer, data=text.encode("utf-8"))
    assert (result.created, result.updated) == (0, len(HOSTILE_NAMES))
    assert list(Product.objects.order_by("name").values()) == before


def test_hostile_offer_names_read_back_unchanged_with_their_price_and_stock():
    catalogue = CatalogueFactory()
    for n, name in enumerate(HOSTILE_NAMES):
        OfferFactory(
            catalogue=catalogue, product__name=name.strip(), price_cents=350 + n, quantity=20 + n
        )
    before = list(Offer.objects.order_by("pk").values())
    text = csv_io.offers_csv(selectors.offers_of(catalogue=catalogue))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert_no_formula(rows)
    assert ["'" + HOSTILE, "3,50", "20"] in [row[:3] for row in rows]
    result = services.import_offers_csv(catalogue=catalogue, data=text.encode("utf-8"))
    assert (result.created, result.updated) == (0, len(HOSTILE_NAMES))
    assert list(Offer.objects.order_by("pk").values()) == before


def test_a_new_product_typed_with_the_protective_quote_is_named_without_it():
    producer = ProducerFactory()
    text = "name;category;unit;price\n'=Tomates;légumes;kg;'-0\n"
    with translation.override("en"), pytest.raises(CsvInvalid) as caught:
        import_products(producer, text)
    assert [(e["line"], e["column"]) for e in caught.value.extra["errors"]] == [(2, "price")]
    import_products(producer, "name;category;unit;price\n'=Tomates;légumes;kg;3\n")
    assert Product.objects.get().name == "=Tomates"


# --- Control characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "char"),
    [
        ("x\0y;légumes;kg;2,00;", "name", "U+0000"),
        ("Navets;légumes;kg;2,00;bip\x07", "description", "U+0007"),
        ("Navets;lég\x1bumes;kg;2,00;", "category", "U+001B"),
        ("Navets;légumes;kg;2,00;suppr\x7f", "description", "U+007F"),
    ],
)
def test_a_control_character_refuses_the_file_naming_line_and_column(line, column, char):
    producer = ProducerFactory()
    ProductFactory(producer=producer, name="Mâche", price_cents=240)
    text = f"name;category;unit;price;description\nMâche;légumes;kg;2,60;\n{line}\n"
    with translation.override("fr"), pytest.raises(CsvInvalid) as caught:
        import_products(producer, text)
    errors = caught.value.extra["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(3, column)]
    assert errors[0]["message"] == (
        f"Cette cellule contient un caractère de contrôle invisible ({char}) : "
        "supprimez-le et enregistrez à nouveau le fichier."
    )
    assert Product.objects.get().price_cents == 240  # the good row was not written either


def test_tabs_and_line_breaks_inside_a_cell_are_kept():
    producer = ProducerFactory()
    text = (
        'name;category;unit;price;description\r\nNavets;légumes;kg;2,00;"Botte\tde 1 kg\r\nbio"\r\n'
    )
    import_products(producer, text)
    assert Product.objects.get().description == "Botte\tde 1 kg\r\nbio"


def test_a_control_character_in_an_offers_file_is_refused():
    catalogue = CatalogueFactory()
    ProductFactory(producer=catalogue.producer, name="Navets")
    with pytest.raises(CsvInvalid) as caught:
        services.import_offers_csv(catalogue=catalogue, data=b"product;stock\nNav\0ets;3\n")
    assert [(e["line"], e["column"]) for e in caught.value.extra["errors"]] == [(2, "product")]
    assert not Offer.objects.exists()


# --- Bulk: the number of queries does not grow with the rows ---------------------------------


def _products_file(rows: int) -> bytes:
    lines = ["name;category;unit;price;organic"]
    lines += [f"Produit {i:04d};légumes;kg;{1 + i % 9},{i % 100:02d};oui" for i in range(rows)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("rows", [10, 400])
def test_products_import_queries_do_not_grow_with_rows(rows, django_assert_max_num_queries):
    producer = ProducerFactory()
    # On SQLite an INSERT holds 76 products (999 parameters, 13 columns): 6 for 400 rows.
    with django_assert_max_num_queries(11):
        result = services.import_products_csv(producer=producer, data=_products_file(rows))
    assert (result.created, result.updated) == (rows, 0)
    Product.objects.filter(name="Produit 0003").update(price_cents=1)
    with django_assert_max_num_queries(5):
        result = services.import_products_csv(producer=producer, data=_products_file(rows))
    assert (result.created, result.updated) == (0, rows)
    assert Product.objects.get(name="Produit 0003").price_cents == 403
    assert Product.objects.filter(producer=producer, is_organic=True).count() == rows


@pytest.mark.parametrize("rows", [10, 400])
def test_offers_import_queries_do_not_grow_with_rows(rows, django_assert_max_num_queries):
    catalogue = CatalogueFactory()
    Product.objects.bulk_create(
        Product(
            producer=catalogue.producer,
            name=f"Produit {i:04d}",
            category="vegetables",
            unit="kg",
            price_cents=300,
        )
        for i in range(rows)
    )

    def offers_file(stock: int) -> bytes:
        return (
            "product;stock\n" + "".join(f"Produit {i:04d};{stock + i}\n" for i in range(rows))
        ).encode()

    # On SQLite an INSERT holds 199 offers: 3 for 400 rows.
    with django_assert_max_num_queries(10):
        result = services.import_offers_csv(catalogue=catalogue, data=offers_file(0))
    assert (result.created, result.updated) == (rows, 0)
    Offer.objects.filter(product__name="Produit 0002").update(remaining=1)  # 1 taken
    with django_assert_max_num_queries(5):
        result = services.import_offers_csv(catalogue=catalogue, data=offers_file(10))
    assert (result.created, result.updated) == (0, rows)
    offer = Offer.objects.get(product__name="Produit 0002")
    assert (offer.quantity, offer.remaining, offer.price_cents) == (12, 11, 300)


# --- French spreadsheets: what is exported imports back ----------------------------------


@pytest.mark.parametrize(("exported_in", "imported_in"), [("fr", "fr"), ("en", "fr"), ("fr", "en")])
def test_an_export_in_french_imports_back_with_nothing_changed(exported_in, imported_in):
    producer = ProducerFactory()
    ProductFactory(producer=producer, name="Comté 18 mois", category="dairy", unit="g",
                   quantity_per_unit=Decimal("250"), price_cents=780, vat_rate=550)  # fmt: skip
    ProductFactory(producer=producer, name="Jus de pomme", category="drinks", unit="l",
                   quantity_per_unit=Decimal("1.5"), price_cents=420, vat_rate=2000,
                   is_organic=True, is_active=False)  # fmt: skip
    ProductFactory(producer=producer, name="Radis", category="vegetables", unit="bunch",
                   price_cents=150, vat_rate=550)  # fmt: skip
    before = list(Product.objects.order_by("name").values())
    with translation.override(exported_in):
        text = csv_io.products_csv(selectors.products_of(producer=producer))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    if exported_in == "fr":
        assert rows[0][:7] == [
            "nom", "catégorie", "unité", "quantité par unité", "prix", "taux de TVA", "bio"
        ]  # fmt: skip
        juice = next(row for row in rows if row[0] == "Jus de pomme")
        assert juice[1:9] == ["boissons", "litre", "1,5", "4,20", "20", "oui", "", "non"]
    with translation.override(imported_in):
        result = services.import_products_csv(producer=producer, data=text.encode("utf-8"))
    assert (result.created, result.updated) == (0, 3)
    assert list(Product.objects.order_by("name").values()) == before


def test_an_offers_export_in_french_imports_back_with_nothing_changed():
    catalogue = CatalogueFactory()
    OfferFactory(catalogue=catalogue, product__name="Poulet", product__unit="piece",
                 price_cents=1890, quantity=12, taken=3)  # fmt: skip
    before = list(Offer.objects.order_by("pk").values())
    with translation.override("fr"):
        text = csv_io.offers_csv(selectors.offers_of(catalogue=catalogue))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows == [
        ["produit", "prix", "stock", "unité", "quantité par unité", "réservé", "restant"],
        ["Poulet", "18,90", "12", "pièce", "1", "3", "9"],
    ]
    result = services.import_offers_csv(catalogue=catalogue, data=text.encode("utf-8"))
    assert (result.created, result.updated) == (0, 1)
    assert list(Offer.objects.order_by("pk").values()) == before
