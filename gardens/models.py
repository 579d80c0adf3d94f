from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Located
from common.money import times


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

    garden = models.ForeignKey(
        Garden, verbose_name=_("garden"), on_delete=models.CASCADE, related_name="plots"
    )
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


class Season(models.Model):
    """A growing season of one garden: its dates, application window, fee and limits."""

    class FeeBasis(models.TextChoices):
        PER_PLOT = "per_plot", _("per plot")
        PER_M2 = "per_m2", _("per m²")

    garden = models.ForeignKey(
        Garden, verbose_name=_("garden"), on_delete=models.CASCADE, related_name="seasons"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    applications_open_on = models.DateField(_("applications open on"))
    applications_close_on = models.DateField(_("applications close on"))
    fee_cents = models.PositiveIntegerField(_("fee (cents)"), default=0)
    fee_basis = models.CharField(
        _("fee basis"), max_length=10, choices=FeeBasis.choices, default=FeeBasis.PER_PLOT
    )
    max_plots_per_gardener = models.PositiveSmallIntegerField(
        _("maximum plots per gardener"), default=1
    )
    approval_required = models.BooleanField(_("coordinators approve reservations"), default=False)
    required_work_hours = models.DecimalField(
        _("required work hours"), max_digits=5, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["garden", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="gardens_season_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close_on__gte=models.F("applications_open_on")),
                name="gardens_season_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(max_plots_per_gardener__gte=1),
                name="gardens_season_max_plots_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.garden} — {self.name}"

    def applications_open(self, today: date) -> bool:
        return self.applications_open_on <= today <= self.applications_close_on

    def fee_for(self, plot: Plot) -> int:
        """The season's fee for one plot, in cents."""
        if self.fee_basis == self.FeeBasis.PER_M2:
            return times(self.fee_cents, plot.area_m2)
        return self.fee_cents


class Reservation(models.Model):
    """A gardener's plot for one season. At most one active reservation per plot and season."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        RESERVED = "reserved", _("reserved")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.PENDING, Status.RESERVED)

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("cash")
        CHEQUE = "cheque", _("cheque")
        TRANSFER = "transfer", _("bank transfer")
        CARD = "card", _("card")
        OTHER = "other", _("other")

    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="reservations"
    )
    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="reservations"
    )
    gardener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gardener"),
        on_delete=models.CASCADE,
        related_name="plot_reservations",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    fee_cents = models.PositiveIntegerField(_("fee (cents)"), default=0)
    fee_paid = models.BooleanField(_("fee paid"), default=False)
    fee_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    fee_paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["season", "plot__code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plot", "season"],
                condition=models.Q(status__in=["pending", "reserved"]),
                name="gardens_one_active_reservation_per_plot",
            ),
        ]
        indexes = [models.Index(fields=["gardener", "season", "status"])]

    def __str__(self) -> str:
        return f"{self.plot.code} — {self.gardener} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class WaitlistEntry(models.Model):
    """A gardener waiting for a plot in a season, with preferences; first come, first served."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offer in progress")
        SATISFIED = "satisfied", _("got a plot")
        LEFT = "left", _("left the list")

    ACTIVE = (Status.WAITING, Status.OFFERED)

    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="waitlist"
    )
    gardener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gardener"),
        on_delete=models.CASCADE,
        related_name="garden_waitlist_entries",
    )
    min_area_m2 = models.PositiveIntegerField(_("minimum area (m²)"), default=0)
    needs_water_point = models.BooleanField(_("needs a water point"), default=False)
    needs_raised_bed = models.BooleanField(_("needs a raised bed"), default=False)
    needs_accessible = models.BooleanField(_("needs wheelchair access"), default=False)
    needs_shed = models.BooleanField(_("needs a shed"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        ordering = ["season", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "gardener"],
                condition=models.Q(status__in=["waiting", "offered"]),
                name="gardens_one_active_waitlist_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gardener} — {self.season}"

    def matches(self, plot: Plot) -> bool:
        """Whether ``plot`` meets this gardener's preferences."""
        return (
            plot.area_m2 >= self.min_area_m2
            and (plot.has_water_point or not self.needs_water_point)
            and (plot.is_raised_bed or not self.needs_raised_bed)
            and (plot.is_accessible or not self.needs_accessible)
            and (plot.has_shed or not self.needs_shed)
        )


class Offer(models.Model):
    """A freed plot offered to a waiting gardener until ``expires_at``."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    entry = models.ForeignKey(
        WaitlistEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="offers"
    )
    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="offers"
    )
    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="offers"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reservation = models.OneToOneField(
        Reservation,
        verbose_name=_("reservation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer",
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plot", "season"],
                condition=models.Q(status="open"),
                name="gardens_one_open_offer_per_plot",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="open"),
                name="gardens_one_open_offer_per_entry",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.plot.code} → {self.entry.gardener} ({self.get_status_display()})"


class WorkDay(models.Model):
    """A shared work day of a garden, with a capacity."""

    garden = models.ForeignKey(
        Garden, verbose_name=_("garden"), on_delete=models.CASCADE, related_name="work_days"
    )
    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="work_days"
    )
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=3)
    capacity = models.PositiveIntegerField(_("capacity"), default=10)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("work day")
        verbose_name_plural = _("work days")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.garden} — {self.title}"


class WorkDaySignup(models.Model):
    """A gardener signed up for a work day; attendance and hours are recorded afterwards."""

    work_day = models.ForeignKey(
        WorkDay, verbose_name=_("work day"), on_delete=models.CASCADE, related_name="signups"
    )
    gardener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gardener"),
        on_delete=models.CASCADE,
        related_name="work_day_signups",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work-day sign-up")
        verbose_name_plural = _("work-day sign-ups")
        ordering = ["work_day", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_day", "gardener"], name="gardens_one_signup_per_work_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gardener} — {self.work_day}"
