from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Located


class PickupPoint(Located):
    """A place in a neighbourhood where households collect their orders, run by hosts."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    access_instructions = models.TextField(_("access instructions"), blank=True)
    capacity = models.PositiveIntegerField(_("orders per distribution"), default=60)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="hosted_points", blank=True, verbose_name=_("hosts")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Located.Meta):
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
