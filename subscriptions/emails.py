"""E-mails about basket subscriptions, written from the state in the database (Celery), in
the household's language, text and HTML, times in Europe/Paris."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.emails import send_once
from common import dates
from common.emails import Email, Section, absolute_url, format_datetime
from common.money import format_eur
from subscriptions.models import CreditedWeek, SubscriptionWaitlistEntry


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


def week_credited_paragraphs(credited: CreditedWeek) -> tuple[str, str]:
    """Why a basket week brought no basket, and where its money went (the credit)."""
    subscription = credited.subscription
    values = {
        "week": dates.day_month(credited.week),
        "farm": subscription.season.product.producer.name,
        "amount": format_eur(credited.credited_cents),
    }
    if credited.reason == CreditedWeek.Reason.DISTRIBUTION_CANCELLED:
        why = _("The distribution of the week of %(week)s was cancelled by the pickup point.")
    elif credited.reason == CreditedWeek.Reason.SOLD_OUT:
        why = _("The basket of %(farm)s was sold out for the week of %(week)s.")
    elif credited.reason == CreditedWeek.Reason.NO_DISTRIBUTION:
        why = _("Your pickup point held no distribution in the week of %(week)s.")
    else:
        why = _("%(farm)s offered no basket for the week of %(week)s.")
    back = _(
        "The %(amount)s you paid for this basket are added to your credit, which pays first "
        "for your next orders."
    )
    return why % values, back % values


def send_week_credited(*, credited_week_id: int) -> int:
    """Tell the household a basket week became credit: why, and how much; once."""
    credited = (
        CreditedWeek.objects.select_related(
            "subscription__household", "subscription__season__product__producer"
        )
        .filter(pk=credited_week_id)
        .first()
    )
    if credited is None:
        return 0
    household = credited.subscription.household

    def build() -> Email:
        why, back = week_credited_paragraphs(credited)
        return Email(
            subject=_("No basket for the week of %(week)s: %(amount)s credited")
            % {
                "week": dates.day_month(credited.week),
                "amount": format_eur(credited.credited_cents),
            },
            greeting=_("Hello %(name)s,") % {"name": household.get_short_name()},
            sections=[Section(paragraphs=[why, back])],
            action=(_("See my credit"), absolute_url("/compte/credit/")),
        )

    return send_once(household, build, key=f"credited-week-{credited.pk}")
