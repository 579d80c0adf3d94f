from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import dates
from common.models import Located
from producers.models import LegalIdentity


class PickupPoint(Located, LegalIdentity):
    """A place in a neighbourhood where households collect their orders, run by hosts. Its
    legal identity is the host's (a micro-entrepreneur, an association...): its commission
    invoices are issued in that name."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    access_instructions = models.TextField(_("access instructions"), blank=True)
    capacity = models.PositiveIntegerField(_("orders per distribution"), default=60)
    cutoff_hours = models.PositiveIntegerField(
        _("ordering closes (hours before the distribution)"), default=48
    )
    opens_days = models.PositiveIntegerField(
        _("ordering opens (days before the distribution)"), default=6
    )
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


class Supplier(models.Model):
    """A producer's request to supply a pickup point, approved or refused by its hosts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="supplied_points",
    )
    pickup_point = models.ForeignKey(
        PickupPoint,
        verbose_name=_("pickup point"),
        on_delete=models.CASCADE,
        related_name="suppliers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    distance_km = models.FloatField(_("distance (km)"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["pickup_point", "producer"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "pickup_point"], name="pickup_supplier_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["pickup_point", "status"], name="pickup_supplier_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.producer} → {self.pickup_point}"


class Distribution(models.Model):
    """One collection event at a pickup point, with its ordering window.

    Status moves only through ``pickup.services.move_distribution`` (scheduled → open → closed
    → done, or cancelled).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        OPEN = "open", _("open for orders")
        CLOSED = "closed", _("closed")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    pickup_point = models.ForeignKey(
        PickupPoint,
        verbose_name=_("pickup point"),
        on_delete=models.CASCADE,
        related_name="distributions",
    )
    week = models.DateField(_("week (Monday)"), editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    opens_at = models.DateTimeField(_("ordering opens at"))
    cutoff_at = models.DateTimeField(_("ordering closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("cutoff_at"))
                & models.Q(cutoff_at__lte=models.F("starts_at"))
                & models.Q(starts_at__lt=models.F("ends_at")),
                name="pickup_distribution_times_in_order",
            ),
            # One live distribution per point and start: schedules (and the demo seed) are keyed
            # by point + start, so replaying them never piles up duplicates.
            models.UniqueConstraint(
                fields=["pickup_point", "starts_at"],
                condition=~models.Q(status="cancelled"),
                name="pickup_distribution_point_start_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opens_at"], name="pickup_distribution_open_idx"),
            models.Index(fields=["status", "cutoff_at"], name="pickup_distribution_cutoff_idx"),
            models.Index(
                fields=["pickup_point", "starts_at"], name="pickup_distribution_point_idx"
            ),
        ]

    def __str__(self) -> str:
        # Europe/Paris, as the host and the households read it (the column is UTC).
        return f"{self.pickup_point} — {dates.short_time(self.starts_at)}"
