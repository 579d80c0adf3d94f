"""E-mails to gardeners, written in the site's default language (people have no language yet)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from gardens.models import Offer


def send_offer_email(offer: Offer) -> None:
    """Tell a waiting gardener that a plot is offered to them, and until when."""
    gardener = offer.entry.gardener
    with translation.override(settings.LANGUAGE_CODE):
        expires = formats.date_format(timezone.localtime(offer.expires_at), "DATETIME_FORMAT")
        subject = _("A plot is offered to you at %(garden)s") % {"garden": offer.plot.garden.name}
        body = _(
            "Hello %(name)s,\n\n"
            "Plot %(code)s (%(area)s m²) at %(garden)s has been freed for %(season)s and you are "
            "next on the waiting list.\n"
            "Accept or decline it before %(expires)s; after that it passes to the next "
            "gardener.\n\n%(url)s\n"
        ) % {
            "name": gardener.get_short_name(),
            "code": offer.plot.code,
            "area": offer.plot.area_m2,
            "garden": offer.plot.garden.name,
            "season": offer.season.name,
            "expires": expires,
            "url": settings.SITE_URL.rstrip("/") + reverse("frontend:gardens:mine"),
        }
    send_mail(subject, body, None, [gardener.email])
