"""Weights written the way the language does (products sold by weight)."""

from decimal import Decimal

from django.utils.formats import number_format


def format_grams(grams: int) -> str:
    """``480`` → ``480 g``; ``1040`` → ``1,04 kg`` (French) / ``1.04 kg`` (English)."""
    if grams < 1000:
        return f"{grams}\N{NO-BREAK SPACE}g"
    kilos = (Decimal(grams) / 1000).normalize()
    return f"{number_format(kilos, decimal_pos=None)}\N{NO-BREAK SPACE}kg"
