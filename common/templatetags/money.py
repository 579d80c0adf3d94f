"""Money in templates of any app: amounts and VAT rates written the way the language does."""

from django import template

from common.money import format_eur, format_vat_rate

register = template.Library()


@register.filter
def eur(cents) -> str:
    """``1250`` → ``12,50 €`` (French) / ``€12.50`` (English)."""
    return "" if cents in (None, "") else format_eur(int(cents))


@register.filter
def vat_rate(rate) -> str:
    """``550`` (basis points) → ``5,5 %`` (French) / ``5.5%`` (English)."""
    return "" if rate in (None, "") else format_vat_rate(int(rate))
