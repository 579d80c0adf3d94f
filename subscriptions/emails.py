"""E-mails about basket subscriptions, written from the state in the database (Celery), in
the household's language, text and HTML, times in Europe/Paris."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.emails import send_once
from common.emails import Email, Section, format_datetime
from subscriptions.models import SubscriptionWaitlistEntry


def send_basket_offer(*, entry_id: int) -> int:
    """Tell a waiting household a place is theirs until the offer expires (if still open);
    once per offer (an entry offered again later is a new offer, with a new expiry)."""
    entry = (
        SubscriptionWaitlistEntry.objects.select_related("season__product", "household")
        .filter(pk=entry_id, status=SubscriptionWaitlistEntry.Status.OFFERED)
        .first()
    )
    if entry is None:
        return 0

    def build() -> Email:
        return Email(
            subject=_("A place is free: %(basket)s") % {"basket": entry.season.product.name},
            greeting=_("Hello %(name)s,") % {"name": entry.household.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _(
                            "A place in the basket season is offered to you until %(expires)s. "
                            "Subscribe before then, or it passes to the next household."
                        )
                        % {"expires": format_datetime(entry.offer_expires_at)}
                    ]
                )
            ],
        )

    expires = int(entry.offer_expires_at.timestamp())
    return send_once(entry.household, build, key=f"basket-offer-{entry.pk}-{expires}")
