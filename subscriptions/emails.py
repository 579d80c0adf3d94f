"""E-mails about basket subscriptions, written from the state in the database (Celery)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats
from django.utils.translation import gettext as _

from common.money import format_eur
from subscriptions.models import CreditedWeek, SubscriptionWaitlistEntry


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


def week_credited_text(credited: CreditedWeek) -> str:
    """Why a basket week brought no basket, and where its money went (the credit)."""
    subscription = credited.subscription
    values = {
        "week": formats.date_format(credited.week, "j F"),
        "farm": subscription.season.product.producer.name,
        "amount": format_eur(credited.credited_cents),
    }
    if credited.reason == CreditedWeek.Reason.DISTRIBUTION_CANCELLED:
        why = _("The distribution of the week of %(week)s was cancelled by the pickup point.")
    elif credited.reason == CreditedWeek.Reason.SOLD_OUT:
        why = _("The basket of %(farm)s was sold out for the week of %(week)s.")
    else:
        why = _("%(farm)s offered no basket for the week of %(week)s.")
    back = _(
        "The %(amount)s you paid for this basket are added to your credit, which pays first "
        "for your next orders."
    )
    return f"{why % values}\n{back % values}\n{settings.SITE_URL.rstrip('/')}/compte/credit/"


def send_week_credited(*, credited_week_id: int) -> int:
    """Tell the household a basket week became credit: why, and how much."""
    credited = (
        CreditedWeek.objects.select_related(
            "subscription__household", "subscription__season__product__producer"
        )
        .filter(pk=credited_week_id)
        .first()
    )
    if credited is None:
        return 0
    subject = _("No basket for the week of %(week)s: %(amount)s credited") % {
        "week": formats.date_format(credited.week, "j F"),
        "amount": format_eur(credited.credited_cents),
    }
    return send_mail(
        subject,
        week_credited_text(credited),
        settings.DEFAULT_FROM_EMAIL,
        [credited.subscription.household.email],
    )
