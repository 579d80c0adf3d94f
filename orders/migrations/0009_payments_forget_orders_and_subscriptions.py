"""Payments forget orders and subscriptions (their purpose names them); basket orders forget
their prepaid amount (their order keeps it). See 0007."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_fill_purposes_and_prepaid"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="payment", name="orders_payment_pays_one_thing"),
        migrations.RemoveField(model_name="payment", name="order"),
        migrations.RemoveField(model_name="payment", name="subscription"),
        migrations.RemoveField(model_name="refund", name="order"),
        migrations.AlterField(
            model_name="payment",
            name="purpose_id",
            field=models.PositiveBigIntegerField(verbose_name="reference"),
        ),
        migrations.AlterField(
            model_name="payment",
            name="payer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                fields=["purpose_kind", "purpose_id"], name="payments_payment_purpose"
            ),
        ),
        migrations.RemoveField(model_name="basketorder", name="prepaid_cents"),
    ]
