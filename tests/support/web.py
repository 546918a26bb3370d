"""Staff pages through Flask's test client, as a browser uses them: CSRF tokens, signing in,
sending forms."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TEST_PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    """The CSRF token from a rendered page, as a browser would send it back."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def sign_in(
    client: FlaskClient, email: str, password: str = TEST_PASSWORD, next_: str = ""
) -> TestResponse:
    token = csrf_token(client)
    path = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def post_form(
    client: FlaskClient, path: str, data: dict | None = None, page: str = "/"
) -> TestResponse:
    """POST a form as a signed-in browser would: with the CSRF token of its session."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})
