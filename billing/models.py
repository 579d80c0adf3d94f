"""What farms and hosts are paid, per distribution.

One :class:`Payout` per farm and per host of each distribution (unique): what it earns there
(its share of the lines sold, recomputed after every correction), and the one transfer that
pays it (separate charges and transfers: the households paid the platform; the transfers share
the distribution's ``transfer_group``). Money refunded to a household after the transfer is
taken back from it (a :class:`payments.models.TransferReversal`); what the farm's Stripe
balance could not give back is a debt, taken from its next payout.

Every payout keeps, in cents: ``sent + debt_taken − reversed − debt = net`` once paid.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.services.paying import distribution_transfer_group
from payments.models import Transfer
from pickup.models import Distribution, PickupPoint
from producers.models import Producer


class Payout(models.Model):
    class Payee(models.TextChoices):
        FARM = "producer", _("farm")
        HOST = "pickup_point", _("host")

    class Status(models.TextChoices):
        # The distribution is not done yet (or its money not settled): nothing is sent.
        UPCOMING = "upcoming", _("after the distribution")
        WAITING_ACCOUNT = "waiting_account", _("to pay once payouts are activated")
        SENDING = "sending", _("being sent")
        PAID = "paid", _("paid")
        NOTHING = "nothing", _("nothing to pay")

    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    payee_kind = models.CharField(_("payee"), max_length=20, choices=Payee.choices)
    producer = models.ForeignKey(
        Producer,
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
    )
    pickup_point = models.ForeignKey(
        PickupPoint,
        verbose_name=_("pickup point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPCOMING
    )
    # The statement, as last computed from the lines sold (VAT included). ``season_cents``:
    # the farm's share of AMAP baskets whose season paid it already (see SeasonPayout).
    sales_cents = models.PositiveIntegerField(_("sales (cents)"), default=0)
    season_cents = models.PositiveIntegerField(_("paid with the season (cents)"), default=0)
    host_cents = models.PositiveIntegerField(_("host share (cents)"), default=0)
    platform_cents = models.PositiveIntegerField(_("platform share (cents)"), default=0)
    # The payee's part of disputes lost on these sales (the household's bank took it back).
    disputed_cents = models.PositiveIntegerField(_("lost to disputes (cents)"), default=0)
    net_cents = models.PositiveIntegerField(_("net (cents)"), default=0)
    # When paid: what the transfer sent, and an earlier debt it took off (``debt_taken``).
    sent_cents = models.PositiveIntegerField(_("sent (cents)"), default=0)
    debt_taken_cents = models.PositiveIntegerField(_("earlier debt deducted (cents)"), default=0)
    # After it: what was taken back, and what could not be (carried into the next payout).
    reversed_cents = models.PositiveIntegerField(_("taken back (cents)"), default=0)
    debt_cents = models.PositiveIntegerField(_("not taken back, carried (cents)"), default=0)
    transfer = models.OneToOneField(
        Transfer,
        verbose_name=_("transfer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout",
    )
    # Transfers refused (the platform's balance short...): the next run tries a new key.
    attempt = models.PositiveIntegerField(verbose_name=_("attempt"), default=0)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-distribution__starts_at", "payee_kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "producer"],
                condition=models.Q(payee_kind="producer"),
                name="billing_one_payout_per_farm",
            ),
            models.UniqueConstraint(
                fields=["distribution", "pickup_point"],
                condition=models.Q(payee_kind="pickup_point"),
                name="billing_one_payout_per_host",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(payee_kind="producer", producer__isnull=False, pickup_point=None)
                    | models.Q(payee_kind="pickup_point", pickup_point__isnull=False, producer=None)
                ),
                name="billing_payout_one_payee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee} — {self.distribution}"

    @property
    def payee(self):
        return self.producer if self.payee_kind == self.Payee.FARM else self.pickup_point

    @property
    def payee_id(self) -> int:
        return self.producer_id if self.payee_kind == self.Payee.FARM else self.pickup_point_id

    @property
    def transfer_group(self) -> str:
        return transfer_group(self.distribution_id)

    @property
    def held_cents(self) -> int:
        """What the payee holds of this payout now: sent and deducted, less taken back and
        carried as debt (equals ``net_cents`` once every reversal is done)."""
        return self.sent_cents + self.debt_taken_cents - self.reversed_cents - self.debt_cents


def transfer_group(distribution_id: int) -> str:
    return distribution_transfer_group(distribution_id)


class SeasonPayout(models.Model):
    """What a farm receives for one AMAP subscription (the AMAP charter: the farm sells its
    season itself, the household prepays it). Made when the subscription is paid: the farm's
    share of every paid week (``farm_cents``, the same split as a sold line's). The card's
    destination charge sent it ``charged_cents`` at once; what the household's credit paid
    reaches it by one transfer from the platform (``transfer``). Its baskets are then left out
    of the farm's distribution payouts (the host is still paid there).

    Weeks the household gets back as credit (skipped, cancelled, not delivered) were paid to the
    farm already: their share is ``returned_cents``, a debt taken from the farm's next payouts.

    Once paid: ``charged + transfer = farm``."""

    class Status(models.TextChoices):
        SENDING = "sending", _("being sent")
        WAITING_ACCOUNT = "waiting_account", _("to pay once payouts are activated")
        PAID = "paid", _("paid")

    subscription = models.OneToOneField(
        "subscriptions.Subscription",
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        related_name="season_payout",
    )
    producer = models.ForeignKey(
        Producer,
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="season_payouts",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENDING
    )
    farm_cents = models.PositiveIntegerField(_("farm's share of the season (cents)"))
    charged_cents = models.PositiveIntegerField(_("received with the card payment (cents)"))
    transfer = models.OneToOneField(
        Transfer,
        verbose_name=_("transfer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="season_payout",
    )
    attempt = models.PositiveIntegerField(verbose_name=_("attempt"), default=0)
    returned_cents = models.PositiveIntegerField(_("weeks given back (cents)"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("season payout")
        verbose_name_plural = _("season payouts")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(charged_cents__lte=models.F("farm_cents")),
                name="billing_season_charged_within_share",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_cents__lte=models.F("farm_cents")),
                name="billing_season_returned_within_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} — {self.subscription_id}"

    @property
    def to_transfer_cents(self) -> int:
        """What credit paid, sent by the platform's transfer."""
        return self.farm_cents - self.charged_cents

    @property
    def sent_cents(self) -> int:
        transfer = self.transfer
        sent = transfer.amount_cents if transfer and transfer.status == Transfer.Status.SENT else 0
        return self.charged_cents + sent


class BillingMandate(models.Model):
    """A farm's (or a host's) billing mandate: it lets the platform issue its invoices in its
    name and on its behalf (« autofacturation », CGI art. 289-I-2). Accepted once per version
    of the terms, dated, with the terms as they were read (``terms``) and who accepted them
    (kept by name as well: the row outlives the user's account). Until its payee has accepted
    the current terms, no invoice is issued in its name."""

    payee_kind = models.CharField(_("payee"), max_length=20, choices=Payout.Payee.choices)
    payee_id = models.PositiveBigIntegerField(_("reference"))
    terms_version = models.CharField(_("terms version"), max_length=20)
    terms = models.TextField(_("terms accepted"))
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by_name = models.CharField(_("accepted by"), max_length=200)

    class Meta:
        verbose_name = _("billing mandate")
        verbose_name_plural = _("billing mandates")
        ordering = ["-accepted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payee_kind", "payee_id", "terms_version"],
                name="billing_mandate_once_per_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee_kind} {self.payee_id} ({self.terms_version})"


class InvoiceSequence(models.Model):
    """The last number given in one series: per issuer (a farm, a host's point or the
    platform), document type and year. Numbers are taken under this row's lock, in the
    transaction that writes the document: a rolled-back issue gives its number back, so a
    series never has a gap, and never a duplicate."""

    prefix = models.CharField(verbose_name=_("prefix"), max_length=30)
    year = models.PositiveIntegerField(verbose_name=_("year"))
    last = models.PositiveIntegerField(verbose_name=_("last"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="billing_one_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Invoice(models.Model):
    """An issued invoice or credit note: everything it says is copied in when it is issued
    (seller, buyer, lines, VAT per rate), so it never changes after, whatever happens to the
    farm, the household or the order; only its PDF is written once, after the issue. A
    correction is a credit note naming the invoice it corrects, never an edit."""

    class Kind(models.TextChoices):
        # Goods a farm sold a household, issued in the farm's name (self-billing mandate).
        SALE = "sale", _("sales invoice")
        # The platform's commission, invoiced to a farm each month.
        COMMISSION = "commission", _("commission invoice")
        # A host's commission for a month, issued in the host's name to the platform.
        HOST = "host", _("host commission invoice")

    class Document(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    class Issuer(models.TextChoices):
        FARM = "producer", _("farm")
        HOST = "pickup_point", _("host")
        PLATFORM = "platform", _("platform")

    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    document = models.CharField(_("document"), max_length=12, choices=Document.choices)
    issuer_kind = models.CharField(_("issuer"), max_length=20, choices=Issuer.choices)
    issuer_id = models.PositiveBigIntegerField(_("issuer reference"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    # The date of the sale (the distribution's day), or the last day of a commission month.
    operation_date = models.DateField(_("date of the operation"))
    # A commission's month (its first day).
    period = models.DateField(_("month"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    # What it is about (kept: an invoice outlives nothing it names).
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    producer = models.ForeignKey(
        Producer,
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    pickup_point = models.ForeignKey(
        PickupPoint,
        verbose_name=_("pickup point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # The household buying (a sale): its account may be erased, the invoice keeps its name.
    household = models.ForeignKey(
        "accounts.User",
        verbose_name=_("household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # As they were at the issue: {name, legal_name, address, siret, vat_number, vat_regime,
    # vat_mention} for the seller and the buyer; the delivery address (the pickup point).
    seller = models.JSONField(_("seller"))
    buyer = models.JSONField(_("buyer"))
    delivery = models.CharField(_("delivery address"), max_length=400, blank=True)
    language = models.CharField(_("language"), max_length=10, default="fr")
    vat_liable = models.BooleanField(_("VAT charged"))
    total_incl_cents = models.PositiveIntegerField(_("total incl. VAT (cents)"))
    total_excl_cents = models.PositiveIntegerField(_("total excl. VAT (cents)"))
    vat_cents = models.PositiveIntegerField(_("VAT (cents)"))
    # [{rate, total_incl_cents, total_excl_cents, vat_cents}], lowest rate first.
    vat_rates = models.JSONField(_("VAT per rate"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(verbose_name=_("pdf sha256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One invoice per order and farm (its corrections are credit notes).
            models.UniqueConstraint(
                fields=["order", "producer"],
                condition=models.Q(kind="sale", document="invoice"),
                name="billing_one_sales_invoice",
            ),
            # One commission invoice per farm (host) and month.
            models.UniqueConstraint(
                fields=["producer", "period"],
                condition=models.Q(kind="commission", document="invoice"),
                name="billing_one_commission_invoice",
            ),
            models.UniqueConstraint(
                fields=["pickup_point", "period"],
                condition=models.Q(kind="host", document="invoice"),
                name="billing_one_host_invoice",
            ),
            models.CheckConstraint(
                condition=models.Q(document="invoice", corrects=None)
                | models.Q(document="credit_note", corrects__isnull=False),
                name="billing_credit_note_corrects_an_invoice",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total_excl_cents__lte=models.F("total_incl_cents"),
                    vat_cents=models.F("total_incl_cents") - models.F("total_excl_cents"),
                ),
                name="billing_invoice_totals_add_up",
            ),
        ]
        indexes = [
            models.Index(
                fields=["issuer_kind", "issuer_id", "issued_at"], name="billing_inv_issuer"
            ),
            models.Index(fields=["producer", "issued_at"], name="billing_inv_producer"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        # Issued is final: only the PDF is written afterwards, once.
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"pdf", "pdf_sha256"}:
            raise ValueError("An issued invoice is never changed (issue a credit note).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An issued invoice is never deleted.")

    @property
    def is_credit_note(self) -> bool:
        return self.document == self.Document.CREDIT_NOTE


class InvoiceLine(models.Model):
    """One line of an invoice, as issued. Amounts VAT included (what the household pays);
    ``total_excl_cents`` is shown per line, the VAT itself is computed per rate on the
    invoice's total (one rounding per rate)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price_excl_cents = models.PositiveIntegerField(_("unit price excl. VAT (cents)"))
    vat_rate = models.PositiveIntegerField(_("VAT rate (basis points)"))
    total_incl_cents = models.PositiveIntegerField(_("total incl. VAT (cents)"))
    total_excl_cents = models.PositiveIntegerField(_("total excl. VAT (cents)"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number} #{self.position}"
