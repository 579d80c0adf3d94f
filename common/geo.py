"""Geocoding and distances. The only module that imports geopy.

``geocode(text)`` turns a postcode, a town or an address into a :class:`Point`, or raises
:class:`AddressNotFound`. The backend is chosen by the ``GEOCODER`` setting:

* ``gazetteer`` (default, offline): French postcodes and towns from ``common/data``
  (GeoNames, CC BY 4.0), town-level precision, loaded lazily once per process;
* ``ban``: the Base Adresse Nationale through geopy (street level);
* ``nominatim``: OpenStreetMap's Nominatim through geopy.

``nearest()`` finds the closest rows of any model with latitude/longitude fields: a bounding box
on the indexed columns in SQL, then the exact distance in Python, sorted and limited.
"""

from __future__ import annotations

import csv
import gzip
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from geopy import exc as geopy_exc
from geopy.geocoders import BANFrance, Nominatim

from common.errors import AddressNotFound, GeocoderUnavailable
from common.tasks import locate_task

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "fr-postcodes.tsv.gz"
GAZETTEER_ATTRIBUTION = "GeoNames (www.geonames.org), CC BY 4.0"


class Point(NamedTuple):
    latitude: float
    longitude: float
    label: str = ""


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in km; within 0.31 % of the geodesic, 100× faster."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def parse_lat_lng(text: str) -> Point:
    """``"50.63,3.06"`` → Point; raises :class:`ValueError` on anything else or out of range."""
    parts = [p.strip() for p in (text or "").split(",")]
    if len(parts) != 2:
        raise ValueError("expected 'latitude,longitude'")
    lat, lng = float(parts[0]), float(parts[1])
    if (
        not (math.isfinite(lat) and math.isfinite(lng))
        or not -90 <= lat <= 90
        or not -180 <= lng <= 180
    ):
        raise ValueError("coordinates out of range")
    return Point(lat, lng)


# --- Nearest rows ---------------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def bounding_box(
    origin: tuple[float, float], radius_km: float
) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box that contains the circle around origin."""
    lat, lng = origin
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    dlng = (
        180.0
        if cos_lat < 1e-6
        else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    )
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def nearest(
    queryset: models.QuerySet[M],
    origin: tuple[float, float],
    *,
    radius_km: float,
    limit: int | None = 20,
    lat_field: str = "latitude",
    lng_field: str = "longitude",
) -> list[M]:
    """Rows of ``queryset`` within ``radius_km`` of ``origin``, closest first (ties by pk).

    Each returned object gets a ``distance_km`` attribute. Only rows inside the bounding box
    are read from the database, so keep an index on (latitude, longitude).
    """
    min_lat, max_lat, min_lng, max_lng = bounding_box(origin, radius_km)
    boxed = queryset.filter(
        **{
            f"{lat_field}__gte": min_lat,
            f"{lat_field}__lte": max_lat,
            f"{lng_field}__gte": min_lng,
            f"{lng_field}__lte": max_lng,
        }
    )
    found = []
    for row in boxed:
        d = distance_km(origin, (getattr(row, lat_field), getattr(row, lng_field)))
        if d <= radius_km:
            row.distance_km = d
            found.append(row)
    found.sort(key=lambda row: (row.distance_km, row.pk))
    return found if limit is None else found[:limit]


# --- Offline gazetteer ----------------------------------------------------------------------


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\bst\b", "saint", text)
    text = re.sub(r"\bste\b", "sainte", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


@dataclass(frozen=True)
class _Place:
    postcode: str
    name: str
    latitude: float
    longitude: float
    cedex: bool = False  # a business code: counts towards a town's size, never names it


class Gazetteer:
    """French postcodes and town names, read once from the GeoNames file on first use."""

    MAX_NAME_WORDS = 6

    def __init__(self, path: Path = GAZETTEER_PATH) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._by_postcode: dict[str, list[_Place]] | None = None
        self._by_name: dict[str, list[_Place]] = {}

    def _load(self) -> dict[str, list[_Place]]:
        with self._lock:
            if self._by_postcode is not None:
                return self._by_postcode
            by_postcode: dict[str, list[_Place]] = {}
            by_name: dict[str, list[_Place]] = {}
            with gzip.open(self.path, "rt", encoding="utf-8") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    code = row["postal_code"][:5]
                    cedex = len(row["postal_code"]) > 5
                    place = _Place(
                        code,
                        row["place_name"],
                        float(row["latitude"]),
                        float(row["longitude"]),
                        cedex,
                    )
                    if not cedex or code not in by_postcode:
                        by_postcode.setdefault(code, []).append(place)
                    by_name.setdefault(_normalize(row["place_name"]), []).append(place)
            self._by_name = by_name
            self._by_postcode = by_postcode
            return by_postcode

    def lookup(self, text: str) -> Point:
        by_postcode = self._load()
        normalized = _normalize(text)
        words = normalized.split()
        town = self._town_in(words)
        match = re.search(r"(?<!\d)(\d{5})(?!\d)", text or "")
        if match and match.group(1) in by_postcode:
            places = by_postcode[match.group(1)]
            if town:
                same_town = [p for p in places if _normalize(p.name) == town]
                places = same_town or places
            return self._point(places[0])
        if town:
            return self._point(self._main_place(self._by_name[town]))
        raise AddressNotFound()

    def _town_in(self, words: list[str]) -> str | None:
        """The rightmost (then longest) run of words that names a town."""
        best: tuple[int, int, str] | None = None
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self.MAX_NAME_WORDS) + 1):
                candidate = " ".join(words[start:end])
                if candidate.isdigit() or candidate not in self._by_name:
                    continue
                key = (end, end - start, candidate)
                if best is None or key[:2] > best[:2]:
                    best = key
        return best[2] if best else None

    @staticmethod
    def _main_place(places: list[_Place]) -> _Place:
        """Among homonyms, the one served by the most postcodes (the largest town)."""
        counts: dict[tuple[str, float, float], int] = {}
        for p in places:
            key = (p.name, p.latitude, p.longitude)
            counts[key] = counts.get(key, 0) + 1
        name, lat, lng = max(counts, key=lambda k: counts[k])
        same = [p for p in places if (p.name, p.latitude, p.longitude) == (name, lat, lng)]
        return min(same, key=lambda p: (p.cedex, p.postcode))

    @staticmethod
    def _point(place: _Place) -> Point:
        return Point(place.latitude, place.longitude, f"{place.postcode} {place.name}")


_gazetteer = Gazetteer()


def _geopy_lookup(text: str) -> Point:
    options = {"timeout": settings.GEOCODER_TIMEOUT, "scheme": settings.GEOCODER_SCHEME}
    if settings.GEOCODER_DOMAIN:
        options["domain"] = settings.GEOCODER_DOMAIN
    if settings.GEOCODER == "ban":
        geocoder = BANFrance(user_agent=settings.GEOCODER_USER_AGENT, **options)
        query = {"query": text}
    else:
        geocoder = Nominatim(user_agent=settings.GEOCODER_USER_AGENT, **options)
        query = {"query": text, "country_codes": "fr"}
    try:
        location = geocoder.geocode(exactly_one=True, **query)
    except (geopy_exc.GeocoderQueryError, geopy_exc.GeocoderParseError):
        raise AddressNotFound() from None
    except geopy_exc.GeopyError as exc:
        logger.warning("geocoder %s failed: %s", settings.GEOCODER, exc)
        raise GeocoderUnavailable() from exc
    if location is None:
        raise AddressNotFound()
    return Point(location.latitude, location.longitude, location.address or "")


def geocode(text: str) -> Point:
    """Coordinates of a postcode, town or address; :class:`AddressNotFound` when unresolvable."""
    text = (text or "").strip()
    if not text or len(text) > 300:
        raise AddressNotFound()
    if settings.GEOCODER == "gazetteer":
        return _gazetteer.lookup(text)
    return _geopy_lookup(text)


def origin_from_query(*, near: Point | None = None, q: str | None = None) -> Point | None:
    """The origin of a "nearest" search: the position given (``near``, already parsed by
    :func:`parse_lat_lng`), else the geocoded place (``q``, :class:`AddressNotFound` when
    unresolvable), else ``None`` when neither was given."""
    if near is not None:
        return near
    if q and q.strip():
        return geocode(q)
    return None


# --- Locating saved addresses ---------------------------------------------------------------


def locate(instance: models.Model) -> None:
    """Geocode ``instance.address`` and store the position (a :class:`~common.models.Located`).

    A network failure propagates as :class:`GeocoderUnavailable` so the task retries it.
    """
    try:
        point = geocode(instance.address)
    except AddressNotFound:
        instance.latitude = instance.longitude = None
        instance.location_status = instance.LocationStatus.NOT_FOUND
    else:
        instance.latitude, instance.longitude = point.latitude, point.longitude
        instance.location_status = instance.LocationStatus.LOCATED
    instance.located_at = timezone.now()
    instance.save(update_fields=["latitude", "longitude", "location_status", "located_at"])


def locate_later(instances: Iterable[models.Model]) -> None:
    """Queue geocoding of each instance's address after the current transaction commits."""
    for instance in instances:
        label, pk = instance._meta.label, instance.pk
        transaction.on_commit(lambda label=label, pk=pk: locate_task.delay(label, pk))
