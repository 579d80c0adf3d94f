"""On a phone, a farm gives one of its products a photo and sees it on the product's page and
in the catalogue of the point it delivers to."""

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.axe import AXE_JS, Audit
from tests.factories import (
    PASSWORD,
    CatalogueFactory,
    DistributionFactory,
    OfferFactory,
    ProducerFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_photo(path: Path) -> Path:
    """A portrait photo as a phone takes it: 3:4, large."""
    image = Image.new("RGB", (1500, 2000), "#f6e7c1")
    draw = ImageDraw.Draw(image)
    draw.ellipse((350, 600, 1150, 1400), fill="#ef7d1a")
    image.save(path, "JPEG", quality=85)
    return path


def test_the_farm_sends_a_product_photo_from_its_phone(
    live_server, page: Page, artifacts_dir, tmp_path
):
    farmer = UserFactory(email="thomas@ferme.fr")
    producer = ProducerFactory(name="Les Jardins de la Deûle", slug="jardins-de-la-deule")
    producer.members.add(farmer)
    product = ProductFactory(producer=producer, name="Courge butternut", unit="kg")
    supplier = SupplierFactory(producer=producer)
    sale = DistributionFactory(pickup_point=supplier.pickup_point)
    catalogue = CatalogueFactory(producer=producer, week=sale.week, status="published")
    OfferFactory(catalogue=catalogue, product=product)

    page.context.add_init_script(script=AXE_JS.read_text())  # in every page, whatever its CSP
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/?next=/producteur/")
    page.locator("#id_username").fill("thomas@ferme.fr")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}/producteur/{producer.slug}/produits/{product.pk}/")

    fieldset = page.locator("fieldset#photo")
    expect(fieldset.locator("picture")).to_have_count(0)
    file_input = fieldset.locator("input[type=file]")
    expect(file_input).to_have_attribute("accept", "image/jpeg,image/png,image/webp")
    file_input.set_input_files(phone_photo(tmp_path / "IMG_2041.JPG"))
    fieldset.get_by_label("Description de la photo").fill("Une courge butternut entière")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".message-success")).to_be_visible()

    page.goto(f"{live_server.url}/producteur/{producer.slug}/produits/{product.pk}/")
    image = page.locator("fieldset#photo picture img")
    expect(image).to_have_attribute("alt", "Une courge butternut entière")
    expect(image).to_have_attribute("width", "960")
    expect(image).to_have_attribute("height", "720")
    # The browser picked a rendition and it arrived (naturalWidth > 0 once decoded).
    page.wait_for_function(
        "() => { const i = document.querySelector('fieldset#photo picture img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    box = image.bounding_box()
    assert box and abs(box["width"] / box["height"] - 4 / 3) < 0.02
    expect(fieldset.get_by_label("Retirer la photo")).not_to_be_checked()

    srcset = page.locator("fieldset#photo picture source").get_attribute("srcset")
    webp_640 = next(part.split()[0] for part in srcset.split(", ") if part.endswith(" 640w"))
    served = page.request.get(f"{live_server.url}{webp_640}")
    assert served.status == 200
    assert served.headers["content-type"] == "image/webp"
    assert Image.open(BytesIO(served.body())).size == (640, 480)

    assert Audit().check(page, "product form with its photo") == []
    fieldset.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "product-form-photo.png", full_page=True)

    # Households see it on the product's card in the point's catalogue.
    point = supplier.pickup_point
    page.goto(f"{live_server.url}/points-relais/{point.slug}/distributions/{sale.pk}/")
    card = page.locator(".product-card", has_text="Courge butternut")
    photo = card.locator(".product-photo picture img")
    expect(photo).to_have_attribute("alt", "Une courge butternut entière")
    expect(photo).to_have_attribute("loading", "lazy")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('.product-photo picture img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert Audit().check(page, "catalogue with a photo") == []
    page.screenshot(path=artifacts_dir / "catalogue-photo.png", full_page=True)
