"""Money is integer cents (EUR). Percentages are basis points. Rounding happens here only."""

from collections.abc import Iterable
from dataclasses import dataclass
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


def allocate(amount_cents: int, weights: list[int]) -> list[int]:
    """``amount_cents`` split in proportion to ``weights`` (non-negative), to the cent: each
    part rounded down, the cents left over going to the largest remainders (the first on a
    tie). The parts add up to ``amount_cents``; all zero when the weights are."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    parts = [amount_cents * weight // total for weight in weights]
    left = amount_cents - sum(parts)
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (-(amount_cents * weights[i] % total), i)
    )
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


def format_eur(cents: int, language: str | None = None) -> str:
    """``1250`` → ``12,50 €`` in French, ``€12.50`` in English; thousands are grouped."""
    language = (language or get_language() or "fr")[:2]
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    if language == "en":
        return f"{sign}€{euros:,}.{rest:02d}"
    grouped = f"{euros:,}".replace(",", NARROW_NBSP)
    return f"{sign}{grouped},{rest:02d}{NBSP}€"


# --- VAT -------------------------------------------------------------------------------------
# Prices are VAT included. VAT is computed once per rate, on the VAT-inclusive total of that
# rate: vat = round_half_up(total_incl × rate / (100 % + rate)), excl = total_incl − vat. Rates
# are basis points like ``Product.vat_rate`` (550 = 5.5 %). So per rate excl + VAT = incl to
# the cent, and the totals of the breakdown are the sums of the lines, whatever their order.


@dataclass(frozen=True)
class VatAmount:
    """What one VAT rate weighs in a total (cents; ``rate`` in basis points)."""

    rate: int
    total_incl_cents: int
    vat_cents: int

    @property
    def total_excl_cents(self) -> int:
        return self.total_incl_cents - self.vat_cents


@dataclass(frozen=True)
class VatBreakdown:
    """The VAT of a total, one :class:`VatAmount` per rate, lowest rate first."""

    rates: tuple[VatAmount, ...]

    @property
    def total_incl_cents(self) -> int:
        return sum(rate.total_incl_cents for rate in self.rates)

    @property
    def vat_cents(self) -> int:
        return sum(rate.vat_cents for rate in self.rates)

    @property
    def total_excl_cents(self) -> int:
        return sum(rate.total_excl_cents for rate in self.rates)


def vat_included(total_incl_cents: int, rate: int) -> int:
    """The VAT inside a VAT-inclusive amount at ``rate`` basis points, rounded once (half up)."""
    return round_cents(Decimal(total_incl_cents) * Decimal(rate) / Decimal(10_000 + rate))


def vat_breakdown(amounts: Iterable[tuple[int, int]]) -> VatBreakdown:
    """VAT per rate of ``(rate, total_incl_cents)`` pairs (one per line, VAT included): the
    lines of a rate are added up first, then :func:`vat_included` rounds once per rate."""
    per_rate: dict[int, int] = {}
    for rate, cents in amounts:
        if rate < 0 or cents < 0:
            raise ValueError("VAT rates and amounts are not negative")
        per_rate[rate] = per_rate.get(rate, 0) + cents
    return VatBreakdown(
        tuple(
            VatAmount(rate=rate, total_incl_cents=total, vat_cents=vat_included(total, rate))
            for rate, total in sorted(per_rate.items())
        )
    )


def csv_euros(cents: int) -> str:
    """An amount for a French spreadsheet: ``-350`` → ``-3,50`` (decimal comma, no sign of the
    currency; the column's name says EUR)."""
    euros, rest = divmod(abs(int(cents)), 100)
    return f"{'-' if cents < 0 else ''}{euros},{rest:02d}"


def format_vat_rate(rate: int, language: str | None = None) -> str:
    """``550`` → ``5,5 %`` in French (a no-break space before %), ``5.5%`` in English."""
    language = (language or get_language() or "fr")[:2]
    whole, hundredths = divmod(int(rate), 100)
    percent = f"{whole}.{hundredths:02d}".rstrip("0").rstrip(".")
    if language == "en":
        return f"{percent}%"
    return f"{percent.replace('.', ',')}{NBSP}%"
