import json
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import geo
from common.geo import AddressNotFound, GeocoderUnavailable, distance_km, geocode, nearest
from pickup.models import PickupPoint
from tests.factories import PickupPointFactory, ProducerFactory

LILLE = (50.6330, 3.0586)
ROUBAIX = (50.6942, 3.1746)


def assert_near(point, expected, km=3.0):
    assert distance_km((point.latitude, point.longitude), expected) < km, point


@pytest.mark.parametrize("text", ["59000", "59000 Lille", "Lille", "  lille  ", "LILLE 59000"])
def test_gazetteer_resolves_lille(text):
    assert_near(geocode(text), LILLE)


@pytest.mark.parametrize(
    "text", ["Roubaix", "59100", "12 rue de Lille, 59100 Roubaix", "rue de Lille Roubaix"]
)
def test_gazetteer_resolves_roubaix_even_inside_an_address(text):
    assert_near(geocode(text), ROUBAIX)


def test_gazetteer_handles_accents_hyphens_and_saint():
    assert_near(geocode("villeneuve d ascq"), (50.62, 3.14), km=6)
    assert_near(geocode("Saint-Omer"), (50.75, 2.25), km=6)
    assert geocode("st omer") == geocode("Saint-Omer")


@pytest.mark.parametrize("text", ["", "   ", "xyzzy plugh", "99999", "!!!", "a" * 400])
def test_nonsense_is_address_not_found(text):
    with pytest.raises(AddressNotFound) as caught:
        geocode(text)
    assert caught.value.code == "address_not_found"


def test_a_search_starts_from_the_position_given_else_the_place_else_nowhere():
    position = geo.Point(50.75, 2.25)
    assert geo.origin_from_query(near=position, q="Roubaix") == position
    assert_near(geo.origin_from_query(q="Roubaix"), ROUBAIX)
    assert geo.origin_from_query() is None
    assert geo.origin_from_query(q="  ") is None
    with pytest.raises(AddressNotFound):
        geo.origin_from_query(q="xyzzy plugh")


def test_distance_lille_roubaix():
    assert 10.4 < distance_km(LILLE, ROUBAIX) < 10.9  # geodesic: 10.66 km
    assert distance_km(LILLE, LILLE) == 0


@pytest.mark.django_db
def test_nearest_agrees_with_brute_force_on_500_random_points():
    rng = random.Random(20261126)
    PickupPoint.objects.bulk_create(
        PickupPoint(
            name=f"P{i}",
            slug=f"p{i}",
            address="x",
            latitude=LILLE[0] + rng.uniform(-1.0, 1.0),
            longitude=LILLE[1] + rng.uniform(-1.5, 1.5),
        )
        for i in range(500)
    )
    PickupPointFactory(latitude=None, longitude=None)  # not located yet: never returned
    for radius in (5, 25, 80):
        found = nearest(PickupPoint.objects.all(), LILLE, radius_km=radius, limit=None)
        expected = sorted(
            (
                (distance_km(LILLE, (p.latitude, p.longitude)), p.pk)
                for p in PickupPoint.objects.exclude(latitude=None)
            ),
        )
        expected = [pk for d, pk in expected if d <= radius]
        assert [p.pk for p in found] == expected
        assert all(abs(p.distance_km - distance_km(LILLE, p.point)) < 1e-9 for p in found)
    assert len(nearest(PickupPoint.objects.all(), LILLE, radius_km=80, limit=7)) == 7


@pytest.mark.django_db
def test_nearest_filters_on_the_bounding_box_in_sql():
    ProducerFactory()
    with CaptureQueriesContext(connection) as ctx:
        nearest(PickupPoint.objects.all(), LILLE, radius_km=10)
    sql = ctx.captured_queries[0]["sql"]
    assert '"latitude" >=' in sql and '"longitude" <=' in sql


# --- BAN backend against a local server answering like api-adresse.data.gouv.fr -------------

BAN_ANSWER = {
    "type": "FeatureCollection",
    "version": "draft",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [3.049457, 50.626183]},
            "properties": {
                "label": "36 Rue d'Eylau 59000 Lille",
                "score": 0.97,
                "housenumber": "36",
                "id": "59350_2740_00036",
                "name": "36 Rue d'Eylau",
                "postcode": "59000",
                "citycode": "59350",
                "x": 702187.5,
                "y": 7058711.2,
                "city": "Lille",
                "context": "59, Nord, Hauts-de-France",
                "type": "housenumber",
                "importance": 0.66,
                "street": "Rue d'Eylau",
            },
        }
    ],
    "attribution": "BAN",
    "licence": "ETALAB-2.0",
    "query": "36 rue d'Eylau Lille",
    "limit": 1,
}


class BanHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query).get("q", [""])[0]
        if url.path.rstrip("/") != "/search":
            self.send_response(404)
            self.end_headers()
            return
        if "panne" in query:
            self.send_response(502)
            self.end_headers()
            return
        body = dict(BAN_ANSWER, features=[] if "introuvable" in query else BAN_ANSWER["features"])
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def ban_server(settings):
    server = HTTPServer(("127.0.0.1", 0), BanHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER = "ban"
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.server_port}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT = 2
    yield server
    server.shutdown()


def test_ban_backend_parses_a_real_ban_answer(ban_server):
    point = geocode("36 rue d'Eylau Lille")
    assert (point.latitude, point.longitude) == (50.626183, 3.049457)
    assert point.label == "36 Rue d'Eylau 59000 Lille"


def test_ban_backend_with_no_result_is_address_not_found(ban_server):
    with pytest.raises(AddressNotFound):
        geocode("adresse introuvable")


def test_ban_backend_failure_is_a_clear_unavailable_error(ban_server):
    with pytest.raises(GeocoderUnavailable) as caught:
        geocode("serveur en panne")
    assert caught.value.status == 503


@pytest.mark.django_db
def test_saved_addresses_are_located_by_the_task(django_capture_on_commit_callbacks):
    producer = ProducerFactory(
        address="Ferme, 59100 Roubaix", latitude=None, longitude=None, location_status="pending"
    )
    with django_capture_on_commit_callbacks(execute=True):
        geo.locate_later([producer])
    producer.refresh_from_db()
    assert producer.location_status == "located"
    assert_near(producer, ROUBAIX)

    producer.address = "nulle part du tout"
    producer.save()
    with django_capture_on_commit_callbacks(execute=True):
        geo.locate_later([producer])
    producer.refresh_from_db()
    assert producer.location_status == "not_found"
    assert producer.latitude is None


def test_a_town_is_named_by_its_ordinary_postcode_not_a_cedex_one():
    assert geocode("Roubaix").label == "59100 Roubaix"
    assert geocode("Lille").label == "59000 Lille"
