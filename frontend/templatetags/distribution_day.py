"""Template helpers of the distribution-day pages: QR codes, the handover's undo window."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from handover.labels import qr_svg

register = template.Library()


@register.filter
def qr(code, scale=4) -> str:
    """An inline SVG QR code of a pickup code (drawn in Python, no network)."""
    return mark_safe(qr_svg(str(code or ""), scale=int(scale)))


@register.filter
def undoable(collection) -> bool:
    """Whether the handover of a collection can still be undone (``HANDOVER_UNDO_SECONDS``)."""
    if collection.collected_at is None:
        return False
    window = timedelta(seconds=settings.HANDOVER_UNDO_SECONDS)
    return timezone.now() - collection.collected_at <= window
