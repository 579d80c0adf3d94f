"""``manage.py reconcile``: check that every euro paid is kept, refunded or in a credit."""

from django.core.management.base import BaseCommand, CommandError

from common.money import format_eur
from payments.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Check every order, season and household credit: card received − refunded = kept for "
        "goods + credit; print what does not add up and exit non-zero."
    )

    def handle(self, *args, **options):
        report = reconcile()
        self.stdout.write(
            f"{report.accounts} accounts; card received {format_eur(report.card_received_cents)}"
            f", held {format_eur(report.card_authorised_cents)}, refunded {format_eur(report.card_refunded_cents)}; kept "
            f"{format_eur(report.kept_cents)}; credit {format_eur(report.credit_balance_cents)}"
        )
        for problem in report.problems:
            self.stdout.write(problem)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problem(s): the money does not add up")
        self.stdout.write(self.style.SUCCESS("Everything adds up."))
