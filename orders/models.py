"""Orders, their lines, and the money around them (payments, refunds, Stripe events).

Statuses move only through ``orders.services``; the database keeps the last line of defence:
unique PaymentIntent ids, unique refund keys, each Stripe event stored once, one order per
(household, idempotency key).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.money import times


class StripeCustomer(models.Model):
    """The household's Stripe customer (created lazily) and its saved card, if any."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer"
    )
    customer_id = models.CharField(max_length=255, unique=True)
    # A SetupIntent not used yet: reused for the next checkout instead of creating another.
    setup_intent_id = models.CharField(max_length=255, blank=True)
    setup_client_secret = models.CharField(max_length=255, blank=True)
    payment_method_id = models.CharField(max_length=255, blank=True)
    card_brand = models.CharField(max_length=30, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")

    def __str__(self) -> str:
        return self.customer_id


class Order(models.Model):
    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
        PAID = "paid", _("paid")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        NO_SHOW = "no_show", _("not collected")

    class Capture(models.TextChoices):
        MANUAL = "manual", _("authorised, captured at the close")
        AUTOMATIC = "automatic", _("captured now, refunded at the close")

    household = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    distribution = models.ForeignKey(
        "pickup.Distribution", on_delete=models.PROTECT, related_name="orders"
    )
    idempotency_key = models.CharField(max_length=255)
    # What the order was placed with (see orders.services.placing.request_fingerprint): the same
    # key with another request is refused. Empty for orders placed before it was kept.
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT
    )
    total_cents = models.PositiveIntegerField(_("total (cents)"), default=0)
    # Counts card failures: the PaymentIntent's idempotency key is order-<id>-payment-<n>.
    payment_attempts = models.PositiveIntegerField(default=0)
    # Counts changes by the household: part of the refund key, so two equal changes both count.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Distribution day: the code said (or scanned) at the handover. One per household per
    # distribution, shared by all its orders there (a copy of its PickupCode row).
    pickup_code = models.CharField(_("pickup code"), max_length=8, blank=True, default="")
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"], name="orders_order_idempotency_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="orders_order_status_idx"),
            models.Index(fields=["distribution", "status"], name="orders_order_distribution_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class PickupCode(models.Model):
    """A household's collection at a distribution: one code for all its orders there (one
    bag, one packing-list block, one handover). Unique per (distribution, household) and per
    (distribution, code): the database decides between two orders placed at once."""

    distribution = models.ForeignKey(
        "pickup.Distribution", on_delete=models.PROTECT, related_name="pickup_codes"
    )
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pickup_codes"
    )
    code = models.CharField(_("pickup code"), max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pickup code")
        verbose_name_plural = _("pickup codes")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "household"], name="orders_pickupcode_household_unique"
            ),
            models.UniqueConstraint(
                fields=["distribution", "code"], name="orders_pickupcode_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code


ACTIVE_STATUSES = (Order.Status.AWAITING_PAYMENT, Order.Status.PAID, Order.Status.CONFIRMED)
# Orders whose active lines were sold at the close: handed over (confirmed) or never collected.
SOLD_STATUSES = (Order.Status.CONFIRMED, Order.Status.NO_SHOW)


class OrderLine(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CANCELLED = "cancelled", _("cancelled")

    class Reason(models.TextChoices):
        HOUSEHOLD = "household", _("cancelled by the household")
        MINIMUM_NOT_REACHED = "minimum_not_reached", _("the farm's minimum was not reached")
        EXPIRED = "expired", _("not paid in time")
        UNPAID = "unpaid", _("not paid at the cutoff")
        DISTRIBUTION_CANCELLED = "distribution_cancelled", _("the distribution was cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey("producers.Offer", on_delete=models.PROTECT, related_name="+")
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="order_lines"
    )
    product_name = models.CharField(_("product"), max_length=150)
    producer_name = models.CharField(_("producer"), max_length=150)
    unit_price_cents = models.PositiveIntegerField(_("unit price (cents)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cancel_reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    # Fee split, recorded at the close; they add up to the line's total to the cent.
    host_share_cents = models.PositiveIntegerField(null=True, blank=True)
    platform_share_cents = models.PositiveIntegerField(null=True, blank=True)
    producer_share_cents = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["producer_name", "product_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "offer"], name="orders_line_offer_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def total_cents(self) -> int:
        return times(self.unit_price_cents, self.quantity)


class Payment(models.Model):
    """One attempt to charge a card for an order or a subscription: a Stripe PaymentIntent,
    mirrored (amounts as Stripe last told us).

    The row is written BEFORE Stripe is called, in status ``creating``, under the lock of the
    thing paid (the order or subscription row): a payable thing has at most one live attempt
    (:data:`LIVE_PAYMENT_STATUSES`), so concurrent clicks make one PaymentIntent. Its
    idempotency key (``order-<id>-payment-<attempt>``) is sent to Stripe with it, so a retry of
    an attempt whose answer was lost gets the same PaymentIntent back."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payments", null=True, blank=True
    )
    subscription = models.ForeignKey(
        "orders.Subscription",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )
    # Empty (NULL) while the attempt is ``creating``: Stripe has not answered yet.
    intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    capture_method = models.CharField(max_length=10, choices=Order.Capture.choices)
    status = models.CharField(max_length=40)
    amount_cents = models.PositiveIntegerField()
    amount_capturable_cents = models.PositiveIntegerField(default=0)
    amount_received_cents = models.PositiveIntegerField(default=0)
    payment_method_id = models.CharField(max_length=255, blank=True)
    # For 3-D Secure: the browser confirms a ``requires_action`` PaymentIntent with it.
    client_secret = models.CharField(max_length=255, blank=True)
    # The code of the refusal a ``failed`` attempt met (``card_declined``...).
    failure_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=False, subscription__isnull=True)
                | models.Q(order__isnull=True, subscription__isnull=False),
                name="orders_payment_pays_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.intent_id or f"{self.idempotency_key} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        if self.order_id:
            return f"order-{self.order_id}-payment-{self.attempt}"
        return f"subscription-{self.subscription_id}-payment-{self.attempt}"

    @property
    def holds_money(self) -> bool:
        return self.status in {"succeeded", "requires_capture"}

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PAYMENT_STATUSES


# An attempt in one of these may still take (or holds) the household's money: while one
# exists, no other attempt is made for the same order or subscription. Ours: ``creating``
# (being sent to Stripe), ``unknown`` (the call ended without an answer: to be sent again with
# the same key); not live, ``failed`` (refused before any PaymentIntent existed). The others
# are Stripe's PaymentIntent statuses.
LIVE_PAYMENT_STATUSES = (
    "creating",
    "unknown",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
    "succeeded",
)


class Refund(models.Model):
    """Money given back. ``key`` (what is refunded and why) is unique and is also Stripe's
    idempotency key: a retry finds the row and never refunds twice."""

    class Reason(models.TextChoices):
        HOUSEHOLD = "household", _("changed or cancelled by the household")
        CLOSE = "close", _("not sold at the close")
        EXPIRED = "expired", _("paid after the order expired")
        DISTRIBUTION_CANCELLED = "distribution", _("the distribution was cancelled")
        DUPLICATE = "duplicate", _("paid twice: the second payment is given back")

    # Empty for a refund of a subscription's payment.
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", null=True, blank=True
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    key = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    amount_cents = models.PositiveIntegerField()
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="orders_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class StripeEvent(models.Model):
    """Each Stripe event, stored once in the same transaction as its effect. An event that
    cannot be applied (malformed body, unknown PaymentIntent) is stored with the reason it was
    ignored, and answered 200 so that Stripe stops sending it."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    ignored = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return self.event_id
