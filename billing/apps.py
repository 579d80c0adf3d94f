from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Payouts")

    def ready(self) -> None:
        # Corrections after the close (orders), accounts becoming able to receive transfers and
        # disputes lost (payments) announce themselves; paying the farms and hosts is ours.
        from billing.books import check_payouts
        from billing.invoice_books import check_invoices
        from billing.tasks import pay_account_owner_task, settle_distribution_payouts_task
        from orders.models import PAYMENT_KIND as ORDER_KIND
        from orders.models import Order, OrderLine
        from orders.signals import line_corrected, order_weighed
        from payments.books import register_check
        from payments.models import Payment
        from payments.signals import account_updated, dispute_lost

        register_check("payouts", check_payouts)
        register_check("invoices", check_invoices)

        from accounts.personal_data import register as register_personal_data
        from billing.privacy import BILLING_DATA

        register_personal_data(BILLING_DATA)

        def after_line_corrected(sender, *, line_id: int, **kwargs) -> None:
            line = OrderLine.objects.filter(pk=line_id).values("order__distribution_id").first()
            if line:
                settle_distribution_payouts_task.delay(line["order__distribution_id"])

        def after_order_weighed(sender, *, order_id: int, **kwargs) -> None:
            order = Order.objects.filter(pk=order_id).values("distribution_id").first()
            if order:
                settle_distribution_payouts_task.delay(order["distribution_id"])

        def after_account_updated(sender, *, account_id: int, **kwargs) -> None:
            pay_account_owner_task.delay(account_id)

        def after_dispute_lost(sender, *, payment_id: int, **kwargs) -> None:
            order = (
                Payment.objects.filter(pk=payment_id, purpose_kind=ORDER_KIND)
                .values_list("purpose_id", flat=True)
                .first()
            )
            found = Order.objects.filter(pk=order).values("distribution_id").first()
            if found:
                settle_distribution_payouts_task.delay(found["distribution_id"])

        # A season paid: the farm gets its share at once (the farm sells its season itself).
        from billing.seasons import record_season_payout
        from subscriptions.signals import season_paid

        def after_season_paid(sender, *, subscription_id: int, **kwargs) -> None:
            record_season_payout(subscription_id=subscription_id)

        season_paid.connect(after_season_paid, weak=False, dispatch_uid="billing-season-paid")
        line_corrected.connect(after_line_corrected, weak=False, dispatch_uid="billing-corrected")
        order_weighed.connect(after_order_weighed, weak=False, dispatch_uid="billing-weighed")
        account_updated.connect(after_account_updated, weak=False, dispatch_uid="billing-account")
        dispute_lost.connect(after_dispute_lost, weak=False, dispatch_uid="billing-dispute")
