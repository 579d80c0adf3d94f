import pytest

from common import siret as ids
from common.errors import Invalid
from producers import services
from producers.errors import (
    InvalidSiret,
    InvalidVatNumber,
    VatNumberRequired,
    VatNumberSirenMismatch,
)
from tests.factories import ProducerFactory


@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", "35600000049837"])
def test_real_sirets_are_valid(value):
    assert ids.is_valid_siret(value)


@pytest.mark.parametrize(
    "value", ["73282932000075", "7328293200007", "7328293200007A", "35600000000048"]
)
def test_bad_sirets_are_refused(value):
    assert not ids.is_valid_siret(value)


def test_vat_key_of_a_siren():
    assert ids.vat_number_for("732829320") == "FR44732829320"
    assert ids.is_valid_vat_number("FR 44 732829320")
    assert not ids.is_valid_vat_number("FR45732829320")
    assert ids.format_siret("73282932000074") == "732 829 320 00074"


@pytest.mark.django_db
def test_a_liable_farm_is_complete_with_its_vat_number():
    farm = ProducerFactory()
    services.update_producer(
        producer=farm,
        legal_name="EARL Test",
        siret="732 829 320 00074",
        vat_regime="liable",
        vat_number="fr44732829320",
    )
    farm.refresh_from_db()
    assert farm.siret == "73282932000074" and farm.vat_number == "FR44732829320"
    assert farm.legal_identity_complete
    assert farm.vat_mention.endswith("FR44732829320")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, error",
    [
        ({"siret": "73282932000075"}, InvalidSiret),
        ({"siret": "73282932000074", "vat_regime": "liable"}, VatNumberRequired),
        ({"siret": "73282932000074", "vat_number": "FR45732829320"}, InvalidVatNumber),
        ({"siret": "73282932000074", "vat_number": "FR19812345676"}, VatNumberSirenMismatch),
    ],
)
def test_refusals_carry_their_code(changes, error):
    with pytest.raises(error) as refused:
        services.update_producer(producer=ProducerFactory(), **changes)
    assert isinstance(refused.value, Invalid)
    assert refused.value.code == error.code


@pytest.mark.django_db
def test_franchise_and_flat_rate_mentions():
    farm = ProducerFactory()
    services.update_producer(
        producer=farm, legal_name="Ferme", siret="73282932000074", vat_regime="franchise"
    )
    assert farm.vat_mention == "TVA non applicable, art. 293 B du CGI"
    assert farm.legal_identity_complete
    services.update_producer(producer=farm, vat_regime="flat_rate")
    assert "298 quater" in farm.vat_mention
