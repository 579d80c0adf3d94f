"""E-mails about the household's money, written from the state in the database (Celery)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.money import format_eur
from payments.models import Topup
from payments.services.wallet import balance


def send_topup_received(*, topup_id: int) -> int:
    """Tell the household its top-up arrived: the amount and the new balance (plain text)."""
    topup = Topup.objects.select_related("household").filter(pk=topup_id).first()
    if topup is None or topup.status != Topup.Status.PAID:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Top-up received: %(amount)s") % {"amount": format_eur(topup.amount_cents)}
        body = _(
            "Hello,\n\n"
            "Your top-up of %(amount)s has been received and added to your credit.\n"
            "Your credit is now %(balance)s.\n\n"
            "Your credit: %(url)s\n"
        ) % {
            "amount": format_eur(topup.amount_cents),
            "balance": format_eur(balance(household=topup.household)),
            "url": settings.SITE_URL.rstrip("/") + reverse("frontend:subscriptions:account_credit"),
        }
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [topup.household.email])
