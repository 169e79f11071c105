"""CSV import (all or nothing) and export (streamed, filtered, safe for spreadsheets)."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

HEADER = "kind,name,address,lat,lng,status,industry,tags,owner_email\n"


@pytest.fixture
def admin(org, make_user):
    return make_user(org, role="admin")


@pytest.fixture
def api(admin, logged_in):
    return logged_in(admin)


def _upload(api, text, as_file=True):
    raw = text.encode("utf-8")
    if as_file:
        return api.post(
            "/api/v1/accounts/import",
            data={"file": (io.BytesIO(raw), "accounts.csv")},
            content_type="multipart/form-data",
        )
    return api.post("/api/v1/accounts/import", data=raw, content_type="text/csv")


def _export(api, query=""):
    response = api.get(f"/api/v1/accounts/export.csv{query}")
    assert response.status_code == 200, response.data
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_import_creates_every_row_and_counts_pending_geocoding(api, admin):
    """Rows with coordinates are placed; address-only rows wait for the geocoder."""
    text = HEADER + (
        "customer,Farmacia Dona,Calea Victoriei 1,44.43,26.09,active,pharmacy,"
        f"chain; key-account,{admin.email}\n"
        "prospect,Brutaria Luca,Strada Lipscani 5,,,new,bakery,,\n"
    )

    response = _upload(api, text)

    assert response.status_code == 201
    assert response.json == {"created": 2, "geocode_pending": 1}
    items = {item["name"]: item for item in api.get("/api/v1/accounts").json["items"]}
    assert items["Farmacia Dona"]["location"]["coordinates"] == [26.09, 44.43]
    assert items["Farmacia Dona"]["geocode_status"] == "manual"
    assert items["Farmacia Dona"]["tags"] == ["chain", "key-account"]
    assert items["Farmacia Dona"]["owner_id"] == str(admin.id)
    assert items["Brutaria Luca"]["geocode_status"] == "pending"


def test_import_reads_semicolons_and_a_byte_order_mark_from_a_raw_csv_body(api):
    """Spreadsheet exports in many locales use ; and a BOM."""
    text = '\ufeffkind;name;address\ncustomer;"Cafe; Bar";Strada Lipscani 1\n'

    response = _upload(api, text, as_file=False)

    assert response.status_code == 201
    assert api.get("/api/v1/accounts").json["items"][0]["name"] == "Cafe; Bar"


def test_import_stores_nothing_and_names_row_and_field_when_a_row_is_bad(api):
    """One bad row refuses the whole file; the error says where."""
    text = (
        HEADER
        + "customer,Good Shop,,44.4,26.1,,,,\n"
        + "lead,Bad Kind,,44.4,26.1,,,,\n"
        + "customer,,,abc,26.1,,,,\n"
    )

    response = _upload(api, text)

    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "row 3.kind" in fields
    assert "row 4.name" in fields
    assert "row 4.location" in fields
    assert api.get("/api/v1/accounts").json["items"] == []


def test_import_answers_422_when_a_column_is_unknown(api):
    """Unknown columns are named rather than silently dropped."""
    response = _upload(api, "kind,name,colour\ncustomer,Shop,red\n")

    assert response.status_code == 422
    assert "colour" in response.json["error"]["fields"]["file"]


def test_import_answers_422_when_owner_email_is_not_a_colleague(api, make_org, make_user):
    """Owners are matched by email within the organisation only."""
    stranger = make_user(make_org())

    response = _upload(api, HEADER + f"customer,Shop,,,,,,,{stranger.email}\n")

    assert response.status_code == 422
    assert "row 2.owner_email" in response.json["error"]["fields"]


def test_import_answers_422_when_an_id_is_already_used(api, org, make_account):
    """A reused id is an error of its row and nothing is stored."""
    taken = make_account(org, name="Existing")

    response = _upload(api, f"id,kind,name\n{taken},customer,Copy\n{uuid.uuid4()},customer,New\n")

    assert response.status_code == 422
    assert len(api.get("/api/v1/accounts").json["items"]) == 1


@pytest.mark.parametrize("as_file", [True, False])
def test_import_answers_422_and_stores_nothing_when_a_cell_is_over_128_kib(api, as_file):
    """A cell beyond the CSV reader's field limit is a clear 4xx naming the file."""
    text = HEADER + "customer,Good row,,,,,,,\n" + "customer,Big," + "x" * 140_000 + ",,,,,,\n"

    response = _upload(api, text, as_file=as_file)

    assert response.status_code == 422
    assert "file" in response.json["error"]["fields"]
    assert api.get("/api/v1/accounts").json["items"] == []


def test_import_answers_413_when_the_file_has_too_many_rows(api):
    """More than 10,000 rows is too large for one import."""
    text = "kind,name\n" + "customer,Shop\n" * 10_001

    response = _upload(api, text)

    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_import_answers_403_when_caller_is_a_rep(org, make_user, logged_in):
    """Reps do not import accounts."""
    response = _upload(logged_in(make_user(org)), "kind,name\ncustomer,Shop\n")

    assert response.status_code == 403


def test_import_answers_415_when_no_csv_is_sent(api):
    """A JSON body is not an upload."""
    response = api.post("/api/v1/accounts/import", json={"kind": "customer"})

    assert response.status_code == 415


def test_export_lists_only_visible_accounts_with_filters(
    org, make_org, make_user, make_account, logged_in
):
    """A rep's export holds their own accounts matching the filters, never another org's."""
    rep = make_user(org)
    make_account(org, 26.1, 44.4, name="Mine", owner_id=rep.id, kind="customer")
    make_account(org, 26.1, 44.4, name="Mine prospect", owner_id=rep.id, kind="prospect")
    make_account(org, 26.1, 44.4, name="Colleague's")
    make_account(make_org(), 26.1, 44.4, name="Foreign")

    rows = _export(logged_in(rep), "?kind=customer")

    assert [row["name"] for row in rows] == ["Mine"]
    assert rows[0]["owner_email"] == rep.email
    assert rows[0]["lat"] == "44.4" and rows[0]["lng"] == "26.1"


def test_export_defuses_cells_a_spreadsheet_would_run_as_formulas(api, org, make_account):
    """=, +, -, @ at the start of a cell are prefixed with an apostrophe."""
    make_account(org, name='=HYPERLINK("http://evil")', address="+40 21 123", industry="@sum")

    row = _export(api)[0]

    assert row["name"].startswith("'=")
    assert row["address"] == "'+40 21 123"
    assert row["industry"] == "'@sum"


def test_export_streams_every_account_across_several_chunks(api, org, app):
    """More accounts than one chunk all arrive, each once."""
    from sqlalchemy import text

    from server.extensions import db

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO accounts (id, org_id, kind, name, geocode_status, status, created_at,"
                " updated_at, version) SELECT gen_random_uuid(), :org, 'customer', 'Shop ' || n,"
                " 'failed', 'active', now(), now(), 1 FROM generate_series(1, 1200) AS n"
            ),
            {"org": org.id},
        )
        db.session.commit()

    rows = _export(api)

    assert len(rows) == 1200
    assert len({row["id"] for row in rows}) == 1200


def test_export_then_import_into_another_organisation_round_trips(
    api, org, make_account, make_org, make_user, logged_in
):
    """What one organisation exports, another can import (without the id column)."""
    make_account(
        org,
        26.1,
        44.4,
        name="Farmacia",
        tags=["chain"],
        industry="pharmacy",
        kind="prospect",
        status="qualified",
    )
    exported = _export(api)
    columns = [c for c in exported[0] if c not in {"id", "owner_email"}]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(exported)
    other = logged_in(make_user(make_org(), role="admin"))

    response = _upload(other, buffer.getvalue())

    assert response.status_code == 201, response.json
    item = other.get("/api/v1/accounts").json["items"][0]
    assert (item["name"], item["tags"], item["kind"], item["status"]) == (
        "Farmacia",
        ["chain"],
        "prospect",
        "qualified",
    )
    assert item["location"]["coordinates"] == [26.1, 44.4]
