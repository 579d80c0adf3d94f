from django.db import models
from django.utils.translation import gettext_lazy as _


class Located(models.Model):
    """A postal address with its position, geocoded in a task after saving (never in a request)."""

    class LocationStatus(models.TextChoices):
        PENDING = "pending", _("position pending")
        LOCATED = "located", _("located")
        NOT_FOUND = "not_found", _("address not found")

    address = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_status = models.CharField(
        _("position"), max_length=16, choices=LocationStatus.choices, default=LocationStatus.PENDING
    )
    located_at = models.DateTimeField(_("located at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="%(app_label)s_%(class)s_latlng"),
        ]

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)
