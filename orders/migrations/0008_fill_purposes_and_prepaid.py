"""Fill each payment's purpose and payer from its order or subscription, and each basket
order's prepaid amount onto its order (see 0007)."""

from django.db import migrations


def name_purposes(apps, schema_editor):
    Payment = apps.get_model("orders", "Payment")
    for payment in Payment.objects.select_related("order", "subscription").iterator():
        if payment.order_id:
            payment.purpose_kind, payment.purpose_id = "order", payment.order_id
            payment.payer_id = payment.order.household_id
        else:
            payment.purpose_kind, payment.purpose_id = "subscription", payment.subscription_id
            payment.payer_id = payment.subscription.household_id
        payment.save(update_fields=["purpose_kind", "purpose_id", "payer"])


def keep_prepaid_on_orders(apps, schema_editor):
    BasketOrder = apps.get_model("orders", "BasketOrder")
    Order = apps.get_model("orders", "Order")
    for basket in BasketOrder.objects.exclude(prepaid_cents=0).iterator():
        Order.objects.filter(pk=basket.order_id).update(prepaid_cents=basket.prepaid_cents)


def payments_back_to_their_things(apps, schema_editor):
    Payment = apps.get_model("orders", "Payment")
    Refund = apps.get_model("orders", "Refund")
    for payment in Payment.objects.iterator():
        field = "order_id" if payment.purpose_kind == "order" else "subscription_id"
        Payment.objects.filter(pk=payment.pk).update(**{field: payment.purpose_id})
        if payment.purpose_kind == "order":
            Refund.objects.filter(payment=payment).update(order_id=payment.purpose_id)


def prepaid_back_to_baskets(apps, schema_editor):
    BasketOrder = apps.get_model("orders", "BasketOrder")
    for basket in BasketOrder.objects.select_related("order").iterator():
        BasketOrder.objects.filter(pk=basket.pk).update(prepaid_cents=basket.order.prepaid_cents)


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_payments_name_their_purpose")]

    operations = [
        migrations.RunPython(name_purposes, payments_back_to_their_things),
        migrations.RunPython(keep_prepaid_on_orders, prepaid_back_to_baskets),
    ]
