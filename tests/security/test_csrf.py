"""Every form refuses a POST that does not carry its own session's CSRF token.

The test settings leave Flask-WTF's protection on (nothing sets ``WTF_CSRF_ENABLED``), and the
``csrf_protection`` fixture turns it on whatever they say, so these requests meet it as a browser
in production does. Every POST route of ``app.url_map`` is swept, so a new form is covered the
day it is added; only Twilio's two webhooks are exempt, as Twilio signs them instead
(test_webhooks.py).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from changemakers.accounts.models import Role
from changemakers.content import files
from messages.flows import editing
from tests.security.conftest import (
    CSRF_REFUSED,
    World,
    row_counts,
    sample_url,
    session_token,
    sign_in_as,
)
from tests.support.web import TEST_PASSWORD

SIGNED_BY_TWILIO = {"/sms/inbound", "/sms/status"}
FLOW_FILE = files.dump(editing.starter("Imported", "IMPORTED"), "json").encode()


def busy_form() -> dict[str, Any]:
    """A form that would change something on any page it is sent to (with a valid token)."""
    return {
        "email": "newcomer@example.org",
        "password": "a long new password",
        "confirm": "a long new password",
        "current": TEST_PASSWORD,
        "roles": ["board"],
        "body": "Hello from the service",
        "note": "Replied with Childline's number",
        "comment": "Please make the first message shorter",
        "name": "young_minds",
        "keyword": "REVISION",
        "title": "Young Minds",
        "slug": "new-survey",
        "text": "Young Minds on 0808 802 5544",
        "contact": "0808 802 5544",
        "hours": "24 hours",
        "audience": "young people",
        "review_by": "2099-01-01",
        "reference": "ABCD-EFGH",
        "rules": "rules: []",
        "summary": "Catches more",
        "action": "save",
        "decision": "approve",
        "rule_set_id": "1",
        "number": "07700 900555",
        "label": "More help",
        "kind": "message",
        "texts": "EXAMS",
        "expect": "Hi",
        "start": "welcome",
        "q": "colour",
        "answer": "Red",
        "file": (io.BytesIO(FLOW_FILE), "flow.json"),
    }


def form_urls(app: Flask, world: World) -> list[str]:
    """Every address a browser form posts to, the sign-out last."""
    urls = [
        sample_url(app, rule, world)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.rule not in SIGNED_BY_TWILIO
    ]
    return sorted(urls, key=lambda url: (url == "/logout", url))


def tokens(app: Flask, kind: str) -> dict[str, str]:
    """The token sent, if any: none, made up, or a real one from someone else's session."""
    if kind == "missing":
        return {}
    if kind == "made up":
        return {"csrf_token": "IjAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OSI.aaaaaa.bbbbbbbbbbbbbbbb"}
    return {"csrf_token": session_token(app.test_client(), signed_in=False)}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
@pytest.mark.parametrize("kind", ["missing", "made up", "another session's"])
def test_every_form_refuses_a_post_without_its_sessions_token(
    app, client, make_staff, world, signed_in, kind
):
    """Each POST is a 400 with the "form has expired" page, and nothing at all changes."""
    if signed_in:
        sign_in_as(client, make_staff(*Role, email="everyone@example.org"))
    before = row_counts()
    found = []
    for url in form_urls(app, world):
        response = client.post(url, data={**busy_form(), **tokens(app, kind)})
        if response.status_code != 400 or CSRF_REFUSED not in response.get_data(as_text=True):
            found.append(f"{url}: {response.status_code}")
    assert found == []
    assert row_counts() == before
    # Not even the sign-out went through.
    assert client.get("/").status_code == (200 if signed_in else 302)


def test_the_same_forms_with_the_sessions_token_do_change_things(app, client, make_staff, world):
    """The control for the sweep above: its forms are ones that act when the token is right."""
    sign_in_as(client, make_staff(*Role, email="everyone@example.org"))
    token = session_token(client, signed_in=True)
    for url, table in (
        ("/broadcasts", "broadcasts"),
        ("/admin/users/new", "staff_users"),
        ("/flows/import", "flow_versions"),
        ("/signposting/new", "signposts"),
        ("/fixed-replies/new", "fixed_reply_versions"),
    ):
        before = row_counts()
        response = client.post(url, data={**busy_form(), "csrf_token": token})
        assert response.status_code == 302, (url, response.get_data(as_text=True))
        assert row_counts()[table] == before[table] + 1, url


def test_a_token_is_bound_to_its_session(app, client: FlaskClient, make_staff):
    """A token copied from one signed-in browser is refused in another signed-in browser."""
    first = make_staff(Role.ADMIN, email="first@example.org")
    sign_in_as(client, first)
    stolen = session_token(client, signed_in=True)
    other = app.test_client()
    sign_in_as(other, make_staff(Role.ADMIN, email="second@example.org"))
    response = other.post(f"/admin/users/{first.id}/deactivate", data={"csrf_token": stolen})
    assert response.status_code == 400
    assert first.active
