"""Template helpers of the pickup pages (money, distances, the producer's supplied points)."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from common.money import format_eur
from pickup import selectors
from pickup import services as pickup_services

register = template.Library()


@register.filter
def eur(cents) -> str:
    """``1250`` → ``12,50 €`` (French) / ``€12.50`` (English)."""
    return "" if cents in (None, "") else format_eur(int(cents))


@register.filter
def km(distance) -> str:
    """A distance in km, one decimal below 10 km, whole km above."""
    if distance is None:
        return ""
    places = 1 if round(distance, 1) < 10 else 0
    # number_format cuts a float's decimals off: 38.7 would read 38 km
    return f"{number_format(round(distance, places), places)} km"


@register.filter
def quantity(value) -> str:
    """``Decimal("0.500")`` → ``0,5``; ``Decimal("10.000")`` → ``10`` (no exponent)."""
    if value in (None, ""):
        return ""
    text = format(Decimal(value).normalize(), "f")
    return number_format(Decimal(text), decimal_pos=None)


@register.filter
def can_move(distribution, status: str) -> bool:
    """Whether the host may move ``distribution`` to ``status`` now (the service's rule)."""
    return pickup_services.move_refusal(distribution, status) is None


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("frontend/pickup/_supplied_points_panel.html", takes_context=True)
def supplied_points_panel(context, producer):
    """The farm's pickup points and the form to ask to supply another one."""
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "producer": producer,
        "supplies": selectors.member_supply_requests(user=context["request"].user).filter(
            producer=producer
        ),
        "candidates": selectors.supply_candidates(producer=producer),
        "action": reverse("frontend:producer_supply_request"),
    }
