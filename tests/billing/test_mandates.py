"""The billing mandate: a farm (or a host) reads the self-billing terms and accepts them once,
dated, with the terms it read; until then its pages say that no invoice is issued in its
name. Only the farm's members (the point's hosts) reach it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from billing.mandates import TERMS_VERSION, accept_mandate, current_mandate
from billing.models import BillingMandate
from tests.factories import PickupPointFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm():
    producer = ProducerFactory(name="Ferme des Tilleuls")
    member = UserFactory(full_name="Jeanne Leroy")
    producer.members.add(member)
    return producer, member


def test_a_member_reads_and_accepts_the_mandate_once_and_the_date_stays(client, farm):
    producer, member = farm
    client.force_login(member)
    dashboard = client.get(
        reverse("frontend:producer:dashboard", args=[producer.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'data-mandate="missing"' in dashboard
    assert "aucune facture au nom de votre ferme" in dashboard

    url = reverse("frontend:producer:payouts_mandate", args=[producer.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "article 289-I-2 du code général des impôts" in page
    assert "au nom et pour le compte de Ferme des Tilleuls" in page
    refused = client.post(url, {}, follow=True, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cochez la case pour accepter le mandat de facturation." in refused
    assert not BillingMandate.objects.exists()

    accepted = client.post(url, {"accept": "yes"}, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Mandat de facturation accepté." in accepted.content.decode()
    mandate = BillingMandate.objects.get()
    assert (mandate.payee_kind, mandate.payee_id, mandate.terms_version) == (
        "producer",
        producer.pk,
        TERMS_VERSION,
    )
    assert mandate.accepted_by == member and mandate.accepted_by_name == "Jeanne Leroy"
    assert "Ferme des Tilleuls" in mandate.terms
    first = mandate.accepted_at

    client.post(url, {"accept": "yes"})
    assert BillingMandate.objects.get().accepted_at == first  # once
    payouts = client.get(
        reverse("frontend:producer:payouts", args=[producer.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'class="mandate-accepted"' in payouts and "Accepté le" in payouts
    dashboard = client.get(reverse("frontend:producer:dashboard", args=[producer.slug])).content
    assert b'data-mandate="accepted"' in dashboard


def test_the_terms_kept_are_the_ones_accepted(farm):
    producer, member = farm
    accept_mandate(kind="producer", ref=producer.pk, name=producer.name, by=member)
    producer.name = "Nouveau nom"
    producer.save(update_fields=["name"])
    mandate = current_mandate("producer", producer.pk)
    assert "Ferme des Tilleuls" in mandate.terms and "Nouveau nom" not in mandate.terms
    member.delete()  # the account goes; who accepted stays by name
    mandate.refresh_from_db()
    assert mandate.accepted_by is None and mandate.accepted_by_name == "Jeanne Leroy"


def test_someone_elses_farm_or_point_is_a_404(client, farm):
    producer, _member = farm
    client.force_login(UserFactory())
    url = reverse("frontend:producer:payouts_mandate", args=[producer.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"accept": "yes"}).status_code == 404
    point = PickupPointFactory()
    assert client.get(reverse("frontend:host_payouts_mandate", args=[point.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(UserFactory())
    assert api.post(f"/api/v1/producers/{producer.pk}/billing-mandate/").status_code == 404
    assert not BillingMandate.objects.exists()


def test_a_host_accepts_for_its_point_commissions(client):
    point = PickupPointFactory(name="Maison du quartier")
    host = UserFactory()
    point.hosts.add(host)
    client.force_login(host)
    url = reverse("frontend:host_payouts_mandate", args=[point.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "des commissions qu’il perçoit comme point relais" in page
    client.post(url, {"accept": "yes"})
    assert current_mandate("pickup_point", point.pk).accepted_by == host


def test_api_reads_then_accepts_the_mandate(farm):
    producer, member = farm
    api = APIClient()
    api.force_authenticate(member)
    url = f"/api/v1/producers/{producer.pk}/billing-mandate/"
    before = api.get(url).json()
    assert before["accepted"] is False and before["accepted_at"] is None
    assert before["terms_version"] == TERMS_VERSION and "Autofacturation" in before["terms"]
    first = api.post(url)
    assert first.status_code == 201 and first.json()["accepted"] is True
    again = api.post(url)
    assert again.status_code == 200 and again.json()["accepted_at"] == first.json()["accepted_at"]
    assert api.get(url).json()["accepted_by_name"] == "Jeanne Leroy"
