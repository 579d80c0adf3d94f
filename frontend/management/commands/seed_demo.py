from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_accounts
from gardens.demo import seed_gardens
from orders.demo import seed_orders
from pickup.demo import seed_pickup_points
from producers.demo import seed_producers
from subscriptions.demo import seed_subscription, seed_subscriptions


class Command(BaseCommand):
    help = (
        "Create or refresh the demo network around Lille (idempotent: run it as often as you like)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        users = seed_accounts()
        producers = seed_producers(users)
        points = seed_pickup_points(users)
        gardens = seed_gardens(users)
        seed_subscriptions()  # AMAP baskets and the next weeks' catalogues
        seed_subscription(users)  # a subscription with a skipped week (its credit is used next)
        sale = seed_orders(users)  # a sale closed today, an order to pay, a skipped week
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(users)} accounts, {len(producers)} producers, "
                f"{len(points)} pickup points, {len(gardens)} garden(s); "
                f"sale closed today: distribution {sale.pk if sale else '-'}. "
                f"Password for every demo account: {DEMO_PASSWORD}"
            )
        )
