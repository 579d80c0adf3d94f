"""Template helpers of the distribution-day pages: QR codes, and the questions a page asks
the services (may this sale close, this distribution be cancelled, this handover be undone)."""

from django import template
from django.utils.safestring import mark_safe

from handover import services as handover
from handover.labels import qr_svg
from orders.services.closing import closable as sale_closable

register = template.Library()


@register.filter
def qr(code, scale=4) -> str:
    """An inline SVG QR code of a pickup code (drawn in Python, no network)."""
    return mark_safe(qr_svg(str(code or ""), scale=int(scale)))


@register.filter
def undoable(collection) -> bool:
    """Whether the handover of a collection can still be undone."""
    return handover.undoable(collection.collected_at)


@register.filter
def closable(distribution) -> bool:
    """Whether the host can close the sale of ``distribution`` now."""
    return sale_closable(distribution)


@register.filter
def cancellable(distribution) -> bool:
    """Whether the host can cancel ``distribution``."""
    return handover.cancellable(distribution)
