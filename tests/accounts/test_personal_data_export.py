"""The personal-data export (RGPD art. 15 and 20): every object of a household, nobody
else's, as JSON and CSV with a README; a large one is mailed as a link that expires."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.personal_data import sections
from gardens.models import Reservation, WaitlistEntry, WorkDaySignup
from orders.models import Order, OrderLine
from payments.models import CreditEntry, Payment, Refund, SavedCard, Topup
from tests.accounts.personal import household_with_everything
from tests.factories import UserFactory
from tests.payments.fakes import VISA

pytestmark = pytest.mark.django_db


def _files(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.fixture
def two_households(far_market, fake_stripe):
    person = household_with_everything(far_market)
    other = UserFactory(email="voisine.secrete@exemple.fr", full_name="Voisine Secrète")
    from orders.services import pay_order, place_order

    order = place_order(
        household=other,
        distribution=far_market.distribution,
        lines={far_market.a.offers[0].pk: 1},
        idempotency_key="other",
    )
    pay_order(order=order, payment_method=VISA, use_credit=False)
    return person, other


def test_the_export_holds_every_object_of_the_household_and_no_one_elses(
    two_households, api_client
):
    person, _other = two_households
    api_client.force_authenticate(person.user)

    response = api_client.get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _files(response)
    for section in sections():
        assert {f"{section.name}.json", f"{section.name}.csv"} <= set(files)
        assert f"{section.name}.json" in files["README.txt"]
    data = {name[:-5]: json.loads(text) for name, text in files.items() if name.endswith(".json")}
    user = person.user
    expected = {
        "orders": Order.objects.filter(household=user).count(),
        "order_lines": OrderLine.objects.filter(order__household=user).count(),
        "payments": Payment.objects.filter(payer=user).count(),
        "refunds": Refund.objects.filter(payment__payer=user).count(),
        "credit_ledger": CreditEntry.objects.filter(household=user).count(),
        "credit_topups": Topup.objects.filter(household=user).count(),
        "saved_cards": SavedCard.objects.filter(customer__user=user).count(),
        "garden_reservations": Reservation.objects.filter(gardener=user).count(),
        "garden_waiting_lists": WaitlistEntry.objects.filter(gardener=user).count(),
        "work_day_signups": WorkDaySignup.objects.filter(gardener=user).count(),
        "farms": 1,
        "pickup_points_hosted": 1,
        "api_tokens": 1,
        "emails_sent": user.sent_emails.count(),
        "terms_accepted": 1,
    }
    assert {name: len(data[name]) for name in expected} == expected
    assert all(count > 0 for count in expected.values()), expected
    assert {o["id"] for o in data["orders"]} == {o.pk for o in person.orders}
    assert data["profile"][0]["email"] == user.email
    assert data["emails_sent"][-1]["subject"] == "Votre commande est payée"
    everything = "\n".join(files.values())
    assert "voisine.secrete" not in everything and "Voisine Secrète" not in everything
    assert not re.search(r"\b4242 ?4242", everything)  # no card number, ever
    assert "pm_card" not in everything


def test_the_account_page_gives_the_same_zip(two_households, client):
    person, _other = two_households
    client.force_login(person.user)
    response = client.post("/compte/donnees/")
    assert response.status_code == 200
    assert "orders.csv" in _files(response)


def test_a_large_export_is_mailed_as_a_link_for_its_owner_that_expires(
    client, api_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_EXPORT_MAX_ROWS = 0
    settings.PERSONAL_DATA_EXPORT_DIR = tmp_path
    user = UserFactory()
    api_client.force_authenticate(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.get("/api/v1/me/export/")

    assert response.status_code == 202
    assert response.json()["code"] == "export_queued"
    (message,) = mail.outbox
    link = re.search(r"http://\S+/compte/donnees/telechargement/\S+/", message.body).group()
    path = link.split("8000", 1)[1]
    client.force_login(UserFactory())
    assert client.get(path).status_code == 410  # someone else
    client.force_login(user)
    download = client.get(path)
    assert download.status_code == 200
    assert (
        "profile.json"
        in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    )
    later = timezone.now() + timedelta(hours=settings.PERSONAL_DATA_EXPORT_LINK_HOURS + 1)
    with time_machine.travel(later):
        assert client.get(path).status_code == 410
