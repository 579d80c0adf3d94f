"""A NUL character in a query string or a form is a 400 before any view reads it (PostgreSQL
refuses NUL in a query: the handover search used to answer 500 there)."""

import pytest

from tests.handover.conftest import closed_day  # noqa: F401  (fixture)
from tests.orders.conftest import market  # noqa: F401  (fixture)


@pytest.mark.django_db
def test_a_page_search_with_a_nul_is_400_in_french(closed_day, client):  # noqa: F811
    client.force_login(closed_day.host)
    response = client.get(f"/hote/distributions/{closed_day.distribution.pk}/remise/?q=a%00b")

    assert response.status_code == 400
    assert "caractère" in response.content.decode()
    ok = client.get(f"/hote/distributions/{closed_day.distribution.pk}/remise/?q=ab")
    assert ok.status_code == 200


@pytest.mark.django_db
def test_an_api_query_or_a_form_with_a_nul_is_400_invalid(client, api_client):
    response = api_client.get("/api/v1/pickup-points/?q=59%0000")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    form = client.post("/compte/connexion/", {"username": "a\x00b", "password": "x"})
    assert form.status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_handover_search_with_a_nul_is_no_500_on_postgresql(closed_day, client):  # noqa: F811
    client.force_login(closed_day.host)
    response = client.get(f"/hote/distributions/{closed_day.distribution.pk}/remise/?q=%00")
    assert response.status_code == 400
