"""E-mails about basket subscriptions, written from the state in the database (Celery)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats
from django.utils.translation import gettext as _

from subscriptions.models import SubscriptionWaitlistEntry


def send_basket_offer(*, entry_id: int) -> int:
    """Tell a waiting household a place is theirs until the offer expires (if still open)."""
    entry = (
        SubscriptionWaitlistEntry.objects.select_related("season__product", "household")
        .filter(pk=entry_id, status=SubscriptionWaitlistEntry.Status.OFFERED)
        .first()
    )
    if entry is None:
        return 0
    subject = _("A place is free: %(basket)s") % {"basket": entry.season.product.name}
    body = _(
        "A place in the basket season is offered to you until %(expires)s. "
        "Subscribe before then, or it passes to the next household."
    ) % {"expires": formats.date_format(entry.offer_expires_at, "DATETIME_FORMAT")}
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.household.email])
