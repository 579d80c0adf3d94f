"""Payments name what they pay by a purpose (kind, id) and the user who pays, instead of
foreign keys to orders and subscriptions (the payments layer knows neither); an order keeps
what was prepaid for it (an AMAP basket) itself. Three steps (add, fill, drop) so that no
table is altered after its rows changed in the same transaction (PostgreSQL refuses it while
deferred foreign-key checks are pending). Every row keeps its money."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_order_request_fingerprint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="purpose_kind",
            field=models.CharField(default="", max_length=30, verbose_name="paid for"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payment",
            name="purpose_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="reference"),
        ),
        migrations.AddField(
            model_name="payment",
            name="payer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="prepaid_cents",
            field=models.PositiveIntegerField(default=0, verbose_name="prepaid (cents)"),
        ),
    ]
