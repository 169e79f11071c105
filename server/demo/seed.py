"""The demo organisation: an admin, a manager, three reps and 2,000 accounts along real streets,
the visits behind every account's last visit and the team's tasks (activity.py, workday.py),
the people at every account (contacts.py), and the manager's territories, saved segment and
campaigns (manager.py).

Seeding is idempotent: the organisation has a fixed id and is made once; the work of a day is
added once, the first time the seed runs that day (a second run changes nothing). The data
comes from seeded random generators, so every installation gets the same demo.
"""

from __future__ import annotations

import bisect
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from server.accounts.models import Account
from server.contacts.models import Contact
from server.core.clock import now_utc
from server.core.events import queue_event, sync_poke
from server.demo.activity import Rules, demo_accounts, visit_history
from server.demo.city import STREETS, Spot, spot_on
from server.demo.contacts import contact_rows
from server.demo.manager import seed_manager_desk
from server.demo.names import FAMILY_NAMES, GIVEN_NAMES, ascii_slug
from server.demo.workday import Team, by_owner, day_is_planned, local_day, past_work, plan_day
from server.extensions import db
from server.geo.geojson import Point
from server.geo.queries import point_to_store
from server.orgs.models import Organisation
from server.users.models import User
from server.users.passwords import hash_password
from server.visits.models import Visit

DEMO_ORG_ID = uuid.UUID("8f5e2a64-0d8c-4b7e-9c55-3a7f1d2b6e01")
DEMO_ORG_NAME = "Waypoint Demo"
DEMO_PASSWORD = "waypoint-demo-2026"  # noqa: S105 (printed for everyone: it is a demo)
DEMO_DOMAIN = "waypoint-demo.example.com"
ACCOUNT_COUNT = 2_000
SEED = 2026
CUSTOMER_SHARE = 0.6
CHAIN_SHARE = 0.15
EMAIL_SHARE = 0.5
VISIT_WINDOW_DAYS = 120
# Chance that an account has been visited: most customers, fewer prospects (about half overall).
VISITED_SHARE = {"customer": 0.65, "prospect": 0.3}
STATUS_WEIGHTS = {
    "customer": {"active": 65, "at_risk": 20, "inactive": 15},
    "prospect": {"new": 35, "contacted": 30, "qualified": 20, "lost": 15},
}
# (tag, chance) for tags that do not follow from the account's kind or name.
OPTIONAL_TAGS = (("weekend", 0.15), ("delivery", 0.1), ("parking", 0.1), ("cash-only", 0.05))

# Independent shops draw names until one is free; after this many tries a repeat is accepted.
NAME_ATTEMPTS = 20

# Where each rep starts the day (lng, lat): depots west, centre and east of Bucharest, so
# campaigns launched "nearest_rep" split the city between them.
HOME_BASES = {
    "rep1": (26.0433, 44.4355),
    "rep2": (26.1025, 44.4268),
    "rep3": (26.1615, 44.4295),
}
STAFF = (
    ("admin", "admin", "Ana Ionescu"),
    ("manager", "manager", "Mihai Popescu"),
    ("rep", "rep1", "Elena Dumitrescu"),
    ("rep", "rep2", "Andrei Georgescu"),
    ("rep", "rep3", "Ioana Stan"),
)


@dataclass(frozen=True)
class Trade:
    """A line of business: its industry, how common it is and how its shops are named."""

    industry: str
    weight: int
    kinds: tuple[str, ...]
    names: tuple[str, ...]
    chains: tuple[str, ...]


TRADES = (
    Trade(
        "hospitality",
        18,
        ("Cafeneaua", "Bistro", "Restaurantul", "Terasa", "Ceainăria", "Cofetăria"),
        (
            "Lipscani",
            "Ateneu",
            "Cișmigiu",
            "Herăstrău",
            "Dâmbovița",
            "Boema",
            "Amzei",
            "Hanul Vechi",
        ),
        ("Urban Bean Coffee", "Corner Café", "Blue Door Bistro", "Trattoria Bella Vita"),
    ),
    Trade(
        "grocery",
        16,
        ("Magazinul", "Alimentara", "Băcănia", "Minimarket", "Supermarketul"),
        ("La Colț", "Vecinul", "Proaspăt", "Cartierului", "Bunicii", "Gospodina", "Belșug"),
        ("FreshWay Market", "Daily Basket", "Green Grocer Express"),
    ),
    Trade(
        "retail",
        12,
        ("Florăria", "Librăria", "Magazinul", "Boutique", "Galeria"),
        ("Lalele", "Trandafirul", "Crizantema", "Victoria", "Elegant", "Gloria", "Cartea Veche"),
        ("Bloom & Co", "Pages Bookstore", "HomeStyle"),
    ),
    Trade(
        "pharmacy",
        11,
        ("Farmacia", "Farmacia", "Plafarul", "Drogheria"),
        (
            "Sfânta Maria",
            "Sfântul Pantelimon",
            "Salvia",
            "Arnica",
            "Mușețel",
            "Familiei",
            "Iris",
            "Aesculap",
            "Crinul",
            "Ginkgo",
        ),
        ("City Pharmacy", "Green Cross Pharmacy", "PharmaPlus"),
    ),
    Trade(
        "beauty",
        10,
        ("Salonul", "Frizeria", "Studio", "Coafura"),
        ("Bella", "Glamour", "Ana", "Aura", "Venus", "Carmen", "Elite", "Nufărul"),
        ("Glow Beauty Bar", "Barber Brothers"),
    ),
    Trade(
        "bakery",
        9,
        ("Brutăria", "Patiseria", "Covrigăria", "Plăcintăria"),
        ("Pâine Caldă", "Bunicuța", "Spicul", "De Casă", "Moara Veche", "Grâul Auriu"),
        ("Bake House", "Golden Crust"),
    ),
    Trade(
        "healthcare",
        8,
        ("Clinica", "Cabinetul Medical", "Centrul Medical", "Clinica Stomatologică"),
        ("Hipocrate", "Vitalis", "Sănătatea", "Dr. Popescu", "Dr. Ionescu", "Salus", "Familia"),
        ("MedPoint", "CityCare Clinic", "Smile Dental"),
    ),
    Trade(
        "automotive",
        7,
        ("Service Auto", "Vulcanizare", "Spălătorie Auto", "Piese Auto"),
        ("Rapid", "Motorul", "Ionescu & Fiii", "Drumul Bun", "Turbo", "Carpați", "Garajul 44"),
        ("QuickFit Auto", "TyreStop"),
    ),
    Trade(
        "hardware",
        5,
        ("Feroneria", "Depozitul", "Bricolaj", "Materiale de Construcții"),
        ("Meșterul", "Unelte Plus", "Șurubul", "Casa Ta", "Ciocanul", "Constructorul"),
        ("ToolPoint", "BuildMax Depot"),
    ),
    Trade(
        "office supplies",
        4,
        ("Papetăria", "Birotica", "Copy Center", "Tipografia"),
        ("Birou Plus", "Hârtia", "Pix & Co", "Universal", "Școlarul", "Condeiul"),
        ("OfficeHub", "PaperWorks"),
    ),
)


def demo_logins() -> list[tuple[str, str]]:
    """(role, email) of every demo user."""
    return [(role, f"{local}@{DEMO_DOMAIN}") for role, local, _ in STAFF]


@dataclass(frozen=True)
class Seeded:
    """What a run of the seed did: the demo logins, whether it made the organisation, and the
    day whose work it added (None when that day had its work already)."""

    logins: list[tuple[str, str]]
    created: bool
    day_added: date | None


def seed_demo_organisation(now: datetime | None = None) -> Seeded:
    """Create the demo organisation unless it exists, and give it the work of the day `now`
    (by default the present) falls on unless it has it."""
    now = now or now_utc()
    organisation = db.session.get(Organisation, DEMO_ORG_ID)
    created = organisation is None
    if organisation is None:
        organisation = _create_organisation(now)
    team = demo_team()
    day = local_day(now)
    if day_is_planned(team, day):
        return Seeded(demo_logins(), created, None)
    plan_day(team, by_owner(demo_accounts(DEMO_ORG_ID)), Rules.of(organisation, now), SEED)
    # Devices open on the demo pull the new day at once.
    queue_event(db.session(), sync_poke(DEMO_ORG_ID, team.admin_id, *team.rep_ids))
    return Seeded(demo_logins(), created, day)


def demo_team() -> Team:
    """The demo's admin, manager and reps (their ids derive from their logins)."""
    ids = {local: uuid.uuid5(DEMO_ORG_ID, local) for _, local, _ in STAFF}
    reps = tuple(ids[local] for role, local, _ in STAFF if role == "rep")
    return Team(DEMO_ORG_ID, ids["admin"], ids["manager"], reps)


def _create_organisation(now: datetime) -> Organisation:
    """The organisation, its staff and accounts, the visits behind every last visit and the
    tasks of the days before `now`."""
    organisation = Organisation(id=DEMO_ORG_ID, name=DEMO_ORG_NAME)
    db.session.add(organisation)
    db.session.flush()
    staff = _staff()
    # Rows of one table are inserted in the order added: the manager before the reps.
    db.session.add_all(staff)
    db.session.flush()
    reps = [user for user in staff if user.role == "rep"]
    db.session.add_all(_accounts(random.Random(SEED), reps, now))
    db.session.flush()
    accounts = demo_accounts(DEMO_ORG_ID)
    rng = random.Random(SEED + 1)
    rules = Rules.of(organisation, now)
    visits = visit_history(rng, accounts, rules)
    db.session.add_all(past_work(rng, demo_team(), by_owner(accounts), visits, rules))
    db.session.flush()
    db.session.execute(insert(Visit), visits)
    db.session.execute(insert(Contact), contact_rows(random.Random(SEED + 3), accounts, now))
    manager = next(user for user in staff if user.role == "manager")
    seed_manager_desk(random.Random(SEED + 2), manager, reps, accounts, rules)
    return organisation


def _staff() -> list[User]:
    password_hash = hash_password(DEMO_PASSWORD)
    manager_id = uuid.uuid5(DEMO_ORG_ID, "manager")
    return [
        User(
            id=uuid.uuid5(DEMO_ORG_ID, local),
            org_id=DEMO_ORG_ID,
            email=f"{local}@{DEMO_DOMAIN}",
            name=name,
            role=role,
            manager_id=manager_id if role == "rep" else None,
            password_hash=password_hash,
            is_active=True,
            home_location=_home_base(local),
            version=1,
        )
        for role, local, name in STAFF
    ]


def _home_base(local: str) -> str | None:
    home = HOME_BASES.get(local)
    return point_to_store(Point.at(*home)) if home else None


def _accounts(rng: random.Random, reps: list[User], now: datetime) -> list[Account]:
    # Long streets get more shops, so the density along every street is about the same.
    lengths = [street.length_m() for street in STREETS]
    streets = rng.choices(STREETS, weights=lengths, k=ACCOUNT_COUNT)
    spots = [spot_on(street, rng) for street in streets]
    owners = _owners_by_territory(spots, reps)
    taken: set[str] = set()
    return [
        _account(rng, spot, owner, now, taken) for spot, owner in zip(spots, owners, strict=True)
    ]


def _owners_by_territory(spots: list[Spot], reps: list[User]) -> list[User]:
    """Each rep covers one band of the city, west to east, with an equal share of accounts."""
    longitudes = sorted(spot.lng for spot in spots)
    edges = [longitudes[len(longitudes) * band // len(reps)] for band in range(1, len(reps))]
    return [reps[bisect.bisect_right(edges, spot.lng)] for spot in spots]


def _account(
    rng: random.Random, spot: Spot, owner: User, now: datetime, taken: set[str]
) -> Account:
    trade = rng.choices(TRADES, weights=[trade.weight for trade in TRADES])[0]
    name, chain = _business_name(rng, trade, spot, taken)
    kind = "customer" if rng.random() < CUSTOMER_SHARE else "prospect"
    statuses = STATUS_WEIGHTS[kind]
    created = now - timedelta(days=rng.randint(VISIT_WINDOW_DAYS + 30, 1400))
    visited = _last_visit(rng, now) if rng.random() < VISITED_SHARE[kind] else None
    return Account(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        org_id=DEMO_ORG_ID,
        kind=kind,
        name=name,
        address=spot.address(),
        location=point_to_store(Point.at(spot.lng, spot.lat)),
        geocode_status="ok",
        status=rng.choices(list(statuses), weights=list(statuses.values()))[0],
        industry=trade.industry,
        phone=f"+40 21 {rng.randint(210, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        email=_email(name) if rng.random() < EMAIL_SHARE else None,
        owner_id=owner.id,
        tags=_tags(rng, kind, chain),
        custom={},
        last_visit_at=visited,
        created_at=created,
        updated_at=visited or created,
        version=1,
    )


def _business_name(
    rng: random.Random, trade: Trade, spot: Spot, taken: set[str]
) -> tuple[str, bool]:
    """A chain's name (shared by its branches), or an independent shop's name unused so far."""
    if rng.random() < CHAIN_SHARE:
        return rng.choice(trade.chains), True
    for _ in range(NAME_ATTEMPTS):
        name = f"{rng.choice(trade.kinds)} {_proper_name(rng, trade, spot)}"
        if name not in taken:
            break
    taken.add(name)
    return name, False


def _proper_name(rng: random.Random, trade: Trade, spot: Spot) -> str:
    """A shop's own name, its owner's name, or the street it stands on."""
    draw = rng.random()
    if draw < 0.3:
        return rng.choice(trade.names)
    if draw < 0.6:
        return rng.choice(FAMILY_NAMES)
    if draw < 0.8:
        return rng.choice(GIVEN_NAMES)
    return spot.street.short_name


def _last_visit(rng: random.Random, now: datetime) -> datetime:
    """A moment in working hours within the visit window, always in the past."""
    day = now - timedelta(days=rng.randint(1, VISIT_WINDOW_DAYS - 1))
    # 07:00-15:55 UTC falls within Bucharest's working day, summer time or not.
    hour, minute = rng.randint(7, 15), rng.randrange(0, 60, 5)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _tags(rng: random.Random, kind: str, chain: bool) -> list[str]:
    tags = {tag for tag, chance in OPTIONAL_TAGS if rng.random() < chance}
    if chain:
        tags.add("chain")
    if kind == "customer" and rng.random() < 0.12:
        tags.add("key-account")
    if kind == "prospect" and rng.random() < 0.15:
        tags.add("new-opening")
    return sorted(tags)


def _email(name: str) -> str:
    """A contact address under a reserved domain, so the demo never mails a real business."""
    return f"contact@{ascii_slug(name)}.example.com"
