"""Headers, health checks and error pages: the behaviour every page shares."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from changemakers import create_app
from changemakers.accounts.models import Role
from changemakers.main import views as main_views
from tests.support.apps import dispose_engines, settings_for_tests


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/no-such-page", "/static/app.css"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_production_sets_hsts_and_host_only_secure_cookies(tmp_path, database_url):
    app = create_app({**settings_for_tests(database_url, tmp_path), "TESTING": False})
    app.config["TESTING"] = True  # only so the test client shows errors; headers are set already
    response = app.test_client().get("/login")
    dispose_engines(app)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz_needs_no_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database(client, monkeypatch):
    assert client.get("/readyz").json == {"status": "ready"}

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(main_views.db.session, "execute", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": "database unreachable"}


def test_a_lost_database_gives_a_503_page_not_a_stack_trace(client, signed_in, monkeypatch):
    signed_in(Role.ADMIN)
    from changemakers.accounts import services

    def unreachable():
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(services, "all_users", unreachable)
    response = client.get("/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "the service is unavailable" in html
    assert "Traceback" not in html and "server closed" not in html


def test_a_database_down_before_the_signed_in_user_is_known_still_gives_the_503_page(
    app, client, signed_in, monkeypatch
):
    """With PostgreSQL down, loading the signed-in user fails too: the page is shown as to
    someone signed out, not gunicorn's bare 500."""
    signed_in(Role.BOARD)

    def unreachable(session_id):
        raise OperationalError("SELECT", {}, Exception("terminating connection"))

    monkeypatch.setattr(app.login_manager, "_user_callback", unreachable)
    response = client.get("/findings")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "the service is unavailable" in html
    assert "Signed in as" not in html


def test_unexpected_errors_give_a_plain_500_page(app, client, signed_in, monkeypatch):
    signed_in(Role.ADMIN)
    from changemakers.accounts import services

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "all_users", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/admin/users")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "there is a problem with the service" in html
    assert "secret internals" not in html


def test_not_found_page(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_pages_have_a_skip_link_and_the_stylesheet(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<a href="#main" class="skip-link">Skip to main content</a>' in html
    assert 'id="main"' in html
    assert '<html lang="en-GB">' in html
    assert "<script>" not in html and "style=" not in html


def test_a_failed_statement_never_shows_its_values(db_session):
    with pytest.raises(DBAPIError) as raised, db_session.begin_nested():
        db_session.execute(
            text("INSERT INTO no_such_table VALUES (:body)"), {"body": "07700900123"}
        )
    assert "07700900123" not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)
