"""Each order line keeps the VAT rate of its product as it was placed (basis points, like
``Product.vat_rate``: 550 = 5.5 %). Existing lines take their product's current rate, in one
UPDATE."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_products(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    Offer = apps.get_model("producers", "Offer")
    rate = Offer.objects.filter(pk=OuterRef("offer_id")).values("product__vat_rate")[:1]
    OrderLine.objects.update(vat_rate=Subquery(rate))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_money_and_subscriptions_leave_orders"),
        ("producers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="vat_rate",
            field=models.PositiveIntegerField(
                choices=[(550, "5,5 %"), (1000, "10 %"), (2000, "20 %")],
                default=550,
                verbose_name="VAT rate",
            ),
        ),
        migrations.RunPython(fill_from_products, migrations.RunPython.noop),
    ]
