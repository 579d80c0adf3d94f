from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Located


class Producer(Located):
    """A farm selling through the network; its members manage it."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="producers", blank=True, verbose_name=_("members")
    )
    minimum_order_cents = models.PositiveIntegerField(
        _("minimum order per distribution (cents)"), default=0
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Located.Meta):
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
