"""Money is integer cents (EUR). Percentages are basis points. Rounding happens here only."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

CURRENCY = "EUR"
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def round_cents(amount: Decimal | int | str) -> int:
    """Round an amount of cents (possibly fractional) to whole cents, halves away from zero."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(amount_cents: int, basis_points: int) -> int:
    """``basis_points`` / 10,000 of ``amount_cents``, rounded once (e.g. 835 bp = 8.35 %)."""
    return round_cents(Decimal(amount_cents) * Decimal(basis_points) / Decimal(10_000))


def times(unit_cents: int, quantity: int | Decimal) -> int:
    """Price of ``quantity`` units, rounded once."""
    return round_cents(Decimal(unit_cents) * Decimal(quantity))


def format_eur(cents: int, language: str | None = None) -> str:
    """``1250`` → ``12,50 €`` in French, ``€12.50`` in English; thousands are grouped."""
    language = (language or get_language() or "fr")[:2]
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    if language == "en":
        return f"{sign}€{euros:,}.{rest:02d}"
    grouped = f"{euros:,}".replace(",", NARROW_NBSP)
    return f"{sign}{grouped},{rest:02d}{NBSP}€"
