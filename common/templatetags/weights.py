"""Weights in templates of any app (products sold by weight): grams written the way the
language does, a price per kg, a margin in basis points as a percentage."""

from django import template
from django.utils.translation import gettext as _

from common.money import format_eur, format_vat_rate
from common.units import format_grams

register = template.Library()


@register.filter
def grams(value) -> str:
    """``480`` → ``480 g``; ``1040`` → ``1,04 kg`` (French) / ``1.04 kg`` (English)."""
    return "" if value in (None, "") else format_grams(int(value))


@register.filter
def per_kg(cents) -> str:
    """``1900`` → ``19,00 € / kg`` (the reference price's words, ``producers.pricing``)."""
    if cents in (None, ""):
        return ""
    return _("%(price)s / kg") % {"price": format_eur(int(cents))}


@register.filter
def percent(basis_points) -> str:
    """``1500`` (basis points) → ``15 %`` (French) / ``15%`` (English)."""
    return "" if basis_points in (None, "") else format_vat_rate(int(basis_points))
