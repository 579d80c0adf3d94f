"""E-mails to gardeners, in the language each chose (text and HTML, times in Europe/Paris)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.emails import send_once
from common.emails import Email, Section, absolute_url, format_datetime
from gardens.models import Offer


def send_offer_email(offer: Offer) -> int:
    """Tell a waiting gardener that a plot is offered to them, and until when. Once per offer."""
    gardener = offer.entry.gardener

    def build() -> Email:
        return Email(
            subject=_("A plot is offered to you at %(garden)s")
            % {"garden": offer.plot.garden.name},
            greeting=_("Hello %(name)s,") % {"name": gardener.get_short_name()},
            sections=[
                Section(
                    paragraphs=[
                        _(
                            "Plot %(code)s (%(area)s m²) at %(garden)s has been freed for "
                            "%(season)s and you are next on the waiting list."
                        )
                        % {
                            "code": offer.plot.code,
                            "area": offer.plot.area_m2,
                            "garden": offer.plot.garden.name,
                            "season": offer.season.name,
                        },
                        _(
                            "Accept or decline it before %(expires)s; after that it passes to "
                            "the next gardener."
                        )
                        % {"expires": format_datetime(offer.expires_at)},
                    ]
                )
            ],
            action=(_("Answer the offer"), absolute_url(reverse("frontend:gardens:mine"))),
        )

    return send_once(gardener, build, key=f"plot-offer-{offer.pk}")
