"""An e-mail sent once: the same task run eight times at once sends one e-mail (PostgreSQL:
the unique key of SentEmail decides, the twins wait for the first and send nothing)."""

import pytest
from django.core import mail

from accounts.emails import send_once
from accounts.models import SentEmail
from common.emails import Email, Section
from tests.concurrency.race import run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_twins_send_one_e_mail():
    user = UserFactory()

    def build():
        return Email(subject="Commande payée", sections=[Section(paragraphs=["Merci."])])

    results = run_together([lambda: send_once(user, build, key="order-1-paid")] * 8)
    assert sorted(results) == [0] * 7 + [1], results
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(key="order-1-paid").count() == 1
