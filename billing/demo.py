"""Demo payouts: Les Jardins de la Deûle and the Wazemmes host have activated their payouts
and were paid for the point's finished distribution (the farm has accepted its billing
mandate); the Rucher des Weppes has not finished
its onboarding, so what it earned there waits ("à verser dès l'activation").

No Stripe server runs while seeding: the accounts are records of ours (``acct_demo_…``) and
the payout job runs with its transfers recorded under ``tr_demo_…`` ids instead of sent.
Everything else is the real job (``settle_distribution_payouts``), so ``manage.py reconcile``
adds up.
"""

from __future__ import annotations

from contextlib import contextmanager

from billing.mandates import accept_mandate
from billing.models import Payout
from billing.services import settle_distribution_payouts
from payments import gateway
from payments.demo import seed_connected_account
from pickup.models import Distribution, PickupPoint
from producers.models import Producer

ACTIVE_FARM = "jardins-de-la-deule"
PENDING_FARM = "rucher-des-weppes"


@contextmanager
def transfers_recorded():
    """The gateway's transfer call answers a demo id instead of calling Stripe."""
    real = gateway.create_transfer

    def record(*, idempotency_key: str, **kwargs) -> str:
        return f"tr_demo_{idempotency_key}"

    gateway.create_transfer = record
    try:
        yield
    finally:
        gateway.create_transfer = real


def seed_payouts(distribution: Distribution | None) -> list[Payout]:
    if distribution is None:
        return []
    point = PickupPoint.objects.get(pk=distribution.pickup_point_id)
    for slug, active in [(ACTIVE_FARM, True), (PENDING_FARM, False)]:
        farm = Producer.objects.filter(slug=slug).first()
        if farm is not None:
            seed_connected_account("producer", farm.pk, active=active)
    seed_connected_account("pickup_point", point.pk, active=True)
    seed_mandate(ACTIVE_FARM)
    with transfers_recorded():
        return settle_distribution_payouts(distribution_id=distribution.pk)


def seed_mandate(slug: str) -> None:
    """The farm's first member has accepted its billing mandate (the other farms have not:
    their dashboards say no invoice is issued in their name)."""
    farm = Producer.objects.filter(slug=slug).first()
    member = farm.members.order_by("pk").first() if farm else None
    if member is not None:
        accept_mandate(kind=Payout.Payee.FARM, ref=farm.pk, name=farm.name, by=member)
