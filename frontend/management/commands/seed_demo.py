from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_accounts
from billing.demo import seed_payouts, transfers_recorded
from gardens.demo import seed_gardens
from handover.demo import seed_past_sale_at_host_point
from orders.demo import seed_orders
from pickup.demo import seed_pickup_points
from producers.demo import seed_producers
from subscriptions.demo import seed_subscription, seed_subscriptions


class Command(BaseCommand):
    help = (
        "Create or refresh the demo network around Lille (idempotent: run it as often as you like)."
    )

    def handle(self, *args, **options):
        # No Stripe server runs while seeding: transfers (and those sent after the commit) are
        # recorded under demo ids.
        with transfers_recorded(), transaction.atomic():
            self.seed()

    def seed(self):
        users = seed_accounts()
        producers = seed_producers(users)
        points = seed_pickup_points(users)
        gardens = seed_gardens(users)
        seed_subscriptions()  # AMAP baskets and the next weeks' catalogues
        seed_subscription(users)  # a subscription with a skipped week (its credit is used next)
        sale = seed_orders(users)  # a sale closed today, an order to pay, a skipped week
        past = seed_past_sale_at_host_point(users)  # a sale two days ago, handed over
        payouts = seed_payouts(past)  # its farms and host paid, one farm still pending
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(users)} accounts, {len(producers)} producers, "
                f"{len(points)} pickup points, {len(gardens)} garden(s); "
                f"sale closed today: distribution {sale.pk if sale else '-'}; "
                f"{len(payouts)} payouts of the sale two days ago. "
                f"Password for every demo account: {DEMO_PASSWORD}"
            )
        )
