"""Distances for the placement bank, without a geocoding service or a map.

* ``distance_km(lat, lon)`` is the great-circle (haversine) distance as a database
  expression, so filtering and sorting by distance happen in SQL — on PostgreSQL with its
  math functions, on SQLite with the math functions Django registers on the connection.
  ``bounding_box`` is the index-friendly prefilter that goes with a radius.
* ``postcode_coordinates`` approximates a postcode by its 4-digit area (PC4): first from
  a small table of PC4 centroids of the demo region (Leiden and surroundings, drawn
  from the map by hand, accurate to a few hundred metres), otherwise from the average
  coordinates of the school locations and organisations we know in that area. A
  postcode area we know nothing about gives ``None`` and the search says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, F, FloatField, Func, Q
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE_LAT = 111.2
# Latitude and longitude range of the Netherlands (with the Wadden islands and Limburg).
NL_BOUNDS = ((50.7, 53.6), (3.3, 7.3))

# Approximate centroids of the 4-digit postcode areas of the demo region.
PC4_CENTROIDS: dict[str, tuple[float, float]] = {
    # Leiden
    "2311": (52.1588, 4.4869),
    "2312": (52.1607, 4.4812),
    "2313": (52.1569, 4.4803),
    "2314": (52.1527, 4.4920),
    "2315": (52.1606, 4.4993),
    "2316": (52.1668, 4.4963),
    "2317": (52.1681, 4.4763),
    "2318": (52.1681, 4.4870),
    "2321": (52.1476, 4.4733),
    "2322": (52.1426, 4.4804),
    "2323": (52.1429, 4.4578),
    "2324": (52.1422, 4.4669),
    "2331": (52.1497, 4.4946),
    "2332": (52.1494, 4.4833),
    "2333": (52.1661, 4.4655),
    "2334": (52.1715, 4.4607),
    # Oegstgeest
    "2341": (52.1804, 4.4700),
    "2342": (52.1851, 4.4667),
    "2343": (52.1772, 4.4568),
    # Leiderdorp
    "2351": (52.1617, 4.5335),
    "2352": (52.1566, 4.5404),
    "2353": (52.1497, 4.5284),
    # Zoeterwoude
    "2381": (52.1182, 4.4975),
    "2382": (52.1341, 4.5059),
    # Voorschoten
    "2251": (52.1282, 4.4470),
    "2252": (52.1205, 4.4396),
    "2253": (52.1298, 4.4327),
    # Katwijk
    "2221": (52.2013, 4.4085),
    "2222": (52.2030, 4.4231),
    "2223": (52.1942, 4.4159),
    "2224": (52.1876, 4.4305),
    "2225": (52.2097, 4.4211),
}

PC4_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float
    label: str = ""


def in_netherlands(lat: float, lon: float) -> bool:
    (lat_min, lat_max), (lon_min, lon_max) = NL_BOUNDS
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def pc4_of(postcode: str) -> str | None:
    match = PC4_RE.match(postcode or "")
    return match.group(1) if match else None


def postcode_coordinates(postcode: str) -> GeoPoint | None:
    """Approximate coordinates of a Dutch postcode (by its 4-digit area), or None."""
    pc4 = pc4_of(postcode)
    if pc4 is None:
        return None
    if pc4 in PC4_CENTROIDS:
        lat, lon = PC4_CENTROIDS[pc4]
        return GeoPoint(lat, lon, pc4)
    key = f"stagebank:pc4:{pc4}"
    found = cache.get(key)
    if found is None:
        found = _known_area_average(pc4) or "none"
        cache.set(key, found, 3600)
    return None if found == "none" else GeoPoint(found[0], found[1], pc4)


def _known_area_average(pc4: str) -> tuple[float, float] | None:
    from meedoen.directory.models import Location, Organisation

    points = []
    for model in (Location, Organisation):
        row = model.objects.filter(
            postcode__startswith=pc4, latitude__isnull=False, longitude__isnull=False
        ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
        if row["lat"] is not None:
            points.append((row["lat"], row["lon"]))
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )


class DistanceKm(Func):
    """Haversine distance in km from a fixed point to each row's latitude/longitude.

    One expression node that writes the formula's SQL itself (the functions are
    PostgreSQL's, and on SQLite those Django registers on the connection). Built from
    ``Radians``, ``Sin``, ``Power`` and so on it was a tree of some twenty nodes that the
    ORM resolved, hashed and compiled for the select, the radius filter and the ordering
    of every search: about a sixth of a search request's server time. The SQL and its
    parameters are the same as that tree's, so results and their order are too."""

    output_field = FloatField()
    template = (
        "(%s * ASIN(SQRT((POWER(SIN(((RADIANS({lat}) - %s) / %s)), %s)"
        " + ((%s * COS(RADIANS({lat}))) * POWER(SIN(((RADIANS({lon}) - %s) / %s)), %s))))))"
    )

    def __init__(self, lat: float, lon: float, prefix: str = ""):
        super().__init__(F(f"{prefix}latitude"), F(f"{prefix}longitude"))
        self.origin = (lat, lon)

    def as_sql(self, compiler, connection, **extra_context):
        (lat, lat_params), (lon, lon_params) = (
            compiler.compile(column) for column in self.source_expressions
        )
        lat0, lon0 = (math.radians(degrees) for degrees in self.origin)
        # The constants as parameters, as ``Value`` would pass them (the integer exponent
        # adapted as an integer field's value is), without compiling a node for each.
        two = connection.ops.adapt_integerfield_value(2, "IntegerField")
        params = [2 * EARTH_RADIUS_KM, *lat_params, lat0, 2.0, two, math.cos(lat0)]
        params += [*lat_params, *lon_params, lon0, 2.0, two]
        return self.template.format(lat=lat, lon=lon), params


def distance_km(lat: float, lon: float, prefix: str = "") -> DistanceKm:
    """Haversine distance in km from (lat, lon) to each row's latitude/longitude."""
    return DistanceKm(lat, lon, prefix)


def bounding_box(lat: float, lon: float, km: float, prefix: str = "") -> Q:
    """Rows within a box around (lat, lon) that contains the circle of radius ``km``."""
    dlat = km / KM_PER_DEGREE_LAT
    dlon = km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return Q(
        **{
            f"{prefix}latitude__gte": lat - dlat,
            f"{prefix}latitude__lte": lat + dlat,
            f"{prefix}longitude__gte": lon - dlon,
            f"{prefix}longitude__lte": lon + dlon,
        }
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


COMPASS = [
    _("north"),
    _("north-east"),
    _("east"),
    _("south-east"),
    _("south"),
    _("south-west"),
    _("west"),
    _("north-west"),
]


def direction(lat1: float, lon1: float, lat2: float, lon2: float) -> str:
    """The compass direction from point 1 to point 2, in words."""
    dy = lat2 - lat1
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    bearing = (math.degrees(math.atan2(dx, dy)) + 360) % 360
    return str(COMPASS[round(bearing / 45) % 8])
