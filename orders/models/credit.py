"""The household's credit: a ledger of movements; the balance is their sum, never stored.

Every movement is a row (amount in cents, + credited / − spent, reason, reference). The
unique (household, reason, reference) makes each movement happen once, whoever retries it.
Services lock the household's row before summing, so two payments cannot both spend the same
credit (``orders.services.credit``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditEntry(models.Model):
    class Reason(models.TextChoices):
        SKIP = "skip", _("basket week skipped")
        CANCELLATION = "cancellation", _("subscription cancelled")
        PAYMENT = "payment", _("spent on a payment")
        REFUND = "refund", _("refund kept as credit")
        ADJUSTMENT = "adjustment", _("adjustment")

    household = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries"
    )
    amount_cents = models.IntegerField(_("amount (cents)"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=100)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_preference"
    )
    refunds_to_credit = models.BooleanField(_("keep refunds as credit"), default=False)

    class Meta:
        verbose_name = _("credit preference")
        verbose_name_plural = _("credit preferences")

    def __str__(self) -> str:
        return str(self.user)
