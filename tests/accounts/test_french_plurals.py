"""Durations that come from a setting take a real plural in French (« 1 heure », « 48 heures »)."""

from django.test import override_settings
from django.utils import translation

from accounts.exports import queued_message
from payments.services.withdrawals import WithdrawalResult, withdrawal_message


def test_the_export_link_duration_agrees_with_its_hours():
    with translation.override("fr"):
        with override_settings(PERSONAL_DATA_EXPORT_LINK_HOURS=1):
            assert "(valable 1 heure)." in queued_message()
        with override_settings(PERSONAL_DATA_EXPORT_LINK_HOURS=48):
            assert "(valable 48 heures)." in queued_message()


def test_the_refund_window_agrees_with_its_days():
    result = WithdrawalResult(
        asked_cents=3000, refunded_cents=1000, kept_cents=2000, kept_reason="old_payments"
    )
    with translation.override("fr"):
        with override_settings(CREDIT_REFUND_WINDOW_DAYS=1):
            assert withdrawal_message(result).endswith("de plus de 1 jour.")
        with override_settings(CREDIT_REFUND_WINDOW_DAYS=180):
            assert withdrawal_message(result).endswith("de plus de 180 jours.")
