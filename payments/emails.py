"""E-mails about the household's money, written from the state in the database (Celery), in
the household's language, text and HTML (``common.emails``), sent once."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.emails import send_once
from common.emails import Email, Section, absolute_url
from common.money import format_eur
from payments.models import Topup
from payments.services.wallet import balance


def send_topup_received(*, topup_id: int) -> int:
    """Tell the household its top-up arrived: the amount and the new balance; once."""
    topup = Topup.objects.select_related("household").filter(pk=topup_id).first()
    if topup is None or topup.status != Topup.Status.PAID:
        return 0
    household = topup.household

    def build() -> Email:
        amount = format_eur(topup.amount_cents)
        return Email(
            subject=_("Top-up received: %(amount)s") % {"amount": amount},
            greeting=_("Hello %(name)s,") % {"name": household.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _("Your top-up of %(amount)s has been received and added to your credit.")
                        % {"amount": amount}
                    ],
                    rows=[(_("Your credit now"), format_eur(balance(household=household)))],
                )
            ],
            action=(
                _("See my credit"),
                absolute_url(reverse("frontend:subscriptions:account_credit")),
            ),
        )

    return send_once(household, build, key=f"topup-{topup.pk}-received")
