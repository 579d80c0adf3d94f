"""Eight members of one farm accept its billing mandate at the same instant, on PostgreSQL:
one mandate, one date."""

import pytest

from billing.mandates import accept_mandate
from billing.models import BillingMandate
from tests.concurrency.race import run_together
from tests.factories import ProducerFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_acceptances_at_once_make_one_mandate():
    producer = ProducerFactory()
    members = [UserFactory() for _ in range(8)]
    producer.members.add(*members)

    def accept(member):
        return lambda: accept_mandate(
            kind="producer", ref=producer.pk, name=producer.name, by=member
        )[1]

    results = run_together([accept(m) for m in members])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    mandate = BillingMandate.objects.get()
    assert mandate.accepted_by in members
