"""Orders, their lines and pickup codes. The money around them (payments, refunds, credit)
is in ``payments``: an order's payments are those whose purpose is ``("order", order.pk)``.

Statuses move only through ``orders.services``; the database keeps the last line of defence:
one order per (household, idempotency key), one pickup code per household and distribution.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from common.money import share_of, times
from orders.weights import price_per_kg_cents
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
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    distribution = models.ForeignKey(
        "pickup.Distribution",
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=255)
    # What the order was placed with (see orders.services.placing.request_fingerprint): the same
    # key with another request is refused. Empty for orders placed before it was kept.
    request_fingerprint = models.CharField(
        verbose_name=_("request fingerprint"), max_length=64, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT
    )
    total_cents = models.PositiveIntegerField(_("total (cents)"), default=0)
    # Paid in advance, outside the order's own card payments (an AMAP season pays its weekly
    # basket order): the close settles only the rest.
    prepaid_cents = models.PositiveIntegerField(_("prepaid (cents)"), default=0)
    # Authorised beyond ``total_cents`` for its lines sold by weight and not weighed yet (their
    # estimate's margin, see ``orders.weights``): the card is asked for total + margin.
    margin_cents = models.PositiveIntegerField(_("margin for weighed lines (cents)"), default=0)
    # Counts card failures: the PaymentIntent's idempotency key is order-<id>-payment-<n>.
    payment_attempts = models.PositiveIntegerField(verbose_name=_("payment attempts"), default=0)
    # Counts changes by the household: part of the refund key, so two equal changes both count.
    revision = models.PositiveIntegerField(verbose_name=_("revision"), default=0)
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
    def authorised_cents(self) -> int:
        """What paying the order asks for: its total and the margin of lines still to weigh."""
        return self.total_cents + self.margin_cents

    @property
    def to_weigh(self) -> bool:
        """Some active line sold by weight still waits for its real weight (reads the lines:
        prefetch them)."""
        return any(line.to_weigh for line in self.lines.all())

    @property
    def payments(self) -> models.QuerySet[Payment]:
        """The order's payment attempts, oldest first (they name it by their purpose)."""
        return Payment.objects.filter(purpose_kind=PAYMENT_KIND, purpose_id=self.pk).order_by("pk")


class PickupCode(models.Model):
    """A household's collection at a distribution: one code for all its orders there (one
    bag, one packing-list block, one handover). Unique per (distribution, household) and per
    (distribution, code): the database decides between two orders placed at once."""

    distribution = models.ForeignKey(
        "pickup.Distribution",
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="pickup_codes",
    )
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="pickup_codes",
    )
    code = models.CharField(_("pickup code"), max_length=8)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

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
        SHORT = "short", _("not delivered by the farm")
        WEIGHED = "weighed", _("weighed by the farm")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(
        "producers.Offer", verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="order_lines",
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
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    cancel_reason = models.CharField(
        verbose_name=_("cancel reason"), max_length=30, choices=Reason.choices, blank=True
    )
    # What was sold at the close, kept when the farm delivers less (``quantity`` is then what
    # was delivered and paid for); empty while the line was never corrected.
    ordered_quantity = models.PositiveIntegerField(_("quantity ordered"), null=True, blank=True)
    # Sold by weight: the estimated weight of one piece, in grams (empty for anything else;
    # ``unit_price_cents`` is then the estimated price of a piece), the farm's margin on the
    # estimate when it was placed, and once the farm weighed the line, its real weight (all
    # pieces) and the price of that weight, at most the estimate plus the margin (a line never
    # weighed by the handover costs its estimate: ``weighed_cents`` without ``weight_g``).
    estimated_weight_g = models.PositiveIntegerField(
        _("estimated weight of a piece (g)"), null=True, blank=True
    )
    margin_bp = models.PositiveIntegerField(_("margin (basis points)"), default=0)
    weight_g = models.PositiveIntegerField(_("real weight (g)"), null=True, blank=True)
    weighed_cents = models.PositiveIntegerField(
        _("price at the real weight (cents)"), null=True, blank=True
    )
    # Fee split, recorded at the close; they add up to the line's total to the cent.
    host_share_cents = models.PositiveIntegerField(
        verbose_name=_("host share (cents)"), null=True, blank=True
    )
    platform_share_cents = models.PositiveIntegerField(
        verbose_name=_("platform share (cents)"), null=True, blank=True
    )
    producer_share_cents = models.PositiveIntegerField(
        verbose_name=_("producer share (cents)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["producer_name", "product_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "offer"], name="orders_line_offer_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(weight_g__isnull=True)
                | models.Q(estimated_weight_g__isnull=False, weighed_cents__isnull=False),
                name="orders_line_weight_only_when_sold_by_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def total_cents(self) -> int:
        """What the line costs: the price of its real weight once weighed, else its estimate
        (``LINE_CENTS`` says the same in SQL)."""
        if self.weighed_cents is not None:
            return self.weighed_cents
        return self.estimate_cents

    @property
    def estimate_cents(self) -> int:
        return times(self.unit_price_cents, self.quantity)

    @property
    def sold_by_weight(self) -> bool:
        return self.estimated_weight_g is not None

    @property
    def to_weigh(self) -> bool:
        """Sold by weight, still active, and its price not final yet (not weighed, nor
        charged at its estimate)."""
        return (
            self.sold_by_weight and self.weighed_cents is None and self.status == self.Status.ACTIVE
        )

    @property
    def margin_cents(self) -> int:
        """Authorised beyond the estimate while the line is still to weigh."""
        return share_of(self.estimate_cents, self.margin_bp) if self.to_weigh else 0

    @property
    def price_per_kg_cents(self) -> int | None:
        """The estimate's price per kg of a line sold by weight (what its weight is charged
        at), for display; None for anything else."""
        if not self.sold_by_weight:
            return None
        return price_per_kg_cents(
            unit_price_cents=self.unit_price_cents, estimated_weight_g=self.estimated_weight_g
        )

    @property
    def estimated_total_weight_g(self) -> int | None:
        """The estimated weight of all the line's pieces (None: not sold by weight)."""
        return self.estimated_weight_g * self.quantity if self.sold_by_weight else None

    @property
    def most_cents(self) -> int:
        """The most the line can cost: its estimate plus the margin (for a line sold by
        weight), what it costs otherwise."""
        if self.sold_by_weight:
            return self.estimate_cents + share_of(self.estimate_cents, self.margin_bp)
        return self.total_cents


# A line's cost in SQL (see ``OrderLine.total_cents``).
LINE_CENTS = Coalesce(
    F("weighed_cents"), F("unit_price_cents") * F("quantity"), output_field=models.IntegerField()
)


class Settlement(models.Model):
    """What is left to do with an order's card money after the close, one row per order.

    The close decides under the distribution's lock how much the order's card payments keep
    (``card_keep_cents``) and writes this row, pending; a task per order then captures that
    much of an authorisation (or releases it), or refunds what a captured payment holds beyond
    it, outside the lock (:func:`orders.services.closing.settle_order`). A correction after the
    close (a line delivered short) lowers ``card_keep_cents``, adds one to ``round`` and makes
    the row pending again. An order with lines sold by weight still to weigh waits
    (``weighing``: nothing is captured or given back) until its last line is weighed or charged
    at its estimate (``orders.services.weighing``), then becomes pending for the real amount. ``round`` and the order's revision name the refunds of each round,
    so running a round twice refunds once."""

    class Status(models.TextChoices):
        # The close is done but lines sold by weight wait for their real weight.
        WEIGHING = "weighing", _("waiting for the real weights")
        PENDING = "pending", _("to settle")
        DONE = "done", _("settled")

    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="settlement"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    card_keep_cents = models.PositiveIntegerField(_("the card keeps (cents)"))
    # 0: the close; each correction after it adds one.
    round = models.PositiveIntegerField(_("round"), default=0)
    # Why money is given back in this round (a ``payments.models.Refund.Reason``).
    reason = models.CharField(_("reason"), max_length=20, default="close")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="orders_settlement_pending_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.status} · {self.card_keep_cents} c"


class LineChange(models.Model):
    """The audit trail of order lines: who changed which line, when, from what quantity to
    what (0: cancelled), and why. Written by every service that changes a line after it was
    placed; never changed."""

    line = models.ForeignKey(
        OrderLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="changes"
    )
    # Nobody for the system's own moves (the close, an expiry).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=OrderLine.Reason.choices)
    quantity_before = models.PositiveIntegerField(_("quantity before"))
    quantity_after = models.PositiveIntegerField(_("quantity after"))
    # A line sold by weight weighed by the farm (reason ``weighed``): its weight before
    # (empty: not weighed yet) and after, in grams.
    weight_before_g = models.PositiveIntegerField(_("weight before (g)"), null=True, blank=True)
    weight_after_g = models.PositiveIntegerField(_("weight after (g)"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("line change")
        verbose_name_plural = _("line changes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["line", "created_at"], name="orders_linechange_line_idx")]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.quantity_before} → {self.quantity_after} ({self.reason})"
