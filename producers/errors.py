"""Refusals of the producers' rules, each with a stable code and an HTTP status."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from common.errors import DomainError, Invalid


class StockBelowTaken(DomainError):
    code = "stock_below_taken"
    status = status.HTTP_409_CONFLICT
    default_message = _("The stock cannot be lower than what orders have already taken.")


class ProductHasOffers(DomainError):
    code = "product_has_offers"
    status = status.HTTP_409_CONFLICT
    default_message = _(
        "This product appears in weekly catalogues: deactivate it instead of deleting it."
    )


class ProductNameTaken(DomainError):
    code = "product_name_taken"
    status = status.HTTP_409_CONFLICT
    default_message = _("You already have a product with this name.")


class WeighedInKgOrG(Invalid):
    """A product sold by weight in another unit than kg or g: its weight is a piece's estimate
    in grams. An ``invalid`` of its own (a CSV import lists it with the row's other errors)."""

    code = "weighed_in_kg_or_g"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "Only a product measured in kg or g can be sold by weight: change its unit, or sell it "
        "by the piece."
    )


class ProductUnavailable(DomainError):
    code = "product_unavailable"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("This product is not one of your active products.")


class CatalogueExists(DomainError):
    code = "catalogue_exists"
    status = status.HTTP_409_CONFLICT
    default_message = _("There is already a catalogue for this week.")


class WeekInPast(DomainError):
    code = "week_in_past"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("This week is over: choose the current week or a later one.")


class CatalogueEmpty(DomainError):
    code = "catalogue_empty"
    status = status.HTTP_409_CONFLICT
    default_message = _("Add at least one offer before publishing the catalogue.")


class NoPreviousCatalogue(DomainError):
    code = "no_previous_catalogue"
    status = status.HTTP_409_CONFLICT
    default_message = _("There is no earlier catalogue to copy.")


class OfferExists(DomainError):
    code = "offer_exists"
    status = status.HTTP_409_CONFLICT
    default_message = _("This product is already in the catalogue.")


class OfferHasOrders(DomainError):
    code = "offer_has_orders"
    status = status.HTTP_409_CONFLICT
    default_message = _(
        "Orders have already taken some of this offer: set its stock to what was taken instead."
    )


class CsvInvalid(DomainError):
    """A CSV import refused as a whole; ``errors`` lists every bad row (line, column, message)."""

    code = "csv_invalid"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("The file was not imported: correct the rows below and send it again.")


# Legal identity (``producers.legal``): each refusal names the field in ``errors``.


class InvalidSiret(Invalid):
    code = "invalid_siret"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "Enter a valid SIRET: 14 digits (spaces allowed), as on your Kbis or INSEE notice."
    )


class InvalidVatNumber(Invalid):
    code = "invalid_vat_number"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "Enter a valid French VAT number: FR, a 2-character key, then your 9-digit SIREN."
    )


class VatNumberRequired(Invalid):
    code = "vat_number_required"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("A farm liable for VAT must give its intra-EU VAT number.")


class VatNumberSirenMismatch(Invalid):
    code = "vat_number_siren_mismatch"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "The VAT number does not end with your SIREN (the first 9 digits of your SIRET)."
    )


# --- Photos (``producers.photos``): each names the field it concerns --------------------------


class PhotoRefused(Invalid):
    """A photo that cannot be used; ``errors`` names the field (``photo`` or ``photo_alt``)."""

    code = "photo_refused"
    field = "photo"

    def __init__(self, message=None, **extra):
        message = message if message is not None else self.default_message
        super().__init__(message, errors={self.field: [str(message)]}, **extra)


class PhotoNotAccepted(PhotoRefused):
    code = "photo_type"
    default_message = _("Send a photo in JPEG, PNG or WebP format.")


class PhotoUnreadable(PhotoRefused):
    code = "photo_unreadable"
    default_message = _("This image could not be read (it may be damaged): try another photo.")


class PhotoTooLarge(PhotoRefused):
    code = "photo_too_large"
    default_message = _("This file is too large: 8 MB at most.")


class PhotoTooSmall(PhotoRefused):
    code = "photo_too_small"
    default_message = _("This photo is too small: at least 400 pixels on its shortest side.")


class PhotoTooManyPixels(PhotoRefused):
    code = "photo_too_many_pixels"
    default_message = _("This image has too many pixels: 50 million at most.")


class PhotoAltRequired(PhotoRefused):
    code = "photo_alt_required"
    field = "photo_alt"
    default_message = _("Describe the photo in a few words: what it shows.")
