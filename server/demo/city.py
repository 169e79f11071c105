"""Bucharest's main streets as polylines: where the demo organisation's accounts stand.

Coordinates are (longitude, latitude), traced along the real streets to within about a hundred
metres: enough for a demo map that looks like a city rather than a random square. Each street
carries the sector (district) it mostly runs through; Bucharest postcodes are six digits, the
first two being "0" and the sector.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from itertools import pairwise

CITY = "Bucharest"
METRES_PER_DEGREE_LAT = 111_320.0
# Shops stand back from the centre line by half the carriageway and a pavement.
SETBACK_M = (6.0, 20.0)
# One house number per side every twenty metres or so, odd on the left, even on the right.
METRES_PER_NUMBER = 20.0

ROAD_KINDS = ("Bulevardul", "Calea", "Splaiul", "Strada", "Șoseaua")

Coordinate = tuple[float, float]


@dataclass(frozen=True)
class Street:
    """A named street, the sector it runs through and its course as (lng, lat) vertices."""

    name: str
    sector: int
    course: tuple[Coordinate, ...]

    @property
    def district(self) -> str:
        """The district as addresses spell it: "Sector 1" .. "Sector 6"."""
        return f"Sector {self.sector}"

    @property
    def short_name(self) -> str:
        """The name without its kind of road: "Calea Moșilor" -> "Moșilor", as shops use it."""
        kind, _, rest = self.name.partition(" ")
        return rest if kind in ROAD_KINDS and rest else self.name

    @property
    def postcode_prefix(self) -> str:
        """The first two digits of every postcode in the street's sector."""
        return f"0{self.sector}"

    def length_m(self) -> float:
        """The length of the course in metres (flat-earth, fine at city scale)."""
        return sum(_segment_length_m(a, b) for a, b in pairwise(self.course))


@dataclass(frozen=True)
class Spot:
    """A place on a street: its coordinates and the house number found there."""

    street: Street
    lng: float
    lat: float
    number: int

    def address(self) -> str:
        """The postal address, e.g. "Calea Victoriei nr. 12, Sector 1, 010173 Bucharest"."""
        street = self.street
        return f"{street.name} nr. {self.number}, {street.district}, {self.postcode()} {CITY}"

    def postcode(self) -> str:
        """A stable postcode for this stretch of the street, in the street's sector."""
        # crc32 rather than hash(): the same street gets the same codes in every process.
        base = zlib.crc32(self.street.name.encode()) % 5000
        return f"{self.street.postcode_prefix}{base + self.number // 40:04d}"


def _street(name: str, sector: int, *course: Coordinate) -> Street:
    return Street(name, sector, course)


# fmt: off
STREETS: tuple[Street, ...] = (
    # Sector 1: the north-south spine and the boulevards around Piața Victoriei.
    _street("Calea Victoriei", 1,
        (26.0960, 44.4298), (26.0972, 44.4352), (26.0964, 44.4398), (26.0945, 44.4440),
        (26.0915, 44.4478), (26.0868, 44.4516)),
    _street("Bulevardul Nicolae Bălcescu", 1,
        (26.1012, 44.4352), (26.1008, 44.4378), (26.1002, 44.4402)),
    _street("Bulevardul General Magheru", 1,
        (26.1002, 44.4402), (26.0992, 44.4432), (26.0977, 44.4463)),
    _street("Bulevardul Lascăr Catargiu", 1,
        (26.0972, 44.4468), (26.0925, 44.4490), (26.0872, 44.4517)),
    _street("Șoseaua Kiseleff", 1,
        (26.0853, 44.4530), (26.0832, 44.4570), (26.0806, 44.4620), (26.0782, 44.4668)),
    _street("Bulevardul Aviatorilor", 1,
        (26.0872, 44.4528), (26.0868, 44.4575), (26.0858, 44.4610), (26.0846, 44.4638)),
    _street("Calea Dorobanților", 1,
        (26.0985, 44.4478), (26.0978, 44.4530), (26.0968, 44.4580), (26.0950, 44.4630),
        (26.0932, 44.4672)),
    _street("Calea Floreasca", 1,
        (26.1005, 44.4555), (26.1012, 44.4620), (26.1025, 44.4700), (26.1032, 44.4775)),
    _street("Calea Griviței", 1,
        (26.0935, 44.4447), (26.0840, 44.4460), (26.0755, 44.4480), (26.0650, 44.4540),
        (26.0540, 44.4610)),
    _street("Bulevardul Ion Mihalache", 1,
        (26.0830, 44.4535), (26.0760, 44.4575), (26.0670, 44.4620), (26.0600, 44.4690)),
    _street("Bulevardul Nicolae Titulescu", 1,
        (26.0850, 44.4522), (26.0770, 44.4520), (26.0700, 44.4525)),
    _street("Bulevardul Dacia", 1,
        (26.0905, 44.4475), (26.0975, 44.4467), (26.1050, 44.4452), (26.1120, 44.4440)),
    # Sector 5 and the river: Cișmigiu, Izvor, Rahova.
    _street("Bulevardul Regina Elisabeta", 5,
        (26.1012, 44.4352), (26.0950, 44.4353), (26.0868, 44.4350)),
    _street("Bulevardul Mihail Kogălniceanu", 5,
        (26.0868, 44.4350), (26.0820, 44.4352), (26.0778, 44.4358)),
    _street("Splaiul Independenței", 5,
        (26.1010, 44.4283), (26.0955, 44.4296), (26.0885, 44.4322), (26.0775, 44.4345),
        (26.0680, 44.4395), (26.0612, 44.4445)),
    _street("Calea Rahovei", 5,
        (26.0985, 44.4265), (26.0920, 44.4235), (26.0840, 44.4195), (26.0700, 44.4130)),
    _street("Calea 13 Septembrie", 5,
        (26.0890, 44.4268), (26.0800, 44.4250), (26.0700, 44.4225), (26.0600, 44.4200)),
    _street("Bulevardul Libertății", 5, (26.0975, 44.4268), (26.0970, 44.4220), (26.0960, 44.4175)),
    # Sector 6: Militari, Drumul Taberei, Ghencea, Giulești.
    _street("Bulevardul Iuliu Maniu", 6,
        (26.0545, 44.4346), (26.0430, 44.4345), (26.0320, 44.4342), (26.0140, 44.4336),
        (25.9990, 44.4330)),
    _street("Bulevardul Vasile Milea", 6,
        (26.0545, 44.4346), (26.0528, 44.4303), (26.0540, 44.4265)),
    _street("Bulevardul Timișoara", 6,
        (26.0525, 44.4285), (26.0400, 44.4284), (26.0300, 44.4272), (26.0160, 44.4245)),
    _street("Drumul Taberei", 6,
        (26.0580, 44.4250), (26.0470, 44.4228), (26.0370, 44.4215), (26.0250, 44.4200)),
    _street("Bulevardul Ghencea", 6,
        (26.0590, 44.4185), (26.0450, 44.4170), (26.0300, 44.4158), (26.0180, 44.4150)),
    _street("Calea Giulești", 6,
        (26.0580, 44.4560), (26.0470, 44.4560), (26.0360, 44.4575), (26.0250, 44.4600)),
    # Sector 2: Moșilor, Obor, Colentina, Pantelimon, Floreasca's east side.
    _street("Calea Moșilor", 2,
        (26.1058, 44.4338), (26.1105, 44.4380), (26.1160, 44.4425), (26.1215, 44.4465),
        (26.1262, 44.4500)),
    _street("Bulevardul Carol I", 2, (26.1030, 44.4357), (26.1100, 44.4357), (26.1180, 44.4362)),
    _street("Bulevardul Pache Protopopescu", 2,
        (26.1180, 44.4362), (26.1260, 44.4378), (26.1340, 44.4395)),
    _street("Bulevardul Ferdinand I", 2,
        (26.1185, 44.4368), (26.1225, 44.4420), (26.1262, 44.4480)),
    _street("Șoseaua Ștefan cel Mare", 2,
        (26.0975, 44.4545), (26.1040, 44.4555), (26.1140, 44.4540), (26.1250, 44.4515)),
    _street("Bulevardul Barbu Văcărescu", 2,
        (26.1060, 44.4560), (26.1085, 44.4650), (26.1110, 44.4730), (26.1140, 44.4800)),
    _street("Bulevardul Lacul Tei", 2, (26.1140, 44.4545), (26.1170, 44.4600), (26.1230, 44.4670)),
    _street("Șoseaua Pantelimon", 2,
        (26.1300, 44.4440), (26.1450, 44.4450), (26.1600, 44.4465), (26.1850, 44.4500)),
    _street("Șoseaua Colentina", 2,
        (26.1300, 44.4510), (26.1420, 44.4580), (26.1530, 44.4660), (26.1650, 44.4740)),
    _street("Șoseaua Mihai Bravu", 2,
        (26.1285, 44.4500), (26.1320, 44.4420), (26.1340, 44.4330), (26.1350, 44.4230),
        (26.1300, 44.4140)),
    _street("Bulevardul Basarabia", 2,
        (26.1350, 44.4335), (26.1500, 44.4330), (26.1650, 44.4325), (26.1850, 44.4320)),
    # Sector 3: Unirii, Dudești, Vitan, Titan.
    _street("Bulevardul Unirii", 3,
        (26.0900, 44.4275), (26.1025, 44.4270), (26.1130, 44.4272), (26.1245, 44.4280)),
    _street("Strada Lipscani", 3, (26.0968, 44.4318), (26.0995, 44.4318), (26.1025, 44.4315)),
    _street("Calea Călărașilor", 3, (26.1085, 44.4330), (26.1200, 44.4345), (26.1330, 44.4365)),
    _street("Bulevardul Mircea Vodă", 3,
        (26.1110, 44.4215), (26.1115, 44.4270), (26.1120, 44.4330)),
    _street("Calea Dudești", 3,
        (26.1120, 44.4265), (26.1250, 44.4240), (26.1370, 44.4225), (26.1500, 44.4205)),
    _street("Calea Vitan", 3, (26.1180, 44.4250), (26.1230, 44.4210), (26.1280, 44.4170)),
    _street("Bulevardul Nicolae Grigorescu", 3,
        (26.1580, 44.4315), (26.1610, 44.4240), (26.1660, 44.4170), (26.1720, 44.4110)),
    _street("Bulevardul Camil Ressu", 3,
        (26.1400, 44.4160), (26.1530, 44.4140), (26.1680, 44.4125)),
    _street("Bulevardul Theodor Pallady", 3,
        (26.1650, 44.4150), (26.1850, 44.4125), (26.2050, 44.4100), (26.2250, 44.4080)),
    # Sector 4: south of the river, Tineretului, Berceni.
    _street("Splaiul Unirii", 4,
        (26.1040, 44.4258), (26.1125, 44.4205), (26.1230, 44.4150), (26.1340, 44.4095)),
    _street("Calea Văcărești", 4,
        (26.1060, 44.4245), (26.1110, 44.4180), (26.1170, 44.4110), (26.1220, 44.4060)),
    _street("Bulevardul Dimitrie Cantemir", 4,
        (26.1040, 44.4255), (26.1040, 44.4185), (26.1042, 44.4115)),
    _street("Calea Șerban Vodă", 4,
        (26.1005, 44.4230), (26.1000, 44.4130), (26.0990, 44.4040), (26.0985, 44.3960)),
    _street("Șoseaua Olteniței", 4,
        (26.1170, 44.4065), (26.1200, 44.3975), (26.1260, 44.3870), (26.1330, 44.3760)),
    _street("Șoseaua Berceni", 4, (26.1205, 44.3970), (26.1210, 44.3880), (26.1225, 44.3760)),
    _street("Șoseaua Giurgiului", 4,
        (26.0950, 44.4060), (26.0920, 44.3950), (26.0900, 44.3850), (26.0880, 44.3750)),
)
# fmt: on


def _metres_per_degree_lng(lat: float) -> float:
    return METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))


def _segment_length_m(a: Coordinate, b: Coordinate) -> float:
    mid_lat = (a[1] + b[1]) / 2
    dx = (b[0] - a[0]) * _metres_per_degree_lng(mid_lat)
    dy = (b[1] - a[1]) * METRES_PER_DEGREE_LAT
    return math.hypot(dx, dy)


def spot_on(street: Street, rng: random.Random) -> Spot:
    """A random building along the street: on one side of it, numbered by how far along it is."""
    along = rng.uniform(0.0, street.length_m())
    lng, lat, a, b = _interpolate(street, along)
    side = rng.choice((1, -1))
    setback = side * rng.uniform(*SETBACK_M)
    # The unit normal to the segment, in metres, turned back into degrees at this latitude.
    dx = (b[0] - a[0]) * _metres_per_degree_lng(lat)
    dy = (b[1] - a[1]) * METRES_PER_DEGREE_LAT
    norm = math.hypot(dx, dy) or 1.0
    lng += -dy / norm * setback / _metres_per_degree_lng(lat)
    lat += dx / norm * setback / METRES_PER_DEGREE_LAT
    number = int(along // METRES_PER_NUMBER) * 2 + (1 if side > 0 else 2)
    return Spot(street, round(lng, 6), round(lat, 6), number)


def _interpolate(street: Street, along: float) -> tuple[float, float, Coordinate, Coordinate]:
    """The point `along` metres from the street's start, with the segment it lies on."""
    segments = list(pairwise(street.course))
    for a, b in segments:
        length = _segment_length_m(a, b)
        if along <= length:
            share = along / length if length else 0.0
            return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share, a, b
        along -= length
    a, b = segments[-1]
    return b[0], b[1], a, b
