"""AMAP subscriptions: a producer's basket season, households' subscriptions, skipped weeks,
pauses, the waiting list, and the link between a subscription and each week's basket order.

Tables keep the names they had when this lived in ``orders`` (``db_table``). The database keeps
the last line of defence: one live subscription per household and season,
one skip per subscription and week, one credited week per subscription and week, one basket order per subscription and distribution (and
per week), one live waiting-list entry per household and season.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from payments.models import Payment

# The payments of a subscription name it by this purpose kind (and its id).
PAYMENT_KIND = "subscription"


class BasketSeason(models.Model):
    """A basket product offered for a season at some pickup points, prepaid by the week."""

    product = models.ForeignKey(
        "producers.Product",
        on_delete=models.PROTECT,
        related_name="basket_seasons",
        verbose_name=_("basket product"),
    )
    starts_on = models.DateField(_("first week (Monday)"))
    ends_on = models.DateField(_("last week (Monday)"))
    pickup_points = models.ManyToManyField(
        "pickup.PickupPoint", related_name="basket_seasons", verbose_name=_("pickup points")
    )
    price_cents = models.PositiveIntegerField(_("price per week (cents)"))
    max_subscribers = models.PositiveIntegerField(_("maximum number of subscribers"))
    max_skips = models.PositiveIntegerField(_("maximum skipped weeks"), default=4)
    skip_deadline_hours = models.PositiveIntegerField(
        _("skip at the latest (hours before the cutoff)"), default=24
    )
    offer_hours = models.PositiveIntegerField(_("waiting-list offers last (hours)"), default=48)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_basketseason"
        verbose_name = _("basket season")
        verbose_name_plural = _("basket seasons")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="orders_season_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(max_subscribers__gte=1), name="orders_season_has_places"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.starts_on:%Y-%m-%d} → {self.ends_on:%Y-%m-%d}"

    def weeks(self, *, since=None) -> list:
        """The season's Mondays (from ``since``'s week on, if given)."""
        first = self.starts_on - timedelta(days=self.starts_on.weekday())
        if since is not None:
            since = since - timedelta(days=since.weekday())
            first = max(first, since)
        if first > self.ends_on:
            return []
        # Counted, not stepped past the end: a season ending in the calendar's last week works.
        count = (self.ends_on - first).days // 7 + 1
        return [first + timedelta(weeks=n) for n in range(count)]


LIVE_SUBSCRIPTION = ("pending", "active")


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting payment")
        ACTIVE = "active", _("active")
        CANCELLED = "cancelled", _("cancelled")

    season = models.ForeignKey(
        BasketSeason,
        verbose_name=_("season"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    pickup_point = models.ForeignKey(
        "pickup.PickupPoint",
        verbose_name=_("pickup point"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    first_week = models.DateField(_("first week (Monday)"))
    price_cents = models.PositiveIntegerField(_("price per week (cents)"))
    weeks_paid = models.PositiveIntegerField(_("weeks paid"))
    total_cents = models.PositiveIntegerField(_("season total (cents)"))
    credit_used_cents = models.PositiveIntegerField(
        verbose_name=_("credit used (cents)"), default=0
    )
    card_cents = models.PositiveIntegerField(verbose_name=_("card (cents)"), default=0)
    intent_id = models.CharField(verbose_name=_("intent id"), max_length=255, blank=True)
    payment_attempts = models.PositiveIntegerField(verbose_name=_("payment attempts"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)

    class Meta:
        db_table = "orders_subscription"
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "household"],
                condition=models.Q(status__in=LIVE_SUBSCRIPTION),
                name="orders_subscription_one_live_per_season",
            ),
        ]
        indexes = [
            models.Index(fields=["pickup_point", "status"], name="orders_subscription_point_idx")
        ]

    def __str__(self) -> str:
        return f"{self.household} — {self.season}"

    @property
    def payments(self) -> models.QuerySet[Payment]:
        """The season's payment attempts, oldest first (they name it by their purpose)."""
        return Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=self.pk).order_by("pk")


class SubscriptionPause(models.Model):
    """The household stops the basket between two dates (each week inside is a skip)."""

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="pauses",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_subscriptionpause"
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="orders_pause_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.starts_on} → {self.ends_on}"


class SubscriptionSkip(models.Model):
    """One week without a basket, credited to the household's balance."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="skips"
    )
    week = models.DateField(_("week (Monday)"))
    pause = models.ForeignKey(
        SubscriptionPause,
        verbose_name=_("pause"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="skips",
    )
    credited_cents = models.PositiveIntegerField(verbose_name=_("credited (cents)"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_subscriptionskip"
        verbose_name = _("skipped week")
        verbose_name_plural = _("skipped weeks")
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "week"], name="orders_skip_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.week}"


class BasketOrder(models.Model):
    """The order made for a subscription at one distribution (prepaid with the season)."""

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        related_name="basket_orders",
    )
    distribution = models.ForeignKey(
        "pickup.Distribution",
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="basket_orders",
    )
    week = models.DateField(verbose_name=_("week"))
    # Born paid: the season's prepayment is the order's ``prepaid_cents``.
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="basket"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_basketorder"
        verbose_name = _("basket order")
        verbose_name_plural = _("basket orders")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "distribution"], name="orders_basket_once_per_distribution"
            ),
            models.UniqueConstraint(
                fields=["subscription", "week"], name="orders_basket_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} → {self.order}"


class CreditedWeek(models.Model):
    """A paid basket week that brought no basket, credited to the household with its reason:
    the distribution was cancelled, or the farm's basket offer was missing or sold out. With
    the basket orders (delivered) and the skips (credited by the household's choice), every
    basket week is in exactly one of three states; one row per subscription and week."""

    class Reason(models.TextChoices):
        DISTRIBUTION_CANCELLED = "distribution_cancelled", _("distribution cancelled")
        BASKET_MISSING = "basket_missing", _("basket not offered by the farm")
        SOLD_OUT = "sold_out", _("basket sold out")
        NO_DISTRIBUTION = "no_distribution", _("no distribution at the pickup point that week")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        related_name="credited_weeks",
    )
    week = models.DateField(_("week (Monday)"))
    distribution = models.ForeignKey(
        "pickup.Distribution",
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_weeks",
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    credited_cents = models.PositiveIntegerField(_("credited (cents)"))
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credited week")
        verbose_name_plural = _("credited weeks")
        ordering = ["week", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "week"], name="subscriptions_credited_once_per_week"
            ),
            models.CheckConstraint(
                condition=models.Q(credited_cents__gt=0),
                name="subscriptions_credited_week_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.week} ({self.reason})"


class SubscriptionWaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered a place")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("offer expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    season = models.ForeignKey(
        BasketSeason, verbose_name=_("season"), on_delete=models.CASCADE, related_name="waitlist"
    )
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="basket_waitlist",
    )
    pickup_point = models.ForeignKey(
        "pickup.PickupPoint",
        verbose_name=_("pickup point"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    offered_at = models.DateTimeField(verbose_name=_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(
        verbose_name=_("offer expires at"), null=True, blank=True
    )

    class Meta:
        db_table = "orders_subscriptionwaitlistentry"
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "household"],
                condition=models.Q(status__in=("waiting", "offered")),
                name="orders_basket_waitlist_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "offer_expires_at"], name="orders_waitlist_expiry_idx")
        ]

    def __str__(self) -> str:
        return f"{self.household} — {self.season}"
