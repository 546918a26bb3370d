"""Every route of the app, who may use it, and that each kind of visitor gets exactly that.

``ROUTES`` is the one table: every rule in ``app.url_map`` with its methods and audience. A route
added without a line here fails ``test_the_table_lists_every_route``. Each route is then
requested (GET and POST, with a valid CSRF token so that only the access rules decide) by an
anonymous visitor, by someone holding each staff role, and by a deactivated account whose
browser still holds its session. ``tests/changemakers/test_access.py`` checks that every view
declares an audience; this checks what the declarations do, route by route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from changemakers.accounts.models import Role, StaffUser
from changemakers.extensions import db
from tests.security.conftest import (
    ACCESS_REFUSED,
    CSRF_REFUSED,
    World,
    is_sign_in_redirect,
    sample_url,
    session_token,
    sign_in_as,
)

PUBLIC = None  # anyone, signed in or not
EVERY_ROLE = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
REVIEWERS_ONLY = frozenset({Role.REVIEWER})
KEEPERS = frozenset({Role.REVIEWER, Role.ADMIN})  # approve, broadcasts, signposting, MYDATA
RESULTS_WRITERS = frozenset({Role.BOARD, Role.ADMIN})  # the board's response and actions
WRITERS = frozenset({Role.CHANGEMAKER, Role.REVIEWER, Role.ADMIN})
READERS = frozenset({Role.BOARD, Role.REVIEWER, Role.ADMIN})

FLOW = "/flows/<int:flow_id>/v<int:number>"
SURVEY = "/surveys/<int:survey_id>/v<int:number>"
REPLY = "/fixed-replies/<int:reply_id>/v<int:number>"

# rule -> (methods, who may use it). The webhooks are public to the access rules: Twilio's
# signature guards them instead (test_webhooks.py).
ROUTES: dict[str, tuple[str, frozenset[Role] | None]] = {
    "/": ("GET", EVERY_ROLE),
    "/static/<path:filename>": ("GET", PUBLIC),
    "/healthz": ("GET", PUBLIC),
    "/readyz": ("GET", PUBLIC),
    "/login": ("GET POST", PUBLIC),
    "/logout": ("POST", EVERY_ROLE),
    "/account/setup": ("GET POST", PUBLIC),
    "/account/password": ("GET POST", EVERY_ROLE),
    "/admin/users": ("GET", ADMINS),
    "/admin/users/new": ("GET POST", ADMINS),
    "/admin/users/<int:user_id>": ("GET POST", ADMINS),
    "/admin/users/<int:user_id>/<any(deactivate, reactivate, invite):action>": ("POST", ADMINS),
    "/admin/audit/": ("GET", ADMINS),
    "/alerts/": ("GET", REVIEWERS_ONLY),
    "/alerts/<int:alert_id>": ("GET", REVIEWERS_ONLY),
    "/alerts/<int:alert_id>/pick-up": ("POST", REVIEWERS_ONLY),
    "/alerts/<int:alert_id>/reply": ("POST", REVIEWERS_ONLY),
    "/alerts/<int:alert_id>/close": ("POST", REVIEWERS_ONLY),
    "/alerts/rules": ("GET POST", REVIEWERS_ONLY),
    "/alerts/rules/decision": ("POST", REVIEWERS_ONLY),
    "/alerts/rota": ("GET POST", REVIEWERS_ONLY),
    "/mydata/": ("GET POST", KEEPERS),
    "/broadcasts": ("GET POST", KEEPERS),
    "/broadcasts/<int:broadcast_id>": ("GET", KEEPERS),
    "/broadcasts/<int:broadcast_id>/<any(approve, send, cancel):action>": ("POST", KEEPERS),
    "/signposting": ("GET", KEEPERS),
    "/signposting/new": ("GET POST", KEEPERS),
    "/signposting/<name>": ("GET POST", KEEPERS),
    "/signposting/<name>/checked": ("POST", KEEPERS),
    "/sms/inbound": ("POST", PUBLIC),
    "/sms/status": ("POST", PUBLIC),
    "/sms/simulator": ("GET POST", EVERY_ROLE),  # and anyone in the demo
    "/flows": ("GET POST", WRITERS),
    "/flows/import": ("POST", WRITERS),
    "/flows/<int:flow_id>": ("GET", WRITERS),
    "/flows/<int:flow_id>/edit": ("POST", WRITERS),
    FLOW: ("GET", WRITERS),
    FLOW + "/settings": ("GET POST", WRITERS),
    FLOW + "/steps": ("POST", WRITERS),
    FLOW + "/steps/<step_id>": ("GET POST", WRITERS),
    FLOW + "/steps/<step_id>/delete": ("POST", WRITERS),
    FLOW + "/steps/<step_id>/options": ("POST", WRITERS),
    FLOW + "/examples": ("POST", WRITERS),
    FLOW + "/examples/<int:index>/delete": ("POST", WRITERS),
    FLOW + "/<any(submit, approve, archive):action>": ("POST", WRITERS),
    FLOW + "/return": ("POST", KEEPERS),
    FLOW + "/flow.<any(yaml, json):file_format>": ("GET", WRITERS),
    FLOW + "/try": ("GET POST", WRITERS),
    FLOW + "/translations": ("GET POST", WRITERS),
    "/fixed-replies": ("GET", WRITERS),
    "/fixed-replies/new": ("GET POST", WRITERS),
    "/fixed-replies/<int:reply_id>/edit": ("POST", WRITERS),
    REPLY: ("GET", WRITERS),
    REPLY + "/translations": ("GET POST", WRITERS),
    REPLY + "/edit": ("GET POST", WRITERS),
    REPLY + "/<any(submit, approve, archive):action>": ("POST", WRITERS),
    REPLY + "/return": ("POST", KEEPERS),
    "/surveys": ("GET POST", WRITERS),
    "/surveys/import": ("POST", WRITERS),
    "/surveys/<int:survey_id>/edit": ("POST", WRITERS),
    SURVEY: ("GET", WRITERS),
    SURVEY + "/settings": ("GET POST", WRITERS),
    SURVEY + "/questions": ("POST", WRITERS),
    SURVEY + "/questions/<question_id>": ("GET POST", WRITERS),
    SURVEY + "/questions/<question_id>/<any(up, down, delete):action>": ("POST", WRITERS),
    SURVEY + "/preview/<question_id>": ("GET", WRITERS),
    SURVEY + "/translations": ("GET POST", WRITERS),
    SURVEY + "/<any(submit, approve, archive):action>": ("POST", WRITERS),
    SURVEY + "/return": ("POST", KEEPERS),
    SURVEY + "/survey.<any(yaml, json):file_format>": ("GET", WRITERS),
    "/s/<slug>": ("GET POST", PUBLIC),
    "/findings": ("GET", READERS),
    "/findings/flows": ("GET", READERS),
    "/findings/desk": ("GET", READERS),
    "/findings/<slug>": ("GET", READERS),
    "/findings/<slug>/report": ("GET", READERS),
    "/findings/<slug>/questions/<question_id>": ("GET", READERS),
    "/findings/<slug>/compare": ("GET", READERS),
    "/findings/<slug>/findings.<any(csv, xlsx):file_format>": ("GET", READERS),
    "/annual": ("GET", READERS),
    "/annual/summary.docx": ("GET", READERS),
    "/s/<slug>/results": ("GET", PUBLIC),
    "/s/<slug>/results.csv": ("GET", PUBLIC),
    "/results": ("GET", READERS),
    "/results/<slug>": ("GET", READERS),
    "/results/<slug>/draft": ("POST", RESULTS_WRITERS),
    "/results/<slug>/responses": ("POST", RESULTS_WRITERS),
    "/results/<slug>/actions": ("POST", RESULTS_WRITERS),
    "/results/<slug>/actions/<action_id>": ("POST", RESULTS_WRITERS),
    "/results/<slug>/submit": ("POST", RESULTS_WRITERS),
    "/results/<slug>/<any(approve, return):step>": ("POST", KEEPERS),
    "/coding": ("GET", WRITERS),
    "/coding/<slug>/<question_id>": ("GET POST", WRITERS),
    "/coding/quotes": ("GET POST", KEEPERS),
}
OPEN_IN_DEMO = {"/sms/simulator"}
# What an allowed visitor gets from a GET other than the page itself, and why.
GET_ANSWERS = {
    "/account/setup": 404,  # no invitation token in the address: "this link is not valid"
}

ANONYMOUS, DEACTIVATED = "anonymous", "deactivated"
VISITORS = [ANONYMOUS, *Role, DEACTIVATED]


def test_the_table_lists_every_route(app: Flask) -> None:
    """A route nobody has thought about (not in ``ROUTES``) fails here."""
    served = {
        rule.rule: " ".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for rule in app.url_map.iter_rules()
    }
    listed = {rule: methods for rule, (methods, _) in ROUTES.items()}
    assert served == listed


@dataclass(frozen=True)
class Visit:
    """One request of the sweep."""

    method: str
    rule: str
    url: str


def visits(app: Flask, world: World) -> list[Visit]:
    """Every route with each of its methods; the sign-out last, as it ends the session."""
    found = [
        Visit(method, rule.rule, sample_url(app, rule, world))
        for rule in app.url_map.iter_rules()
        for method in ("GET", "POST")
        if method in rule.methods
    ]
    return sorted(found, key=lambda visit: (visit.rule == "/logout", visit.method, visit.rule))


def outcome(response: TestResponse) -> str:
    """What the access rules made of a request: sent to sign in, refused, or let through."""
    if is_sign_in_redirect(response):
        return "sign in"
    if response.status_code == 403 and ACCESS_REFUSED in response.get_data(as_text=True):
        return "refused"
    return "let through"


def expected(rule: str, visitor: str | Role) -> str:
    """What the table says ``visitor`` gets from ``rule``."""
    audience = ROUTES[rule][1]
    if audience is PUBLIC:
        return "let through"
    if visitor in (ANONYMOUS, DEACTIVATED):
        return "sign in"
    return "let through" if visitor in audience else "refused"


def problems_with(visit: Visit, response: TestResponse, visitor: str | Role) -> list[str]:
    """How a response differs from what the table says this visitor gets."""
    got, wanted = outcome(response), expected(visit.rule, visitor)
    said = f"{visit.method} {visit.url} as {visitor}"
    if got != wanted:
        return [f"{said}: {got} ({response.status_code}), expected {wanted}"]
    if response.status_code >= 500:
        return [f"{said}: {response.status_code}"]
    if got == "let through" and visit.method == "GET":
        answer = GET_ANSWERS.get(visit.rule, 200)
        if response.status_code not in (answer, 302):
            return [f"{said}: {response.status_code}, expected {answer}"]
    if visit.method == "POST" and CSRF_REFUSED in response.get_data(as_text=True):
        return [f"{said}: the valid CSRF token was refused"]
    return []


def sign_in_visitor(
    client: FlaskClient, make_staff: Callable[..., StaffUser], visitor: str | Role
) -> bool:
    """Sign ``visitor`` in (a deactivated account: signed in, then deactivated); whether
    their pages carry the signed-in navigation."""
    if visitor == ANONYMOUS:
        return False
    if visitor == DEACTIVATED:
        user = make_staff(*Role, email="gone@example.org")
        sign_in_as(client, user)
        user.active = False
        db.session.commit()
        return False
    sign_in_as(client, make_staff(visitor, email=f"{visitor}-visitor@example.org"))
    return True


@pytest.mark.parametrize("visitor", VISITORS, ids=str)
def test_every_route_lets_through_exactly_its_audience(app, client, make_staff, world, visitor):
    """Anonymous visitors and deactivated accounts are sent to sign in on every staff route;
    each role reaches its own routes and is refused the others; public routes are open."""
    token = session_token(client, sign_in_visitor(client, make_staff, visitor))
    found = []
    for visit in visits(app, world):
        if visit.method == "GET":
            response = client.get(visit.url)
        else:
            response = client.post(visit.url, data={"csrf_token": token})
        found += problems_with(visit, response, visitor)
        response.close()
    assert found == []


def test_a_route_refused_to_anonymous_visitors_sends_them_to_sign_in_and_back(client, world):
    """The sign-in link remembers the page asked for (only its path, on this site)."""
    response = client.get(f"/alerts/{world.alert_id}")
    assert is_sign_in_redirect(response)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query == {"next": [f"/alerts/{world.alert_id}"]}


def test_the_demo_opens_the_phone_simulator_and_nothing_else(app, client, world, monkeypatch):
    """In the demo anyone may play a phone; every other staff page still needs a sign-in."""
    monkeypatch.setitem(app.config, "DEMO", True)
    assert client.get("/sms/simulator").status_code == 200
    token = session_token(client, signed_in=False)
    sent = client.post(
        "/sms/simulator", data={"csrf_token": token, "number": "07700 900555", "body": "HELP"}
    )
    assert sent.status_code == 302 and sent.headers["Location"] == "/sms/simulator#latest"
    for visit in visits(app, world):
        if visit.rule in OPEN_IN_DEMO or ROUTES[visit.rule][1] is PUBLIC:
            continue
        if visit.method == "GET":
            assert is_sign_in_redirect(client.get(visit.url)), visit
    monkeypatch.setitem(app.config, "DEMO", False)
    assert is_sign_in_redirect(client.get("/sms/simulator"))
