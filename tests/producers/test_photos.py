"""Product and farm photos: checked by content, upright, without metadata, 4:3 renditions at
three widths in WebP and JPEG, old files deleted, a description required."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image

from pickup.selectors import catalogue_offers
from producers import photos
from producers.errors import (
    PhotoAltRequired,
    PhotoNotAccepted,
    PhotoTooLarge,
    PhotoTooManyPixels,
    PhotoTooSmall,
)
from producers.models import Product
from tests.factories import (
    DistributionFactory,
    OfferFactory,
    ProducerFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
MULTIPART = MULTIPART_CONTENT


def image_bytes(size=(1200, 900), fmt="JPEG", color=(200, 120, 40), **save) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


def stored(name: str) -> Image.Image:
    with photos.photo_storage().open(name) as f:
        image = Image.open(BytesIO(f.read()))
        image.load()
        return image


def exists(name: str) -> bool:
    return photos.photo_storage().exists(name)


# --- What is accepted -----------------------------------------------------------------------


def test_the_type_is_read_from_the_content_not_the_name():
    png_named_jpg = SimpleUploadedFile("carottes.jpg", image_bytes(fmt="PNG"))
    assert photos.prepare(png_named_jpg).largest_width == 960
    with pytest.raises(PhotoNotAccepted):
        photos.prepare(SimpleUploadedFile("carottes.jpg", b"not an image at all\n" * 50))
    with pytest.raises(PhotoNotAccepted):  # a real image, but a GIF
        photos.prepare(image_bytes(fmt="GIF"))
    assert photos.prepare(image_bytes(fmt="WEBP")).largest_width == 960


def test_a_file_over_8_mb_is_refused_saying_the_limit():
    with translation.override("fr"):
        with pytest.raises(PhotoTooLarge) as refused:
            photos.prepare(SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1)))
        assert "8 Mo au plus" in str(refused.value.message)
    assert refused.value.extra["errors"] == {"photo": [str(refused.value.message)]}


def test_a_photo_under_400_pixels_on_its_shortest_side_is_refused():
    with pytest.raises(PhotoTooSmall) as refused:
        photos.prepare(image_bytes((1000, 399)))
    assert "1000 × 399" in str(refused.value.message)
    assert photos.prepare(image_bytes((533, 400))).files.keys() == {(320, "jpg"), (320, "webp")}


@pytest.mark.parametrize("side", [8000, 20000])  # over ours, then over Pillow's own limit too
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side):
    with pytest.raises(PhotoTooManyPixels):
        photos.prepare(png_claiming(side, side))


def test_the_photo_is_turned_upright_and_keeps_no_metadata():
    # Stored on its side: red on the left, blue on the right; EXIF says "turn 90° clockwise".
    image = Image.new("RGB", (1600, 800), "red")
    image.paste("blue", (800, 0, 1600, 800))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 37.0, 30.0)
    out = BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    assert Image.open(BytesIO(out.getvalue())).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    prepared = photos.prepare(out.getvalue())
    for content in prepared.files.values():
        rendition = Image.open(BytesIO(content))
        assert rendition.size[0] * 3 == rendition.size[1] * 4  # 4:3
        assert not rendition.getexif()
        assert "exif" not in rendition.info and b"GPS" not in content
        # Upright: red is now on top, blue below.
        top = rendition.getpixel((rendition.width // 2, 5))
        bottom = rendition.getpixel((rendition.width // 2, rendition.height - 5))
        assert top[0] > 200 and top[2] < 60, top
        assert bottom[2] > 200 and bottom[0] < 60, bottom


# --- Storing --------------------------------------------------------------------------------


def test_renditions_are_stored_at_three_widths_in_webp_and_jpeg():
    product = ProductFactory()
    photos.update_photo(
        owner=product, photo=photos.prepare(image_bytes((4000, 3000))), alt="Des carottes"
    )
    product.refresh_from_db()
    assert product.photo.name.startswith(f"photos/products/{product.pk}/")
    assert product.photo_alt == "Des carottes"
    found = photos.renditions(product.photo.name)
    assert [(r.width, r.height) for r in found] == [(320, 240), (640, 480), (960, 720)]
    for r in found:
        assert stored(r.webp).format == "WEBP" and stored(r.webp).size == (r.width, r.height)
        assert stored(r.jpeg).format == "JPEG" and stored(r.jpeg).size == (r.width, r.height)
    farm = ProducerFactory()
    photos.update_photo(owner=farm, photo=photos.prepare(image_bytes()), alt="La ferme")
    assert farm.photo.name.startswith(f"photos/farms/{farm.pk}/")


def test_replacing_removing_or_deleting_deletes_the_old_files(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        photos.update_photo(owner=product, photo=photos.prepare(image_bytes()), alt="Rouge")
    first = photos.rendition_names(product.photo.name)
    assert len(first) == 6 and all(exists(n) for n in first)

    with django_capture_on_commit_callbacks(execute=True):
        photos.update_photo(
            owner=product, photo=photos.prepare(image_bytes(color=(0, 90, 0))), alt="Vert"
        )
    second = photos.rendition_names(product.photo.name)
    assert not any(exists(n) for n in first)
    assert all(exists(n) for n in second)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        photos.update_photo(owner=product, photo=photos.prepare(image_bytes(color=(0, 90, 0))))
    assert callbacks == []  # the same file again: nothing changes
    assert all(exists(n) for n in second)
    photos.photo_storage().delete(second[0])  # a file lost (media not restored)...
    photos.update_photo(owner=product, photo=photos.prepare(image_bytes(color=(0, 90, 0))))
    assert all(exists(n) for n in second)  # ...is written again

    with django_capture_on_commit_callbacks(execute=True):
        photos.update_photo(owner=product, remove=True)
    product.refresh_from_db()
    assert (product.photo.name, product.photo_alt) == ("", "")
    assert not any(exists(n) for n in second)

    with django_capture_on_commit_callbacks(execute=True):
        photos.update_photo(owner=product, photo=photos.prepare(image_bytes()), alt="Rouge")
    names = photos.rendition_names(product.photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert not any(exists(n) for n in names)


def test_a_photo_needs_its_description():
    product = ProductFactory()
    with pytest.raises(PhotoAltRequired) as refused:
        photos.update_photo(owner=product, photo=photos.prepare(image_bytes()), alt="  ")
    assert refused.value.extra["errors"].keys() == {"photo_alt"}
    product.refresh_from_db()
    assert product.photo.name == ""

    product.photo.name = "photos/products/1/abc-960.jpg"
    with pytest.raises(ValidationError) as invalid:
        product.full_clean()
    assert "photo_alt" in invalid.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        product.save()


# --- Showing it -----------------------------------------------------------------------------


def render(text: str, **context) -> str:
    return Template("{% load photos %}" + text).render(Context(context))


def test_the_picture_tag_gives_both_formats_with_sizes_and_dimensions():
    product = ProductFactory()
    assert render("{% picture product %}", product=product) == ""
    photos.update_photo(owner=product, photo=photos.prepare(image_bytes()), alt="Carottes & fanes")
    html = render(
        '{% picture product sizes="(min-width: 40rem) 20rem, 50vw" class="card-photo" %}',
        product=product,
    )
    base = f"/media/{product.photo.name.removesuffix('-960.jpg')}"
    assert html.startswith("<picture>") and html.endswith("</picture>")
    assert (
        f'<source type="image/webp" srcset="{base}-320.webp 320w, {base}-640.webp 640w, '
        f'{base}-960.webp 960w" sizes="(min-width: 40rem) 20rem, 50vw">'
    ) in html
    assert f'src="{base}-640.jpg"' in html
    assert f'srcset="{base}-320.jpg 320w, {base}-640.jpg 640w, {base}-960.jpg 960w"' in html
    assert 'width="960" height="720"' in html
    assert 'alt="Carottes &amp; fanes"' in html and 'class="card-photo"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html
    eager = render("{% picture product eager=True %}", product=product)
    assert 'loading="eager" fetchpriority="high"' in eager and "lazy" not in eager


def test_the_catalogue_brings_product_photos_without_more_queries(django_assert_num_queries):
    distribution = DistributionFactory()
    for _ in range(3):
        offer = OfferFactory(catalogue__week=distribution.week, catalogue__status="published")
        SupplierFactory(
            producer=offer.catalogue.producer,
            pickup_point=distribution.pickup_point,
            status="approved",
        )
        photos.update_photo(
            owner=offer.product, photo=photos.prepare(image_bytes()), alt="Une photo"
        )
    offers = list(catalogue_offers(distribution=distribution))
    assert len(offers) == 3
    with django_assert_num_queries(0):
        html = "".join(render("{% picture o.product %}", o=o) for o in offers)
    assert html.count("<picture>") == 3


def test_the_farm_api_gives_the_photo_urls_or_null(client):
    user = UserFactory()
    product = ProductFactory()
    product.producer.members.add(user)
    client.force_login(user)
    url = reverse(
        "api:producers:product-detail",
        kwargs={"producer_id": product.producer_id, "product_id": product.pk},
    )
    assert client.get(url).json()["photo"] is None
    photos.update_photo(owner=product, photo=photos.prepare(image_bytes()), alt="Carottes")
    photo = client.get(url).json()["photo"]
    assert photo["alt"] == "Carottes"
    assert [r["width"] for r in photo["renditions"]] == [320, 640, 960]
    assert photo["renditions"][0]["webp"].startswith("http://testserver/media/photos/products/")
    assert photo["renditions"][0]["webp"].endswith("-320.webp")


# --- The farm's pages -----------------------------------------------------------------------


@pytest.fixture
def farm(client):
    user = UserFactory()
    producer = ProducerFactory()
    producer.members.add(user)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return producer


def product_data(product: Product, **extra) -> dict:
    return {
        "name": product.name,
        "category": product.category,
        "unit": product.unit,
        "quantity_per_unit": "1",
        "price": "3,50",
        "vat_rate": "550",
        "is_active": "on",
        **extra,
    }


def test_the_farm_sends_a_product_photo_from_its_form_and_removes_it(client, farm):
    product = ProductFactory(producer=farm)
    url = reverse("frontend:producer:product_edit", kwargs={"slug": farm.slug, "pk": product.pk})
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/jpeg,image/png,image/webp"' in form and "capture" not in form
    assert "Remove the photo" not in form

    upload = SimpleUploadedFile("IMG_0001.JPG", image_bytes(), content_type="image/jpeg")
    no_alt = client.post(url, product_data(product, photo=upload))
    assert no_alt.status_code == 200
    assert "Describe the photo in a few words" in no_alt.content.decode()
    product.refresh_from_db()
    assert product.photo.name == ""

    text = SimpleUploadedFile("photo.jpg", b"hello", content_type="image/jpeg")
    refused = client.post(url, product_data(product, photo=text, photo_alt="Des carottes"))
    assert "Send a photo in JPEG, PNG or WebP format." in refused.content.decode()

    upload.seek(0)
    saved = client.post(url, product_data(product, photo=upload, photo_alt="Des carottes"))
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.photo_alt == "Des carottes" and product.photo.name.endswith("-960.jpg")
    form = client.get(url).content.decode()
    assert "<picture>" in form and "Remove the photo" in form

    # Its description may change alone, never to nothing.
    assert client.post(url, product_data(product, photo_alt="")).status_code == 200
    client.post(url, product_data(product, photo_alt="Carottes en botte"))
    product.refresh_from_db()
    assert product.photo_alt == "Carottes en botte"

    client.post(url, product_data(product, photo_remove="on"))
    product.refresh_from_db()
    assert product.photo.name == "" and product.photo_alt == ""


def test_the_farm_sends_its_own_photo_and_a_new_product_with_one(client, farm):
    data = {"name": farm.name, "address": farm.address, "minimum_order": "0"}
    upload = SimpleUploadedFile("ferme.png", image_bytes(fmt="PNG"))
    url = reverse("frontend:producer:producer_edit", kwargs={"slug": farm.slug})
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(url, {**data, "photo": upload, "photo_alt": "La serre au printemps"})
    assert response.status_code == 302
    farm.refresh_from_db()
    assert farm.photo_alt == "La serre au printemps" and farm.photo.name

    create = reverse("frontend:producer:product_create", kwargs={"slug": farm.slug})
    new = {**product_data(ProductFactory.build(name="Mâche")), "photo_alt": "De la mâche"}
    new["photo"] = SimpleUploadedFile("mache.webp", image_bytes(fmt="WEBP"))
    assert client.post(create, new).status_code == 302
    assert farm.products.get(name="Mâche").photo.name.startswith("photos/products/")


def test_the_farm_api_sends_and_removes_a_photo(client):
    user = UserFactory()
    product = ProductFactory()
    product.producer.members.add(user)
    client.force_login(user)
    url = reverse(
        "api:producers:product-photo",
        kwargs={"producer_id": product.producer_id, "product_id": product.pk},
    )
    text = SimpleUploadedFile("photo.jpg", b"hello" * 100)
    refused = client.put(url, encode_multipart(BOUNDARY, {"file": text, "alt": "Carottes"}),
                         content_type=MULTIPART)  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["code"] == "photo_type"
    assert list(refused.json()["errors"]) == ["photo"]

    upload = SimpleUploadedFile("photo.png", image_bytes(fmt="PNG"))
    no_alt = client.put(url, encode_multipart(BOUNDARY, {"file": upload}), content_type=MULTIPART)
    assert no_alt.status_code == 400 and no_alt.json()["code"] == "invalid"

    upload.seek(0)
    sent = client.put(url, encode_multipart(BOUNDARY, {"file": upload, "alt": "Carottes"}),
                      content_type=MULTIPART)  # fmt: skip
    assert sent.status_code == 200
    assert sent.json()["photo"]["alt"] == "Carottes"
    assert len(sent.json()["photo"]["renditions"]) == 3

    removed = client.delete(url)
    assert removed.status_code == 200 and removed.json()["photo"] is None
    farm_url = reverse("api:producers:producer-photo", kwargs={"producer_id": product.producer_id})
    upload.seek(0)
    farm = client.put(farm_url, encode_multipart(BOUNDARY, {"file": upload, "alt": "La ferme"}),
                      content_type=MULTIPART)  # fmt: skip
    assert farm.status_code == 200 and farm.json()["photo"]["alt"] == "La ferme"
