"""A farm's legal identity: the checks on its SIRET, VAT regime and VAT number (one place for
the model, the service, the form and the API), whether it is complete, and the VAT mention an
invoice in the farm's name carries. The identifiers themselves are checked in ``common.siret``."""

from typing import Protocol

from django.utils.translation import gettext_lazy as _

from common import siret as ids
from common.errors import Invalid
from producers.errors import (
    InvalidSiret,
    InvalidVatNumber,
    VatNumberRequired,
    VatNumberSirenMismatch,
)

LIABLE, FLAT_RATE, FRANCHISE = "liable", "flat_rate", "franchise"

# The mention printed on invoices, per regime (the VAT number is shown for a liable farm).
VAT_MENTIONS = {
    FRANCHISE: "TVA non applicable, art. 293 B du CGI",
    FLAT_RATE: "Exploitant agricole placé sous le régime du remboursement forfaitaire agricole, "
    "art. 298 quater du CGI",
}


class HasLegalIdentity(Protocol):
    legal_name: str
    siret: str
    vat_regime: str
    vat_number: str


def legal_identity_errors(
    *, siret: str, vat_regime: str, vat_number: str
) -> dict[str, list[InvalidSiret | InvalidVatNumber | VatNumberRequired | VatNumberSirenMismatch]]:
    """Every refusal of these values, by field (empty when they are acceptable). Values are
    expected normalised (``common.siret.normalize``). Blank SIRET and regime are allowed: the
    farm has not told yet."""
    errors: dict = {}
    if siret and not ids.is_valid_siret(siret):
        errors["siret"] = [InvalidSiret()]
    if vat_number:
        if not ids.is_valid_vat_number(vat_number):
            errors["vat_number"] = [InvalidVatNumber()]
        elif siret and "siret" not in errors and ids.vat_siren(vat_number) != siret[:9]:
            errors["vat_number"] = [VatNumberSirenMismatch()]
    elif vat_regime == LIABLE:
        errors["vat_number"] = [VatNumberRequired()]
    return errors


def check_legal_identity(*, siret: str, vat_regime: str, vat_number: str) -> None:
    """Raise the first refusal (its own code), listing every field's message in ``errors``."""
    errors = legal_identity_errors(siret=siret, vat_regime=vat_regime, vat_number=vat_number)
    if errors:
        first = next(iter(errors.values()))[0]
        raise type(first)(errors={f: [str(e.message) for e in errs] for f, errs in errors.items()})


LEGAL_FIELDS = ("legal_name", "siret", "vat_regime", "vat_number")


def normalise_identity(changes: dict) -> dict:
    """The legal fields of ``changes`` as stored: the name stripped, the identifiers without
    spaces (a field absent stays absent)."""
    cleaners = {"legal_name": str.strip, "siret": ids.normalize, "vat_number": ids.normalize}
    return {
        field: cleaners.get(field, lambda value: value)(value)
        for field, value in changes.items()
        if field in LEGAL_FIELDS and value is not None
    }


def check_identity(after: dict) -> None:
    """Refuse a legal identity (its fields as they would be): an unknown regime, then
    :func:`check_legal_identity`."""
    if after["vat_regime"] not in ("", LIABLE, FLAT_RATE, FRANCHISE):
        raise Invalid(errors={"vat_regime": [_("Choose one of the VAT regimes.")]})
    check_legal_identity(
        siret=after["siret"], vat_regime=after["vat_regime"], vat_number=after["vat_number"]
    )


def legal_identity_complete(farm: HasLegalIdentity) -> bool:
    if not (farm.legal_name.strip() and farm.vat_regime and ids.is_valid_siret(farm.siret)):
        return False
    if farm.vat_regime == LIABLE and not farm.vat_number:
        return False
    return not legal_identity_errors(
        siret=farm.siret, vat_regime=farm.vat_regime, vat_number=farm.vat_number
    )


def vat_mention(farm: HasLegalIdentity) -> str:
    """The VAT line for an invoice in the farm's name: the article of the CGI for the
    franchise and the flat-rate farmer, the VAT number for a liable farm, "" when unknown."""
    if farm.vat_regime == LIABLE:
        return f"N° TVA intracommunautaire : {farm.vat_number}" if farm.vat_number else ""
    return VAT_MENTIONS.get(farm.vat_regime, "")


REGIME_EXPLANATIONS = {
    LIABLE: _("You charge VAT on your sales and file VAT returns."),
    FLAT_RATE: _(
        "You do not charge VAT; you receive the flat-rate refund on sales to VAT-registered buyers."
    ),
    FRANCHISE: _("Your turnover is under the threshold: you do not charge VAT."),
}
