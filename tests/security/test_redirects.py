"""No address a visitor can put in a link sends the browser to another site.

Two redirects take the visitor's input: sign-in's ``next``, and the web survey's question
(``?q=`` and the form's ``q``); every other redirect is built with ``url_for`` from the app's
own ids. Each target is followed as a browser reads a ``Location`` header: tabs
and newlines dropped, backslashes taken as slashes, then resolved against the page.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from changemakers.accounts.models import Role
from surveys import services as surveys
from tests.security.conftest import session_token, sign_in_as
from tests.support.surveys import EVERY_KIND
from tests.support.web import TEST_PASSWORD

OFF_SITE = [
    "//evil.example",
    "//evil.example/admin/users",
    "///evil.example",
    "////evil.example",
    " //evil.example",
    "https://evil.example",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "https:///evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "//evil.example@localhost",
    "https://localhost@evil.example",
    "http://evil.example\\@localhost",
    "//localhost.evil.example",
    "/..//evil.example",
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "\u3000//evil.example",
    "/\u3000/evil.example",
]


def where_the_browser_goes(location: str) -> tuple[str, str]:
    """The scheme and host a browser goes to for a ``Location`` header on /login."""
    cleaned = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f ")
    cleaned = "".join(c for c in cleaned if c not in "\t\n\r").replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/login", cleaned))
    return target.scheme, target.hostname or ""


def assert_stays_on_site(response: TestResponse) -> None:
    """A redirect, to a page of this site."""
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    assert where_the_browser_goes(response.headers["Location"]) == ("http", "localhost")


def post_sign_in(client: FlaskClient, email: str, next_: str) -> TestResponse:
    """Sign in through the form of ``/login?next=...``."""
    token = session_token(client, signed_in=False)
    return client.post(
        "/login",
        query_string={"next": next_},
        data={"email": email, "password": TEST_PASSWORD, "csrf_token": token},
    )


def test_signing_in_never_sends_the_browser_off_site(app, client, make_staff):
    """Whatever ``next`` holds, signing in lands on this site (the home page)."""
    user = make_staff(Role.BOARD)
    left = []
    for target in OFF_SITE:
        browser = app.test_client()
        response = post_sign_in(browser, user.email, target)
        if response.status_code != 302:
            left.append(f"{target!r}: {response.status_code}")
        elif where_the_browser_goes(response.headers["Location"]) != ("http", "localhost"):
            left.append(f"{target!r}: to {response.headers['Location']!r}")
        elif browser.get("/").status_code != 200:
            left.append(f"{target!r}: not signed in")
    assert left == []


def test_the_sign_in_page_of_someone_signed_in_never_sends_them_off_site(client, make_staff):
    """Someone already signed in who follows a sign-in link is sent on at once: on this site."""
    sign_in_as(client, make_staff(Role.BOARD))
    for target in OFF_SITE:
        response = client.get("/login", query_string={"next": target})
        assert_stays_on_site(response)


@pytest.mark.parametrize(
    "target", ["/findings", "/findings/every-kind?group=age:14%20to%2015", "/flows#top"]
)
def test_next_still_takes_you_to_a_page_on_this_site(client, make_staff, target):
    """The control for the above: a path on this site, with its query, is kept as it was."""
    user = make_staff(Role.BOARD)
    response = post_sign_in(client, user.email, target)
    assert response.headers["Location"] == target


def test_the_web_survey_never_sends_the_browser_off_site(client):
    """The survey's own redirects take the question asked for from the address or the form:
    whatever is put there, the browser stays on the survey."""
    surveys.load_published(EVERY_KIND)
    url = "/s/every-kind"

    def send(**form: str) -> TestResponse:
        token = session_token(client, signed_in=False)
        return client.post(url, data={"csrf_token": token, **form})

    assert_stays_on_site(send(action="start"))
    for target in OFF_SITE:
        assert_stays_on_site(client.get(url, query_string={"q": target}))
        assert_stays_on_site(send(q=target, answer="Red"))
