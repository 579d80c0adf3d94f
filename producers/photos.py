"""Product and farm photos: checked by their content, turned upright, stripped of their
metadata (a phone's photo carries where it was taken), centre-cropped to 4:3 and stored as
renditions at three widths, in WebP and in JPEG, through the storage API (``STORAGES["photos"]``).

Renditions are named after their owner and the digest of the file sent
(``photos/products/12/3f9a0c…-640.webp``); the owner's ``photo`` names the largest JPEG and the
others follow from it (:func:`renditions`). The same file sent again is not processed twice
(its renditions are kept by digest) and rewrites nothing. Renditions replaced or removed, and
those of a deleted product or farm, are deleted once the change is committed.

:func:`prepare` does the work on the image and refuses what cannot be used, before anything is
written; :func:`update_photo` stores the result.
"""

import contextlib
import hashlib
import re
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from producers.errors import (
    PhotoAltRequired,
    PhotoNotAccepted,
    PhotoTooLarge,
    PhotoTooManyPixels,
    PhotoTooSmall,
    PhotoUnreadable,
)
from producers.models import Photographed, Producer, Product, photo_storage

# Checked by what the file holds, never by its name.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"
MAX_BYTES = 8 * 1024 * 1024
MIN_SIDE = 400
# 50 megapixels: more than any phone's photo of 8 MB; a file claiming more is refused before
# it is decoded (a "decompression bomb": a small file that decodes into gigabytes).
MAX_PIXELS = 50_000_000
WIDTHS = (320, 640, 960)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
FOLDERS = {Product: "products", Producer: "farms"}
_RENDITION = re.compile(r"^(?P<base>.+)-(?P<width>\d+)\.jpg$")
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked and rendered, not stored yet: ``files`` maps (width, "webp"/"jpg") to
    the encoded bytes."""

    digest: str
    files: dict[tuple[int, str], bytes]

    @property
    def largest_width(self) -> int:
        return max(width for width, _ext in self.files)


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    webp: str  # storage names
    jpeg: str


# Renditions of the files prepared lately, by digest: the demo attaches the same few files to
# many products, and a file sent twice is rendered once.
_prepared: OrderedDict[str, PreparedPhoto] = OrderedDict()
_PREPARED_KEPT = 48


def prepare(upload: File | bytes) -> PreparedPhoto:
    """Check a photo sent by a farm and render it: JPEG, PNG or WebP by its content, 8 MB at
    most, at least 400 pixels on its shortest side, 50 megapixels at most. Raises a
    :class:`~producers.errors.PhotoRefused` (on ``photo``) that says why."""
    data = _read(upload)
    digest = digest_of(data)
    if digest in _prepared:
        _prepared.move_to_end(digest)
        return _prepared[digest]
    photo = PreparedPhoto(digest=digest, files=_render(data))
    _prepared[digest] = photo
    while len(_prepared) > _PREPARED_KEPT:
        _prepared.popitem(last=False)
    return photo


def digest_of(data: bytes) -> str:
    """What a file's renditions are named after."""
    return hashlib.sha256(data).hexdigest()[:20]


def _read(upload: File | bytes) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        if upload.size is not None and upload.size > MAX_BYTES:
            raise _too_large(upload.size)
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    return data


def _too_large(size: int) -> PhotoTooLarge:
    return PhotoTooLarge(
        _("This file weighs %(size)s MB: %(most)d MB at most.")
        % {"size": number_format(size / 1024 / 1024, 1), "most": MAX_BYTES // 1024 // 1024}
    )


def _too_many_pixels() -> PhotoTooManyPixels:
    return PhotoTooManyPixels(
        _("This image has too many pixels: %(most)d million at most.")
        % {"most": MAX_PIXELS // 1_000_000}
    )


def _render(data: bytes) -> dict[tuple[int, str], bytes]:
    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own limit; both are bombs here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise PhotoNotAccepted() from None
        width, height = image.size  # read from the header: nothing is decoded yet
        if width * height > MAX_PIXELS:
            raise _too_many_pixels()
        if min(width, height) < MIN_SIDE:
            raise PhotoTooSmall(
                _(
                    "This photo is %(width)d × %(height)d pixels: at least %(least)d pixels "
                    "are needed on its shortest side."
                )
                % {"width": width, "height": height, "least": MIN_SIDE}
            )
        try:
            # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still enough.
            image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
            image = _clean(ImageOps.exif_transpose(image))
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise PhotoUnreadable() from None
    return _encode(_crop_4_3(image))


def _clean(image: Image.Image) -> Image.Image:
    """An RGB copy in sRGB on a white background, with no metadata at all (EXIF, GPS, XMP,
    comments): only the pixels are kept."""
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    if icc:  # a broken profile leaves the pixels as they are
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(BytesIO(icc)), _SRGB, outputMode="RGB"
            )
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _crop_4_3(image: Image.Image) -> Image.Image:
    """The largest 4:3 rectangle at the centre of the image."""
    width, height = image.size
    unit = min(width // 4, height // 3)
    crop_w, crop_h = 4 * unit, 3 * unit
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return image.crop((left, top, left + crop_w, top + crop_h))


def _encode(image: Image.Image) -> dict[tuple[int, str], bytes]:
    # Never enlarged: a photo 400 pixels wide (the least) gets its 320 rendition only.
    widths = [w for w in WIDTHS if w <= image.width]
    files = {}
    for width in widths:
        resized = image.resize((width, width * 3 // 4), Image.Resampling.LANCZOS, reducing_gap=3)
        jpeg, webp = BytesIO(), BytesIO()
        resized.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        resized.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
        files[(width, "jpg")] = jpeg.getvalue()
        files[(width, "webp")] = webp.getvalue()
    return files


# --- Names ----------------------------------------------------------------------------------


def _name(owner: Photographed, digest: str, width: int, ext: str) -> str:
    return f"photos/{FOLDERS[type(owner)]}/{owner.pk}/{digest}-{width}.{ext}"


def renditions(name: str) -> list[Rendition]:
    """The renditions of the photo whose largest JPEG is ``name`` (an owner's ``photo``),
    narrowest first; none for an empty or foreign name. Reads no file."""
    match = _RENDITION.match(name or "")
    if not match:
        return []
    base, largest = match["base"], int(match["width"])
    return [
        Rendition(width=w, height=w * 3 // 4, webp=f"{base}-{w}.webp", jpeg=f"{base}-{w}.jpg")
        for w in WIDTHS
        if w <= largest
    ]


def rendition_names(name: str) -> list[str]:
    return [n for r in renditions(name) for n in (r.webp, r.jpeg)]


def url(name: str) -> str:
    return photo_storage().url(name)


# --- Writes ---------------------------------------------------------------------------------


def _delete_after_commit(name: str) -> None:
    names = rendition_names(name)
    if names:
        storage = photo_storage()
        transaction.on_commit(lambda: [storage.delete(n) for n in names])


def _store(*, owner: Photographed, photo: PreparedPhoto) -> None:
    storage = photo_storage()
    for (width, ext), content in photo.files.items():
        name = _name(owner, photo.digest, width, ext)
        if not storage.exists(name):  # same digest, same bytes: already there
            storage.save(name, ContentFile(content))


@transaction.atomic
def update_photo(
    *,
    owner: Photographed,
    photo: PreparedPhoto | None = None,
    alt: str | None = None,
    remove: bool = False,
) -> Photographed:
    """Give a product or a farm a new photo (``photo``, from :func:`prepare`), change the
    description of the one it has (``alt``), or remove it (``remove``; a new photo wins over
    it). A photo always has a description (``photo_alt_required`` otherwise). The renditions
    it no longer uses are deleted after the commit; sending the same file again changes
    nothing but the files it finds missing."""
    old_name, old_alt = owner.photo.name or "", owner.photo_alt
    alt = old_alt if alt is None else alt.strip()
    if photo is None and remove:
        name, alt = "", ""
    else:
        name = old_name if photo is None else _name(owner, photo.digest, photo.largest_width, "jpg")
        if name and not alt:
            raise PhotoAltRequired()
    if photo is not None:
        _store(owner=owner, photo=photo)  # writes only the files missing
    if (name, alt) == (old_name, old_alt):
        return owner
    owner.photo.name, owner.photo_alt = name, alt
    owner.save(update_fields=["photo", "photo_alt"])
    if old_name and old_name != name:
        _delete_after_commit(old_name)
    return owner


def delete_files_of(sender, instance: Photographed, **kwargs) -> None:
    """``post_delete`` of products and farms: their renditions go once the deletion is
    committed, whatever deleted them (a service, the admin, a cascade)."""
    if instance.photo.name:
        _delete_after_commit(instance.photo.name)
