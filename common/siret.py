"""French business identifiers: SIREN (9 digits), SIRET (14 digits) and the intra-EU VAT
number ("FR" + a 2-character key + the SIREN). Pure functions, no Django models."""

import re

LA_POSTE_SIREN = "356000000"
_SPACES = re.compile(r"[\s\u00a0\u202f.-]+")


def normalize(value: str) -> str:
    """Strip spaces (also non-breaking ones), dots and dashes; upper-case letters."""
    return _SPACES.sub("", value or "").upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    siren = normalize(value)
    return len(siren) == 9 and siren.isascii() and siren.isdigit() and luhn_ok(siren)


def is_valid_siret(value: str) -> bool:
    """14 digits passing the Luhn checksum; La Poste's establishments (SIREN 356000000) are
    valid when the sum of their digits is a multiple of 5 instead."""
    siret = normalize(value)
    if len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    if siret[:9] == LA_POSTE_SIREN:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


def vat_key(siren: str) -> str:
    """The numeric key of a French VAT number for this SIREN, two digits."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def vat_number_for(siren: str) -> str:
    return f"FR{vat_key(siren)}{siren}"


def is_valid_vat_number(value: str) -> bool:
    """ "FR" + a 2-character key + a 9-digit SIREN; a numeric key must match the SIREN
    (older alphanumeric keys are accepted as they are)."""
    vat = normalize(value)
    if len(vat) != 13 or not vat.startswith("FR"):
        return False
    key, siren = vat[2:4], vat[4:]
    if not (siren.isascii() and siren.isdigit()):
        return False
    if not (key.isascii() and key.isalnum()):
        return False
    if key.isdigit():
        return key == vat_key(siren)
    return True


def vat_siren(value: str) -> str:
    return normalize(value)[4:]


def format_siret(value: str) -> str:
    """ "73282932000074" -> "732 829 320 00074" (anything else is returned as it is)."""
    siret = normalize(value)
    if len(siret) != 14:
        return value
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
