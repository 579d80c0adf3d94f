"""Money that knows no order: the household's Stripe customer, payment attempts for any
purpose, refunds, Stripe events, and the household's credit ledger (wallet).

Tables keep the names they had when this lived in ``orders`` (``db_table``): moving the code
changed no row. The database keeps the last line of defence: unique PaymentIntent ids, unique
refund keys, each Stripe event stored once, each credit movement once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.gateway import SellerOfRecord


class Capture(models.TextChoices):
    MANUAL = "manual", _("authorised, captured at the close")
    AUTOMATIC = "automatic", _("captured now, refunded at the close")


class StripeCustomer(models.Model):
    """The household's Stripe customer (created lazily); its saved cards are :class:`SavedCard`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="stripe_customer",
    )
    customer_id = models.CharField(verbose_name=_("customer id"), max_length=255, unique=True)
    # A SetupIntent not used yet: reused for the next checkout instead of creating another.
    setup_intent_id = models.CharField(
        verbose_name=_("setup intent id"), max_length=255, blank=True
    )
    setup_client_secret = models.CharField(
        verbose_name=_("setup client secret"), max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")
        db_table = "orders_stripecustomer"

    def __str__(self) -> str:
        return self.customer_id


class SavedCard(models.Model):
    """A card of the household's that has paid once (a declined card never gets here): the
    household picks one at checkout and may remove it (detached at Stripe). The card used
    last is the one offered first."""

    customer = models.ForeignKey(
        StripeCustomer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="cards"
    )
    payment_method_id = models.CharField(
        verbose_name=_("payment method id"), max_length=255, unique=True
    )
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last 4 digits"), max_length=4, blank=True)
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), default=timezone.now)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        ordering = ["-last_used_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.brand.upper()} •••• {self.last4}"


class Payment(models.Model):
    """One attempt to charge a card for something: a Stripe PaymentIntent, mirrored (amounts
    as Stripe last told us). What is paid — its *purpose* — is named by a kind (``order``,
    ``subscription``…) and the id of the thing in its owner app, which payments does not know
    (:mod:`payments.purposes`).

    The row is written BEFORE Stripe is called, in status ``creating``, under the lock of the
    thing paid: a payable thing has at most one live attempt (:data:`LIVE_PAYMENT_STATUSES`), so
    concurrent clicks make one PaymentIntent. Its idempotency key
    (``<kind>-<id>-payment-<attempt>``) is sent to Stripe with it, so a retry of an attempt
    whose answer was lost gets the same PaymentIntent back."""

    purpose_kind = models.CharField(_("paid for"), max_length=30)
    purpose_id = models.PositiveBigIntegerField(_("reference"))
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    # Empty (NULL) while the attempt is ``creating``: Stripe has not answered yet.
    intent_id = models.CharField(
        verbose_name=_("intent id"), max_length=255, unique=True, null=True, blank=True
    )
    attempt = models.PositiveIntegerField(verbose_name=_("attempt"), default=0)
    capture_method = models.CharField(
        verbose_name=_("capture method"), max_length=10, choices=Capture.choices
    )
    status = models.CharField(verbose_name=_("status"), max_length=40)
    amount_cents = models.PositiveIntegerField(verbose_name=_("amount (cents)"))
    amount_capturable_cents = models.PositiveIntegerField(
        verbose_name=_("amount capturable (cents)"), default=0
    )
    amount_received_cents = models.PositiveIntegerField(
        verbose_name=_("amount received (cents)"), default=0
    )
    payment_method_id = models.CharField(
        verbose_name=_("payment method id"), max_length=255, blank=True
    )
    # For 3-D Secure: the browser confirms a ``requires_action`` PaymentIntent with it.
    client_secret = models.CharField(verbose_name=_("client secret"), max_length=255, blank=True)
    # The code of the refusal a ``failed`` attempt met (``card_declined``...).
    failure_code = models.CharField(verbose_name=_("failure code"), max_length=40, blank=True)
    # Credit reserved for this attempt: written to the ledger only when the attempt holds
    # money; while it is live and holds none, it is kept out of the credit others may spend
    # (``payments.services.wallet.available``). A failed attempt leaves no ledger line.
    credit_cents = models.PositiveIntegerField(verbose_name=_("credit (cents)"), default=0)
    # A destination charge (the seller of record is a connected account: an AMAP farm): the
    # account the money goes to, and what the platform keeps of it. Empty: the platform's
    # own charge.
    seller_account_id = models.CharField(_("seller's Stripe account"), max_length=255, blank=True)
    application_fee_cents = models.PositiveIntegerField(_("platform fee (cents)"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["pk"]
        db_table = "orders_payment"
        indexes = [
            models.Index(fields=["purpose_kind", "purpose_id"], name="payments_payment_purpose")
        ]

    def __str__(self) -> str:
        return self.intent_id or f"{self.idempotency_key} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"{self.purpose_kind}-{self.purpose_id}-payment-{self.attempt}"

    @property
    def seller(self) -> SellerOfRecord | None:
        """The :class:`payments.gateway.SellerOfRecord` of a destination charge, else None."""
        if not self.seller_account_id:
            return None
        return SellerOfRecord(self.seller_account_id, self.application_fee_cents)

    @property
    def holds_money(self) -> bool:
        return self.status in HOLDING_MONEY

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PAYMENT_STATUSES


# An attempt in one of these may still take (or holds) the household's money: while one
# exists, no other attempt is made for the same order or subscription. Ours: ``creating``
# (being sent to Stripe), ``unknown`` (the call ended without an answer: to be sent again with
# the same key); not live, ``failed`` (refused before any PaymentIntent existed). The others
# are Stripe's PaymentIntent statuses.
# A PaymentIntent in one of these holds the household's money (authorised, or captured).
HOLDING_MONEY = ("requires_capture", "succeeded")

LIVE_PAYMENT_STATUSES = (
    "creating",
    "unknown",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
    "succeeded",
)

# A live attempt that holds no money yet keeps its reserved credit (``credit_cents``) aside.
RESERVING_CREDIT = tuple(s for s in LIVE_PAYMENT_STATUSES if s not in HOLDING_MONEY)


class Refund(models.Model):
    """Money given back. ``key`` (what is refunded and why) is unique and is also Stripe's
    idempotency key: a retry finds the row and never refunds twice."""

    class Reason(models.TextChoices):
        HOUSEHOLD = "household", _("changed or cancelled by the household")
        CLOSE = "close", _("not sold at the close")
        EXPIRED = "expired", _("paid after the order expired")
        DISTRIBUTION_CANCELLED = "distribution", _("the distribution was cancelled")
        DUPLICATE = "duplicate", _("paid twice: the second payment is given back")
        SHORT = "short", _("not delivered: marked short after the close")
        WEIGHED = "weighed", _("weighed lighter after the price was final")
        WITHDRAWAL = "withdrawal", _("credit given back to the card")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    reason = models.CharField(verbose_name=_("reason"), max_length=20, choices=Reason.choices)
    amount_cents = models.PositiveIntegerField(verbose_name=_("amount (cents)"))
    stripe_refund_id = models.CharField(
        verbose_name=_("stripe refund id"), max_length=255, blank=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        db_table = "orders_refund"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="orders_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Dispute(models.Model):
    """A household's bank disputing a card payment (a chargeback), as Stripe reports it. The
    disputed money leaves the platform's balance while the dispute is open; a dispute **lost**
    keeps it gone: it is then given back like a refund after the fact, borne by the farms, the
    host and the platform in proportion to what each earned of the payment (``billing``). A
    dispute won changes nothing. Closed (won or lost), its outcome is final."""

    class Status(models.TextChoices):
        WARNING_NEEDS_RESPONSE = "warning_needs_response", _("inquiry: needs a response")
        WARNING_UNDER_REVIEW = "warning_under_review", _("inquiry: under review")
        WARNING_CLOSED = "warning_closed", _("inquiry closed")
        NEEDS_RESPONSE = "needs_response", _("needs a response")
        UNDER_REVIEW = "under_review", _("under review")
        WON = "won", _("won")
        LOST = "lost", _("lost")
        PREVENTED = "prevented", _("prevented")

    CLOSED = (Status.WON, Status.LOST, Status.WARNING_CLOSED, Status.PREVENTED)

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="disputes"
    )
    dispute_id = models.CharField(verbose_name=_("dispute id"), max_length=255, unique=True)
    amount_cents = models.PositiveIntegerField(_("disputed (cents)"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=50, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="payments_dispute_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.dispute_id


class StripeEvent(models.Model):
    """Each Stripe event, stored once in the same transaction as its effect. An event that
    cannot be applied (malformed body, unknown PaymentIntent) is stored with the reason it was
    ignored, and answered 200 so that Stripe stops sending it."""

    event_id = models.CharField(verbose_name=_("event id"), max_length=255, unique=True)
    type = models.CharField(verbose_name=_("type"), max_length=100)
    ignored = models.CharField(verbose_name=_("ignored"), max_length=100, blank=True)
    received_at = models.DateTimeField(verbose_name=_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        db_table = "orders_stripeevent"

    def __str__(self) -> str:
        return self.event_id


# --- The household's credit (wallet) -------------------------------------------------------
# A ledger of movements; the balance is their sum, never stored. Every movement is a row
# (amount in cents, + credited / − spent, reason, reference); the unique (household, reason,
# reference) makes each movement happen once, whoever retries it. Services lock the household's
# row before summing, so two payments cannot both spend the same credit
# (``payments.services.wallet``).


class CreditEntry(models.Model):
    class Reason(models.TextChoices):
        SKIP = "skip", _("basket week skipped")
        CANCELLATION = "cancellation", _("subscription cancelled")
        PAYMENT = "payment", _("spent on a payment")
        REFUND = "refund", _("refund kept as credit")
        ADJUSTMENT = "adjustment", _("adjustment")
        TOPUP = "topup", _("credit topped up by card")
        WITHDRAWAL = "withdrawal", _("credit given back to the card")

    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    amount_cents = models.IntegerField(_("amount (cents)"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=100)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        db_table = "orders_creditentry"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "reason", "reference"], name="orders_credit_movement_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(amount_cents=0), name="orders_credit_amount_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents:+d} ({self.reason} {self.reference})"


class CreditPreference(models.Model):
    """Per-household choice: money given back at the sale close goes to credit, not the card."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="credit_preference",
    )
    refunds_to_credit = models.BooleanField(_("keep refunds as credit"), default=False)

    class Meta:
        verbose_name = _("credit preference")
        verbose_name_plural = _("credit preferences")
        db_table = "orders_creditpreference"

    def __str__(self) -> str:
        return str(self.user)


class Topup(models.Model):
    """The household adds credit by card: one amount, paid by one PaymentIntent captured at
    once (the ``topup`` purpose, :mod:`payments.services.topups`). The credit is added once,
    when a payment of it has succeeded (``credited_at``)."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
        PAID = "paid", _("paid")

    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="topups",
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    status = models.CharField(
        verbose_name=_("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_PAYMENT,
    )
    payment_attempts = models.PositiveIntegerField(verbose_name=_("payment attempts"), default=0)
    # The payment whose money became the credit; any other that holds money is given back.
    paid_by = models.OneToOneField(
        Payment,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topup_paid",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    credited_at = models.DateTimeField(verbose_name=_("credited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit top-up")
        verbose_name_plural = _("credit top-ups")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="payments_topup_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"topup-{self.pk}"


# --- Stripe Connect: the accounts of farms and hosts, and the transfers paid to them --------


class ConnectedAccount(models.Model):
    """The Stripe Express account a farm or a host is paid on. Its owner is named by a kind
    (``producer``, ``pickup_point``) and an id, as a payment names its purpose: payments knows
    no farm. What Stripe says of it is mirrored here, kept current by ``account.updated``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("onboarding not finished")
        NEEDS_INFORMATION = "needs_information", _("more information needed")
        ACTIVE = "active", _("active")
        RESTRICTED = "restricted", _("restricted")

    owner_kind = models.CharField(_("owner"), max_length=30)
    owner_id = models.PositiveBigIntegerField(_("reference"))
    account_id = models.CharField(verbose_name=_("account id"), max_length=255, unique=True)
    charges_enabled = models.BooleanField(verbose_name=_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(verbose_name=_("payouts enabled"), default=False)
    details_submitted = models.BooleanField(verbose_name=_("details submitted"), default=False)
    # Stripe's ``requirements.currently_due`` + ``past_due``: what it still asks for.
    requirements_due = models.JSONField(
        verbose_name=_("requirements due"), default=list, blank=True
    )
    disabled_reason = models.CharField(
        verbose_name=_("disabled reason"), max_length=100, blank=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_id"], name="payments_one_account_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.account_id

    @property
    def status(self) -> str:
        if self.charges_enabled and self.payouts_enabled:
            return self.Status.ACTIVE
        if self.disabled_reason.startswith(("rejected", "listed", "platform_paused")):
            return self.Status.RESTRICTED
        if not self.details_submitted:
            return self.Status.PENDING
        if self.requirements_due:
            return self.Status.NEEDS_INFORMATION
        # Submitted, nothing asked: Stripe is verifying, or keeps the account disabled.
        return self.Status.RESTRICTED if self.disabled_reason else self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def can_receive_transfers(self) -> bool:
        return self.payouts_enabled

    @property
    def can_take_charges(self) -> bool:
        return self.charges_enabled


class Transfer(models.Model):
    """Money sent from the platform's balance to a connected account. ``key`` names what it
    pays (one payout) and is Stripe's idempotency key: the row is written before Stripe is
    called (``creating``), so one key is one transfer whoever runs it, twice or at once."""

    class Status(models.TextChoices):
        CREATING = "creating", _("being sent")
        UNKNOWN = "unknown", _("answer lost, to send again")
        SENT = "sent", _("sent")
        FAILED = "failed", _("refused")

    account = models.ForeignKey(
        ConnectedAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    transfer_group = models.CharField(verbose_name=_("transfer group"), max_length=255)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.CREATING
    )
    transfer_id = models.CharField(
        verbose_name=_("transfer id"), max_length=255, unique=True, null=True, blank=True
    )
    failure_code = models.CharField(verbose_name=_("failure code"), max_length=60, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="payments_transfer_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.transfer_id or self.key


class TransferReversal(models.Model):
    """Part of a transfer taken back (money refunded to a household after it went out). Its
    ``key`` is unique and Stripe's idempotency key, like a transfer's."""

    class Status(models.TextChoices):
        CREATING = "creating", _("being sent")
        UNKNOWN = "unknown", _("answer lost, to send again")
        SENT = "sent", _("taken back")
        FAILED = "failed", _("refused")

    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfer"), on_delete=models.PROTECT, related_name="reversals"
    )
    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.CREATING
    )
    reversal_id = models.CharField(
        verbose_name=_("reversal id"), max_length=255, unique=True, null=True, blank=True
    )
    failure_code = models.CharField(verbose_name=_("failure code"), max_length=60, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("transfer reversal")
        verbose_name_plural = _("transfer reversals")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="payments_reversal_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.reversal_id or self.key
