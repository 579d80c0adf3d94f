from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Located


class Garden(Located):
    """A shared garden ("jardin partagé") divided into plots, run by coordinators."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    rules = models.TextField(_("rules"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_gardens",
        blank=True,
        verbose_name=_("coordinators"),
    )
    plan_width_m = models.PositiveIntegerField(_("plan width (m)"), default=30)
    plan_height_m = models.PositiveIntegerField(_("plan height (m)"), default=20)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Located.Meta):
        verbose_name = _("garden")
        verbose_name_plural = _("gardens")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Plot(models.Model):
    """A piece of a garden, drawn on its plan (positions and sizes in metres)."""

    garden = models.ForeignKey(Garden, on_delete=models.CASCADE, related_name="plots")
    code = models.CharField(_("code"), max_length=20)
    area_m2 = models.PositiveIntegerField(_("area (m²)"))
    has_water_point = models.BooleanField(_("water point"), default=False)
    is_raised_bed = models.BooleanField(_("raised bed"), default=False)
    is_accessible = models.BooleanField(_("wheelchair-accessible"), default=False)
    has_shed = models.BooleanField(_("shed"), default=False)
    x_m = models.DecimalField(_("x (m)"), max_digits=6, decimal_places=2, default=0)
    y_m = models.DecimalField(_("y (m)"), max_digits=6, decimal_places=2, default=0)
    width_m = models.DecimalField(_("width (m)"), max_digits=6, decimal_places=2, default=1)
    height_m = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2, default=1)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("plot")
        verbose_name_plural = _("plots")
        ordering = ["garden", "code"]
        constraints = [
            models.UniqueConstraint(fields=["garden", "code"], name="gardens_plot_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.garden} — {self.code}"
