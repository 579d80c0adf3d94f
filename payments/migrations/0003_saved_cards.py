"""Saved cards get their own rows (several per household); the one card a customer kept moves
there, then its columns go."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def keep_saved_cards(apps, schema_editor):
    StripeCustomer = apps.get_model("payments", "StripeCustomer")
    SavedCard = apps.get_model("payments", "SavedCard")
    SavedCard.objects.bulk_create(
        SavedCard(
            customer_id=customer.pk,
            payment_method_id=customer.payment_method_id,
            brand=customer.card_brand,
            last4=customer.card_last4,
        )
        for customer in StripeCustomer.objects.exclude(payment_method_id="")
    )


def back_to_one_card(apps, schema_editor):
    StripeCustomer = apps.get_model("payments", "StripeCustomer")
    SavedCard = apps.get_model("payments", "SavedCard")
    for card in SavedCard.objects.order_by("customer_id", "last_used_at", "pk"):
        StripeCustomer.objects.filter(pk=card.customer_id).update(
            payment_method_id=card.payment_method_id,
            card_brand=card.brand,
            card_last4=card.last4,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_refund_reason_short"),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedCard",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("payment_method_id", models.CharField(max_length=255, unique=True)),
                ("brand", models.CharField(blank=True, max_length=30, verbose_name="brand")),
                ("last4", models.CharField(blank=True, max_length=4, verbose_name="last 4 digits")),
                ("saved_at", models.DateTimeField(auto_now_add=True, verbose_name="saved")),
                (
                    "last_used_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="last used"
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cards",
                        to="payments.stripecustomer",
                    ),
                ),
            ],
            options={
                "verbose_name": "saved card",
                "verbose_name_plural": "saved cards",
                "ordering": ["-last_used_at", "-pk"],
            },
        ),
        migrations.RunPython(keep_saved_cards, back_to_one_card),
        migrations.RemoveField(model_name="stripecustomer", name="card_brand"),
        migrations.RemoveField(model_name="stripecustomer", name="card_last4"),
        migrations.RemoveField(model_name="stripecustomer", name="payment_method_id"),
    ]
