"""Password guessing is throttled (Flask-Limiter on the sign-in view: 5 failures an account and
20 an address in 15 minutes), and a throttled attempt signs nobody in, right password or not.

``tests/changemakers/accounts/test_views.py`` checks the two limits answer 429; these check
that the limits cannot be walked round and that a refused attempt really does nothing.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from tests.security.conftest import session_token, sign_in_as
from tests.support.web import TEST_PASSWORD

WRONG = "not the password at all"


def attempt(
    client: FlaskClient, email: str, password: str, address: str = "127.0.0.1", **headers: str
) -> TestResponse:
    """One try at signing in, from ``address``."""
    token = session_token(client, signed_in=False)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def sign_ins(user_id: int) -> int:
    """How many times the account has been signed in to, by the audit log."""
    return len(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "user.login", AuditEvent.object_id == str(user_id)
            )
        ).all()
    )


@pytest.mark.parametrize(
    "spelling", ["board@example.org", "BOARD@example.org", "  Board@Example.ORG  "]
)
def test_the_account_throttle_holds_for_every_spelling_of_the_email(client, make_staff, spelling):
    """Five wrong passwords in any mix of spellings lock the account: the right password is
    then refused too, and nobody is signed in."""
    user = make_staff(Role.BOARD, email="board@example.org")
    for variant in ("board@example.org", "Board@example.org", " board@EXAMPLE.org", spelling):
        assert attempt(client, variant, WRONG).status_code == 200
    assert attempt(client, "BOARD@EXAMPLE.ORG ", WRONG).status_code == 200
    refused = attempt(client, spelling, TEST_PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    db.session.refresh(user)
    assert sign_ins(user.id) == 0 and user.last_login_at is None


def test_a_forwarded_for_header_does_not_get_round_the_address_throttle(app, client, make_staff):
    """With no trusted proxy, X-Forwarded-For is the visitor's own words: it cannot make one
    address look like many."""
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    user = make_staff(Role.BOARD)
    for guess in range(20):
        forwarded = {"X-Forwarded-For": f"203.0.113.{guess}"}
        response = attempt(client, f"guess{guess}@example.org", WRONG, **forwarded)
        assert response.status_code == 200
    response = attempt(client, user.email, TEST_PASSWORD, **{"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 429
    assert sign_ins(user.id) == 0
    # Someone at another address is not locked out by this one.
    assert attempt(client, user.email, TEST_PASSWORD, address="192.0.2.10").status_code == 302


def test_guessing_the_current_password_on_the_change_password_page_is_throttled(client, make_staff):
    """Someone who finds a signed-in browser cannot use the change-password form to try
    password after password."""
    user = make_staff(Role.ADMIN)
    sign_in_as(client, user)
    token = session_token(client, signed_in=True)
    new = {"password": "a brand new long password", "confirm": "a brand new long password"}
    for _ in range(5):
        response = client.post(
            "/account/password", data={**new, "current": WRONG, "csrf_token": token}
        )
        assert response.status_code == 200
        assert "Your current password is not right" in response.get_data(as_text=True)
    response = client.post(
        "/account/password", data={**new, "current": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    # The password was not changed: the old one still signs in, the new one does not.
    client.post("/logout", data={"csrf_token": token})
    assert attempt(client, user.email, "a brand new long password").status_code == 200
    assert attempt(client, user.email, TEST_PASSWORD).status_code == 302
