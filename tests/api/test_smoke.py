"""First checks that the app answers on a real PostGIS database."""


def test_healthz_reports_database_ok_when_database_answers(client):
    """GET /healthz says the database is reachable."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "db": "ok"}


def test_nearby_lists_accounts_nearest_first_when_logged_in(
    make_org, make_user, make_account, logged_in
):
    """A logged-in admin sees accounts ordered by distance from the given point."""
    org = make_org()
    admin = make_user(org, role="admin")
    far = make_account(org, 26.20, 44.43)
    near = make_account(org, 26.11, 44.43)
    api = logged_in(admin)

    response = api.get("/api/v1/accounts?lat=44.43&lng=26.10")

    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [str(near), str(far)]
