"""The money (payments, refunds, Stripe events and customers, the credit ledger) moves to the
``payments`` app and AMAP subscriptions to the ``subscriptions`` app: in Django's state only.
Their tables keep their names and every row (the new apps' first migrations take them over);
content types follow, so permissions and admin history keep pointing at the same rows."""

from django.db import migrations

MONEY = ["stripecustomer", "payment", "refund", "stripeevent", "creditentry", "creditpreference"]
SUBSCRIPTIONS = [
    "basketseason",
    "subscription",
    "subscriptionpause",
    "subscriptionskip",
    "subscriptionwaitlistentry",
    "basketorder",
]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app, models in (("payments", MONEY), ("subscriptions", SUBSCRIPTIONS)):
        for model in models:
            if not ContentType.objects.filter(app_label=app, model=model).exists():
                ContentType.objects.filter(app_label="orders", model=model).update(app_label=app)


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app, models in (("payments", MONEY), ("subscriptions", SUBSCRIPTIONS)):
        for model in models:
            if not ContentType.objects.filter(app_label="orders", model=model).exists():
                ContentType.objects.filter(app_label=app, model=model).update(app_label="orders")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_payments_forget_orders_and_subscriptions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Refund"),
                migrations.DeleteModel(name="Payment"),
                migrations.DeleteModel(name="StripeEvent"),
                migrations.DeleteModel(name="StripeCustomer"),
                migrations.DeleteModel(name="CreditEntry"),
                migrations.DeleteModel(name="CreditPreference"),
                migrations.DeleteModel(name="BasketOrder"),
                migrations.DeleteModel(name="SubscriptionSkip"),
                migrations.DeleteModel(name="SubscriptionPause"),
                migrations.DeleteModel(name="SubscriptionWaitlistEntry"),
                migrations.DeleteModel(name="Subscription"),
                migrations.DeleteModel(name="BasketSeason"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, content_types_back),
    ]
