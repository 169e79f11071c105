"""Map cells: a viewport summed from the pre-aggregated cells answers what clustering every
account answers (per role, zoom, viewport and filter), so does a campaign audience past the
count cap decided and clustered from the cells inside its area, and the triggers keep the
cells equal to the accounts through inserts, moves, changes of owner, territory, kind and
status, archives, deletes and concurrent writers."""

from __future__ import annotations

import json
import math
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select, text

from server.accounts.models import Account
from server.accounts.queries import clusters_in_bbox
from server.accounts.schemas import AccountFilters
from server.campaigns import queries as campaign_queries
from server.campaigns.schemas import CampaignFilters
from server.core.auth import SystemPrincipal
from server.core.clock import now_utc
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import MultiPolygon, Polygon
from server.geo.queries import MAP_CELL_LEVELS, BBox, grid_plan
from server.territories.models import Territory, TerritoryRep

CITY = (26.10, 44.43)
ACCOUNTS = 3_000
INSERT = text(
    """
    INSERT INTO accounts (id, org_id, kind, name, location, geocode_status, status, industry,
                          tags, custom, owner_id, territory_id, created_at, updated_at,
                          archived_at, version)
    VALUES (:id, :org_id, :kind, :name,
            CASE WHEN CAST(:lng AS float8) IS NULL THEN NULL
                 ELSE ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography END,
            'manual', :status, :industry, '{}', '{}', :owner_id, :territory_id, now(), now(),
            CASE WHEN :archived THEN now() END, 1)
    """
)
VIEWPORTS = [
    BBox(-180, -90, 180, 90),  # the world
    BBox(25.93, 44.32, 26.27, 44.54),  # the city
    BBox(26.0, 44.0, 26.2, 44.5),  # a part of it
    BBox(22.5, 0.0, 45.0, 67.5),  # edges on cell borders of every level
    BBox(170, -60, -170, 60),  # across the antimeridian
    BBox(-180, -90, 0, 90),  # the western half, its west edge the antimeridian
]
ZOOMS = [0, 6, 11, 14, 17]
FILTERS = [
    AccountFilters(),
    AccountFilters(status="active", kind="customer"),
    AccountFilters(industry="pharmacy"),  # not kept in cells: every account is clustered
]


class People:
    """Everyone who owns accounts or looks at them, in one organisation."""

    def __init__(self, org: Any, make_user: Callable[..., Any]) -> None:
        self.admin = make_user(org, role="admin")
        self.manager = make_user(org, role="manager")
        self.team = [make_user(org, manager_id=self.manager.id) for _ in range(2)]
        self.other_manager = make_user(org, role="manager")
        self.other_rep = make_user(org, manager_id=self.other_manager.id)
        self.owners = [
            None,
            self.manager.id,
            *(rep.id for rep in self.team),
            self.other_manager.id,
            self.other_rep.id,
        ]

    def principals(self, org: Any) -> list[SystemPrincipal]:
        """An admin, a manager and a rep of that manager's team."""
        return [
            SystemPrincipal(id=self.admin.id, org_id=org.id, role="admin"),
            SystemPrincipal(id=self.manager.id, org_id=org.id, role="manager"),
            SystemPrincipal(id=self.team[0].id, org_id=org.id, role="rep"),
        ]


@pytest.fixture
def people(org, make_user):
    return People(org, make_user)


@pytest.fixture
def territories(app, org, people):
    """Two territories; the first rep of the manager's team works the first one."""
    ids = [uuid.uuid4(), uuid.uuid4()]
    with app.app_context(), unit_of_work():
        for number, territory_id in enumerate(ids):
            db.session.add(
                Territory(
                    id=territory_id,
                    org_id=org.id,
                    name=f"Territory {number}",
                    area="SRID=4326;MULTIPOLYGON(((25 44,27 44,27 45,25 45,25 44)))",
                    created_at=now_utc(),
                    updated_at=now_utc(),
                    version=1,
                )
            )
        db.session.flush()
        db.session.add(TerritoryRep(territory_id=ids[0], user_id=people.team[0].id))
    return ids


def _random_place(rng: random.Random) -> tuple[float | None, float | None]:
    pick = rng.random()
    if pick < 0.55:  # the city, crowded
        return CITY[0] + rng.gauss(0, 0.05), CITY[1] + rng.gauss(0, 0.04)
    if pick < 0.65:  # either side of the antimeridian, and on it
        lng = rng.choice([180.0, -180.0, rng.uniform(179, 180), rng.uniform(-180, -179)])
        return lng, rng.uniform(-50, 50)
    if pick < 0.75:  # exactly on cell borders of some level
        size = 360.0 / 2 ** rng.choice(list(MAP_CELL_LEVELS))
        return size * rng.randint(-20, 200), size * rng.randint(-20, 200) % 80
    if pick < 0.95:
        return rng.uniform(-180, 180), rng.uniform(-85, 85)
    return None, None  # not located


def _seed(app, org, people, territories, count=ACCOUNTS, seed=11) -> None:
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        lng, lat = _random_place(rng)
        rows.append(
            {
                "id": uuid.uuid4(),
                "org_id": org.id,
                "kind": rng.choice(["customer", "prospect"]),
                "name": f"Account {number}",
                "lng": lng,
                "lat": lat,
                "status": rng.choice(["active", "new", "at_risk"]),
                "industry": rng.choice(["pharmacy", "grocery", None]),
                "owner_id": rng.choice(people.owners),
                "territory_id": rng.choice([None, *territories]),
                "archived": rng.random() < 0.05,
            }
        )
    with app.app_context(), unit_of_work():
        db.session.execute(INSERT, rows)


def _clusters(app, principal, filters, bbox, zoom, use_cells):
    with app.app_context():
        found = clusters_in_bbox(principal, filters, bbox, zoom, use_cells=use_cells)
    return sorted(
        ((*cluster.bbox, cluster.count, cluster.location.lng, cluster.location.lat))
        for cluster in found
    )


def _assert_same_clusters(cells, live):
    """Same cells, counts and boxes; centres equal but for the order floats were added in."""
    assert [cluster[:5] for cluster in cells] == [cluster[:5] for cluster in live]
    for from_cells, clustered in zip(cells, live, strict=True):
        assert from_cells[5:] == pytest.approx(clustered[5:], abs=1e-9)


def test_viewports_summed_from_cells_equal_clustering_every_account(app, org, people, territories):
    """Each role, viewport, zoom and filter: the same clusters from cells as from accounts."""
    _seed(app, org, people, territories)
    used_cells = 0

    for principal in people.principals(org):
        for bbox in VIEWPORTS:
            for zoom in ZOOMS:
                used_cells += grid_plan(bbox, zoom).kept_as_cells()
                for filters in FILTERS:
                    cells = _clusters(app, principal, filters, bbox, zoom, use_cells=True)
                    live = _clusters(app, principal, filters, bbox, zoom, use_cells=False)
                    _assert_same_clusters(cells, live)

    assert used_cells > len(VIEWPORTS) * len(ZOOMS)  # most cases read cells, per role


def test_a_viewport_reads_the_cells_inside_it(app, org, people, territories):
    """Proof the cells are what is read: a count changed in the cells shows in the answer."""
    _seed(app, org, people, territories)
    admin = people.principals(org)[0]
    bbox, zoom = BBox(25.93, 44.32, 26.27, 44.54), 11
    plan = grid_plan(bbox, zoom)
    before = _clusters(app, admin, AccountFilters(), bbox, zoom, use_cells=True)
    window = plan.windows[0]

    with app.app_context(), unit_of_work():
        changed = db.session.execute(
            text(
                "UPDATE account_map_cells SET members = members + 1000 WHERE org_id = :org "
                "AND level = :level AND cell_x BETWEEN :x0 AND :x1 AND cell_y BETWEEN :y0 AND :y1"
            ),
            {"org": org.id, "level": plan.level, "x0": window.x0, "x1": window.x1}
            | {"y0": window.y0, "y1": window.y1},
        ).rowcount
    after = _clusters(app, admin, AccountFilters(), bbox, zoom, use_cells=True)

    assert changed > 0
    assert sum(c[4] for c in after) == sum(c[4] for c in before) + 1000 * changed


# The cells as they should be: computed here in Python from the accounts, level by level.
def _expected_cells(app, org_id) -> dict[tuple, list[float]]:
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT owner_id, territory_id, kind, status, ST_X(location::geometry), "
                "ST_Y(location::geometry) FROM accounts WHERE org_id = :org "
                "AND location IS NOT NULL AND archived_at IS NULL"
            ),
            {"org": org_id},
        ).all()
    expected: dict[tuple, list[float]] = {}
    for owner, territory, kind, status, x, y in rows:
        for level in MAP_CELL_LEVELS:
            size = 360.0 / 2**level
            key = (level, math.floor(x / size), math.floor(y / size), owner, territory, kind)
            key += (status,)
            cell = expected.setdefault(key, [0, 0.0, 0.0, x, y, x, y])
            cell[0] += 1
            cell[1] += x
            cell[2] += y
            cell[3:] = [min(cell[3], x), min(cell[4], y), max(cell[5], x), max(cell[6], y)]
    return expected


def _stored_cells(app, org_id) -> dict[tuple, list[float]]:
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT level, cell_x, cell_y, owner_id, territory_id, kind, status, members, "
                "sum_lng, sum_lat, min_lng, min_lat, max_lng, max_lat FROM account_map_cells "
                "WHERE org_id = :org"
            ),
            {"org": org_id},
        ).all()
    return {tuple(row[:7]): list(row[7:]) for row in rows}


def _assert_cells_follow(app, org_id, exact_boxes=True) -> None:
    """The stored cells hold the accounts: same keys and counts, same sums, and boxes that
    equal theirs (or, after accounts left, still hold them within the cell)."""
    expected, stored = _expected_cells(app, org_id), _stored_cells(app, org_id)
    assert set(stored) == set(expected)
    for key, (members, sum_lng, sum_lat, *box) in expected.items():
        got = stored[key]
        assert got[0] == members, key
        assert got[1:3] == pytest.approx([sum_lng, sum_lat], abs=1e-7), key
        if exact_boxes:
            assert got[3:] == box, key
        else:
            assert got[3] <= box[0] and got[4] <= box[1], key
            assert got[5] >= box[2] and got[6] >= box[3], key


def _update(app, account_id, **values) -> None:
    with app.app_context(), unit_of_work():
        db.session.execute(db.update(Account).where(Account.id == account_id).values(**values))


def test_cells_follow_inserts_moves_changes_archives_and_deletes(
    app, org, make_account, people, territories
):
    """Every kind of change to an account moves its count to the right cells, and a cell
    that counts nobody is gone."""
    _seed(app, org, people, territories, count=300)
    _assert_cells_follow(app, org.id)
    first = make_account(org, 26.1, 44.43, owner_id=people.team[0].id)
    second = make_account(org, 179.9999, -10.0)
    unlocated = make_account(org)
    _assert_cells_follow(app, org.id)

    changes: list[dict[str, Any]] = [
        {"location": "SRID=4326;POINT(-179.5 -10)"},  # across the antimeridian
        {"owner_id": people.other_rep.id},
        {"territory_id": territories[1]},
        {"kind": "prospect", "status": "qualified"},
        {"name": "Renamed", "last_visit_at": now_utc()},  # not a cell's business
        {"archived_at": now_utc()},
        {"archived_at": None},
        {"location": None},
        {"location": "SRID=4326;POINT(26.2 44.4)"},
    ]
    for change in changes:
        _update(app, first, **change)
        _update(app, second, **change)
        _assert_cells_follow(app, org.id, exact_boxes=False)
    _update(app, unlocated, location="SRID=4326;POINT(26.15 44.45)")
    _assert_cells_follow(app, org.id, exact_boxes=False)

    with app.app_context(), unit_of_work():
        db.session.execute(db.delete(Account).where(Account.org_id == org.id))
    assert _stored_cells(app, org.id) == {}


def test_one_statement_moving_many_accounts_keeps_the_cells(app, org, people, territories):
    """A bulk update (a territory edit, say) and a bulk delete, each one statement."""
    _seed(app, org, people, territories, count=1_000)

    with app.app_context(), unit_of_work():
        db.session.execute(
            text(
                "UPDATE accounts SET territory_id = :territory, "
                "location = ST_Project(location, 500, radians(45)) "
                "WHERE org_id = :org AND random() < 0.5"
            ),
            {"territory": territories[0], "org": org.id},
        )
    _assert_cells_follow(app, org.id, exact_boxes=False)

    with app.app_context(), unit_of_work():
        db.session.execute(
            text("DELETE FROM accounts WHERE org_id = :org AND kind = 'prospect'"), {"org": org.id}
        )
    _assert_cells_follow(app, org.id, exact_boxes=False)


# Two connections of their own, outside the app's session, each its own transaction.
@contextmanager
def _connection(app) -> Iterator[Any]:
    with app.app_context():
        connection = db.engine.raw_connection()
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


def _insert_raw(connection, org_id, lng, lat, owner_id=None) -> uuid.UUID:
    account_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts (id, org_id, kind, name, location, geocode_status, status, "
            "tags, custom, owner_id, created_at, updated_at, version) VALUES (%s, %s, "
            "'customer', 'Raced', ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 'manual', "
            "'active', '{}', '{}', %s, now(), now(), 1)",
            (account_id, org_id, lng, lat, owner_id),
        )
    return account_id


def _backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _wait_until_blocked(app, pid: int) -> None:
    """Until that backend's statement waits on a lock (a condition, not a delay)."""
    with _connection(app) as watcher, watcher.cursor() as cursor:
        while True:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
            if cursor.fetchone()[0] == "Lock":
                return
            watcher.rollback()


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:  # handed to the test's thread
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _trigger_plans(connection, statement: str, *params: Any) -> list[dict[str, Any]]:
    """The plans of the statements the triggers of `statement` ran, as auto_explain reports
    them to the client (JSON, estimates only)."""
    plans: list[dict[str, Any]] = []

    def keep(notice: Any) -> None:
        found = str(notice.message_primary or "")
        if found.startswith("duration:") and '"Plan"' in found:
            plans.append(json.loads(found.split("plan:", 1)[1]))

    connection.driver_connection.add_notice_handler(keep)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    connection.driver_connection.remove_notice_handler(keep)
    return [plan for plan in plans if "new_rows" in plan["Query Text"]]


def _tuplestore_estimates(plan: dict[str, Any]) -> list[float]:
    """The rows each scan of a transition table was planned for."""
    found = [plan["Plan Rows"]] if plan.get("Node Type") == "Named Tuplestore Scan" else []
    for child in plan.get("Plans", []):
        found += _tuplestore_estimates(child)
    return found


def test_the_triggers_plan_each_statement_for_its_own_rows(app, org, people):
    """A PL/pgSQL function keeps the plan of its first run on a connection: planned for the one
    row of a first UPDATE, the cells' trigger joined the 300 rows of the next by nested loops
    (on a territory's batch of 20,000 accounts, minutes). Each statement is planned for the
    rows it brings."""
    _seed(app, org, people, [], count=300)
    with _connection(app) as connection:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting in ("log_nested_statements = on", "log_format = json"):
                cursor.execute(f"SET auto_explain.{setting}")
            cursor.execute("SET auto_explain.log_level = notice")
            cursor.execute("SET auto_explain.log_min_duration = 0")
        mark = "UPDATE accounts SET status = %s WHERE org_id = %s"
        one = " AND id = (SELECT id FROM accounts LIMIT 1)"
        first = _trigger_plans(connection, mark + one, "at_risk", org.id)
        second = _trigger_plans(connection, mark, "inactive", org.id)

    assert first and second
    assert set(_tuplestore_estimates(first[0]["Plan"])) == {1}
    assert set(_tuplestore_estimates(second[0]["Plan"])) == {300}


def test_two_transactions_creating_the_same_new_cell_both_count(app, org):
    """Both insert into a cell no one counted before: the second waits for the first's new
    row, then adds to it; neither count is lost."""
    with _connection(app) as first, _connection(app) as second:
        _insert_raw(first, org.id, 26.1, 44.43)
        pid = _backend_pid(second)
        thread, outcome = _in_thread(lambda: _insert_raw(second, org.id, 26.1, 44.43))
        _wait_until_blocked(app, pid)
        first.commit()
        thread.join()
        assert isinstance(outcome[0], uuid.UUID)
        second.commit()

    _assert_cells_follow(app, org.id)
    assert {cell[0] for cell in _stored_cells(app, org.id).values()} == {2}


def test_a_cell_emptied_while_another_transaction_adds_to_it_keeps_the_new_account(app, org):
    """One deletes a cell's last account (its row goes) while another inserts there: the
    insert waits, then makes the row again."""
    with _connection(app) as setup:
        gone = _insert_raw(setup, org.id, 26.1, 44.43)
        setup.commit()

    with _connection(app) as first, _connection(app) as second:
        with first.cursor() as cursor:
            cursor.execute("DELETE FROM accounts WHERE id = %s", (gone,))
        pid = _backend_pid(second)
        thread, outcome = _in_thread(lambda: _insert_raw(second, org.id, 26.1001, 44.4301))
        _wait_until_blocked(app, pid)
        first.commit()
        thread.join()
        assert isinstance(outcome[0], uuid.UUID)
        second.commit()

    _assert_cells_follow(app, org.id)
    assert {cell[0] for cell in _stored_cells(app, org.id).values()} == {1}


def test_many_writers_at_once_lose_no_count(app, org, people):
    """Eight connections insert, move and delete accounts of the same few cells at once."""
    rng = random.Random(5)
    plans = [[(rng.gauss(26.1, 0.01), rng.gauss(44.43, 0.01)) for _ in range(40)] for _ in range(8)]

    def write(places: list[tuple[float, float]]) -> int:
        with _connection(app) as connection:
            ids = []
            for lng, lat in places:
                ids.append(_insert_raw(connection, org.id, lng, lat, people.manager.id))
                connection.commit()
            with connection.cursor() as cursor:
                for account_id in ids[::3]:
                    cursor.execute(
                        "UPDATE accounts SET location = ST_SetSRID(ST_MakePoint(26.2, 44.5), "
                        "4326)::geography, owner_id = NULL WHERE id = %s",
                        (account_id,),
                    )
                    connection.commit()
                for account_id in ids[1::3]:
                    cursor.execute("DELETE FROM accounts WHERE id = %s", (account_id,))
                    connection.commit()
            return len(ids)

    threads = [_in_thread(lambda places=places: write(places)) for places in plans]
    for thread, _ in threads:
        thread.join()

    assert [outcome for _, outcome in threads] == [[40]] * 8
    _assert_cells_follow(app, org.id, exact_boxes=False)
    counted = defaultdict(int)
    for (level, *_), cell in _stored_cells(app, org.id).items():
        counted[level] += cell[0]
    assert set(counted.values()) == {8 * (40 - len(range(1, 40, 3)))}


# A campaign audience past the count cap.

CAP = 40
HEXAGON = [
    [26.00, 44.36],
    [26.12, 44.35],
    [26.22, 44.40],
    [26.20, 44.49],
    [26.07, 44.50],
    [25.98, 44.44],
    [26.00, 44.36],
]
HOLE = [[26.08, 44.41], [26.08, 44.45], [26.13, 44.45], [26.13, 44.41], [26.08, 44.41]]
EAST = [[26.25, 44.40], [26.35, 44.40], [26.35, 44.48], [26.25, 44.48], [26.25, 44.40]]
AREAS = [
    Polygon(type="Polygon", coordinates=[HEXAGON]),
    Polygon(type="Polygon", coordinates=[HEXAGON, HOLE]),
    MultiPolygon(type="MultiPolygon", coordinates=[[HEXAGON, HOLE], [EAST]]),
]
AUDIENCE_VIEWPORTS = [
    BBox(25.93, 44.32, 26.27, 44.54),  # the whole area
    BBox(26.05, 44.38, 26.30, 44.47),  # across its edges
    BBox(170, -60, -170, 60),  # across the antimeridian: clusters read account by account
]
AUDIENCE_ZOOMS = [11, 14, 17]  # at 17 the grid is finer than the kept cells: read as well
AUDIENCE_FILTERS = [{}, {"kind": "customer", "status": "active"}]


def _seed_on_cell_borders(app, org, people, count=400, seed=5) -> None:
    """Accounts exactly on the borders and corners of kept cells, across the area."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        size = 360.0 / 2 ** rng.choice([14, 15, 16, 17, 18])
        lng = size * round(rng.uniform(25.97, 26.36) / size)
        lat = size * round(rng.uniform(44.34, 44.51) / size)
        if rng.random() < 0.5:  # on a vertical border only
            lat = rng.uniform(44.34, 44.51)
        rows.append(
            {
                "id": uuid.uuid4(),
                "org_id": org.id,
                "kind": rng.choice(["customer", "prospect"]),
                "name": f"On a border {number}",
                "lng": lng,
                "lat": lat,
                "status": rng.choice(["active", "new"]),
                "industry": None,
                "owner_id": rng.choice(people.owners),
                "territory_id": None,
                "archived": False,
            }
        )
    with app.app_context():
        db.session.execute(INSERT, rows)
        db.session.commit()


def _live(audience, bbox, zoom):
    """The audience's exact size and its clusters from every one of its accounts."""
    ids = audience.query.with_only_columns(audience.query.selected_columns.id).subquery()
    size = int(db.session.scalar(select(func.count()).select_from(ids)) or 0)
    return size, campaign_queries._read_clusters(audience.query, bbox, zoom)


def _rows_of(clusters):
    return sorted(
        (*cluster.bbox, cluster.count, cluster.location.lng, cluster.location.lat)
        for cluster in clusters
    )


def test_a_capped_audience_from_cells_answers_what_its_accounts_answer(
    app, org, people, territories, monkeypatch
):
    """Cap decided and clusters summed from cells equal those of the live computation."""
    _seed(app, org, people, territories)
    _seed_on_cell_borders(app, org, people)
    monkeypatch.setattr(campaign_queries, "COUNT_CAP", CAP)
    from_cells = 0
    with app.app_context():
        for principal in people.principals(org):
            for area in AREAS:
                for filters in AUDIENCE_FILTERS:
                    chosen = CampaignFilters.model_validate(filters)
                    audience = campaign_queries.audience_of(principal, area, None, chosen)
                    for bbox in AUDIENCE_VIEWPORTS:
                        for zoom in AUDIENCE_ZOOMS:
                            size, live = _live(audience, bbox, zoom)
                            answer = campaign_queries.audience_page(audience, 5, None, bbox, zoom)
                            assert answer["count_capped"] == (size > CAP)
                            assert answer["count"] == min(size, CAP)
                            _assert_same_clusters(_rows_of(answer["clusters"]), _rows_of(live))
                            capped = campaign_queries._capped_clusters(audience, bbox, zoom)
                            if capped is not None:
                                from_cells += 1
                                assert size > CAP
                                _assert_same_clusters(_rows_of(capped), _rows_of(live))
                    db.session.rollback()
    assert from_cells >= len(AREAS) * len(AUDIENCE_VIEWPORTS) * len(AUDIENCE_ZOOMS)


def test_an_audience_the_cells_cannot_count_is_counted_from_its_accounts(
    app, org, people, territories, monkeypatch
):
    """Filters the cells do not carry (industry) leave the count to the accounts."""
    _seed(app, org, people, territories)
    monkeypatch.setattr(campaign_queries, "COUNT_CAP", CAP)
    with app.app_context():
        principal = people.principals(org)[0]
        chosen = CampaignFilters.model_validate({"industry": "pharmacy"})
        audience = campaign_queries.audience_of(principal, AREAS[0], None, chosen)
        size, live = _live(audience, AUDIENCE_VIEWPORTS[0], 12)
        assert size > CAP
        assert campaign_queries._capped_clusters(audience, AUDIENCE_VIEWPORTS[0], 12) is None
        answer = campaign_queries.audience_page(audience, 5, None, AUDIENCE_VIEWPORTS[0], 12)
        assert answer["count_capped"]
        _assert_same_clusters(_rows_of(answer["clusters"]), _rows_of(live))
