"""Orders, their lines and pickup codes. The money around them (payments, refunds, credit)
is in ``payments``: an order's payments are those whose purpose is ``("order", order.pk)``.

Statuses move only through ``orders.services``; the database keeps the last line of defence:
one order per (household, idempotency key), one pickup code per household and distribution.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.money import times
from payments.models import Capture, Payment
from producers.models import Product

# The payments of an order name it by this purpose kind (and its id).
PAYMENT_KIND = "order"


class Order(models.Model):
    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
        PAID = "paid", _("paid")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        NO_SHOW = "no_show", _("not collected")

    Capture = Capture  # how its card payments are taken (payments.models.Capture)

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
    # Paid in advance, outside the order's own card payments (an AMAP season pays its weekly
    # basket order): the close settles only the rest.
    prepaid_cents = models.PositiveIntegerField(_("prepaid (cents)"), default=0)
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

    @property
    def payments(self) -> models.QuerySet[Payment]:
        """The order's payment attempts, oldest first (they name it by their purpose)."""
        return Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=self.pk).order_by("pk")


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
    # The product's VAT rate when the line was placed, in basis points like
    # ``Product.vat_rate`` (550 = 5.5 %): the receipt's VAT is computed from it.
    vat_rate = models.PositiveIntegerField(
        _("VAT rate"), choices=Product.VatRate.choices, default=Product.VatRate.REDUCED
    )
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
