"""Fill the accounts table fast, for index tests and benchmarks: one INSERT ... SELECT.

The points follow a city's shape rather than a uniform square, because the planner's choices
depend on how skewed the data is: most accounts crowd around a few centres (the old town and
neighbourhood high streets, gaussian clusters a couple of kilometres wide) and the rest thin
out evenly over the whole city, a disc of 15 km around Bucharest's centre.
"""

from __future__ import annotations

import uuid
from typing import Any

CITY_CENTRE = (26.10, 44.43)
CITY_RADIUS_KM = 15.0
# Kilometres per degree of longitude and of latitude at the city's latitude.
KM_PER_DEG_LNG = 79.5
KM_PER_DEG_LAT = 111.1

# Hubs: (lng, lat, sigma in km, cumulative share of all accounts); the last 18 % is the spread.
FILL_SQL = """
WITH hubs(lng, lat, sigma_km, share_end) AS (
  VALUES (26.1025, 44.4350, 2.0, 0.25),  -- old town and the boulevards
         (26.0300, 44.4350, 1.6, 0.38),  -- Militari
         (26.0450, 44.4150, 1.4, 0.48),  -- Drumul Taberei
         (26.1700, 44.4200, 1.6, 0.60),  -- Titan
         (26.1200, 44.3800, 1.8, 0.72),  -- Berceni
         (26.1200, 44.4850, 1.2, 0.82)   -- Pipera
), draws AS (
  -- Box-Muller: r * cos(a) and r * sin(a) are standard normal; sqrt(s) covers a disc evenly.
  SELECT n, random() AS pick, sqrt(-2 * ln(1 - random())) AS r, 2 * pi() * random() AS a,
         random() AS s, random() AS u
  FROM generate_series(1, %(count)s) AS n
), placed AS (
  SELECT d.n, d.u,
         COALESCE(h.lng + h.sigma_km * d.r * cos(d.a) / %(km_lng)s,
                  %(centre_lng)s + %(radius_km)s * sqrt(d.s) * cos(d.a) / %(km_lng)s) AS lng,
         COALESCE(h.lat + h.sigma_km * d.r * sin(d.a) / %(km_lat)s,
                  %(centre_lat)s + %(radius_km)s * sqrt(d.s) * sin(d.a) / %(km_lat)s) AS lat
  FROM draws AS d
  LEFT JOIN LATERAL (
    SELECT * FROM hubs WHERE hubs.share_end >= d.pick ORDER BY hubs.share_end LIMIT 1
  ) AS h ON true
)
INSERT INTO accounts (id, org_id, kind, name, address, location, geocode_status, status,
                      industry, tags, custom, owner_id, created_at, updated_at, version)
SELECT gen_random_uuid(), %(org_id)s,
       CASE WHEN p.u < 0.6 THEN 'customer' ELSE 'prospect' END,
       'Account ' || p.n, 'Strada ' || (p.n %% 500) || ' nr. ' || (p.n %% 97),
       ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)::geography,
       'manual',
       CASE WHEN p.u < 0.6 THEN 'active' ELSE 'new' END,
       (ARRAY['pharmacy', 'grocery', 'hospitality', 'hardware', 'retail'])[1 + p.n %% 5],
       '{}', '{}', %(owner_id)s, now(), now(), 1
FROM placed AS p
"""


def fill_accounts(
    cursor: Any, org_id: uuid.UUID, count: int, owner_id: uuid.UUID | None = None
) -> None:
    """Insert `count` located accounts for `org_id` through a psycopg cursor; the caller commits."""
    cursor.execute(
        FILL_SQL,
        {
            "count": count,
            "org_id": org_id,
            "owner_id": owner_id,
            "centre_lng": CITY_CENTRE[0],
            "centre_lat": CITY_CENTRE[1],
            "radius_km": CITY_RADIUS_KM,
            "km_lng": KM_PER_DEG_LNG,
            "km_lat": KM_PER_DEG_LAT,
        },
    )


WORLD_FILL_SQL = """
INSERT INTO accounts (id, org_id, kind, name, location, geocode_status, status, tags, custom,
                      owner_id, created_at, updated_at, version)
SELECT gen_random_uuid(), %(org_id)s, 'customer', 'Account ' || n,
       ST_SetSRID(ST_MakePoint(-180 + 360 * random(), -85 + 170 * random()), 4326)::geography,
       'manual', 'active', '{}', '{}', %(owner_id)s, now(), now(), 1
FROM generate_series(1, %(count)s) AS n
"""


def fill_accounts_worldwide(
    cursor: Any, org_id: uuid.UUID, count: int, owner_id: uuid.UUID | None = None
) -> None:
    """Insert `count` accounts at distinct random places spread evenly over the whole world
    (latitudes within 85 degrees, as a web map shows them); the caller commits."""
    cursor.execute(WORLD_FILL_SQL, {"count": count, "org_id": org_id, "owner_id": owner_id})
