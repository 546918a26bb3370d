"""The session cookie: a new one at sign-in, and worthless once the person has signed out.

Sessions live in a signed cookie; the staff member's ``session_token`` (part of the id in the
cookie) is what the server can withdraw.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from changemakers.accounts.models import Role
from tests.security.conftest import SESSION_COOKIE, cookie, session_token, sign_in_as
from tests.support.web import TEST_PASSWORD


def browser_with(app: Flask, value: str, user_agent: str | None = None) -> FlaskClient:
    """Another client holding a copy of a session cookie: the same browser on the same machine,
    unless ``user_agent`` says otherwise."""
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, value)
    if user_agent:
        other.environ_base["HTTP_USER_AGENT"] = user_agent
    return other


def test_signing_in_gives_a_new_session_and_the_old_cookie_stays_signed_out(
    app, client, make_staff
):
    """Session fixation: a cookie someone planted before sign-in never becomes signed in."""
    user = make_staff(Role.ADMIN)
    token = session_token(client, signed_in=False)
    planted = cookie(client)
    assert planted
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    signed_in = cookie(client)
    assert signed_in and signed_in != planted
    assert client.get("/admin/users").status_code == 200
    assert browser_with(app, planted).get("/admin/users").status_code == 302


def test_nothing_planted_in_the_session_before_sign_in_survives_it(client, make_staff):
    """Whatever was in the session before (a simulator number, a survey half done) is gone."""
    with client.session_transaction() as session:
        session["simulator_number"] = "07700 900777"
        session["survey_progress"] = {"every-kind": {"version": 1, "answers": {}, "asked": []}}
    sign_in_as(client, make_staff(Role.ADMIN))
    with client.session_transaction() as session:
        assert "simulator_number" not in session and "survey_progress" not in session
        assert "_user_id" in session


def test_signing_out_ends_the_session(client, make_staff):
    """After signing out, the browser's session is signed out."""
    sign_in_as(client, make_staff(Role.ADMIN))
    response = client.post("/logout", data={"csrf_token": session_token(client, signed_in=True)})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_copy_of_the_cookie_taken_before_signing_out_no_longer_works(app, client, make_staff):
    """Signing out on a shared computer must end the session for anyone holding its cookie."""
    sign_in_as(client, make_staff(Role.ADMIN))
    copied = cookie(client)
    assert browser_with(app, copied).get("/admin/users").status_code == 200
    client.post("/logout", data={"csrf_token": session_token(client, signed_in=True)})
    assert browser_with(app, copied).get("/admin/users").status_code == 302


def test_a_cookie_taken_to_another_browser_is_not_signed_in(app, client, make_staff):
    """A stolen cookie used from another browser is refused (strong session protection)."""
    sign_in_as(client, make_staff(Role.ADMIN))
    stolen = cookie(client)
    assert (
        browser_with(app, stolen, "Mozilla/5.0 (X11; Linux)").get("/admin/users").status_code == 302
    )


@pytest.mark.parametrize("key", ["not-the-secret-key", "test-secret-key"])
def test_a_cookie_signed_with_another_key_is_not_signed_in(app, client, make_staff, key):
    """The same session, signed with any key but the service's, counts for nothing (the
    service's own key, the control, gives the session back)."""
    sign_in_as(client, make_staff(Role.ADMIN))
    contents = app.session_interface.get_signing_serializer(app).loads(cookie(client))
    forger = Flask("forger")
    forger.secret_key = key
    forged = forger.session_interface.get_signing_serializer(forger).dumps(contents)
    response = browser_with(app, forged).get("/admin/users")
    assert response.status_code == (200 if key == app.config["SECRET_KEY"] else 302)


def test_a_cookie_with_a_character_changed_is_not_signed_in(app, client, make_staff):
    sign_in_as(client, make_staff(Role.ADMIN))
    value = cookie(client)
    position = len(value) // 2
    changed = value[:position] + ("A" if value[position] != "A" else "B") + value[position + 1 :]
    assert browser_with(app, changed).get("/admin/users").status_code == 302
