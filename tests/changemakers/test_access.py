"""Every page declares who may see it, and the declaration is enforced."""

import pytest

from changemakers.access import audience
from changemakers.accounts.models import Role

PUBLIC_ENDPOINTS = {
    "main.healthz",
    "main.readyz",
    "accounts.login",
    "accounts.accept_invitation",
    "messages.inbound",
    "messages.status",
    "surveys.survey",
    "surveys.results_page",  # a survey's published "you said, we did"
    "surveys.results_csv",
}

# Pages to visit with a GET, and the roles that may see each.
STAFF_PAGES = {
    "/": set(Role),
    "/account/password": set(Role),
    "/admin/users": {Role.ADMIN},
    "/admin/users/new": {Role.ADMIN},
    "/admin/audit/": {Role.ADMIN},
    "/sms/simulator": set(Role),
    "/broadcasts": {Role.REVIEWER, Role.ADMIN},
}


def test_every_endpoint_declares_its_audience(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and audience(view) == frozenset()
    ]
    assert undeclared == []
    public = {e for e, view in app.view_functions.items() if audience(view) is None}
    assert public - {"static"} == PUBLIC_ENDPOINTS


@pytest.mark.parametrize("path", sorted(STAFF_PAGES))
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(STAFF_PAGES))
def test_each_role_sees_only_its_pages(client, signed_in, role, path):
    signed_in(role)
    response = client.get(path)
    if role in STAFF_PAGES[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have access to this page" in response.get_data(as_text=True)


def test_an_undeclared_view_is_refused_to_everyone(app, client, signed_in):
    app.view_functions["accounts.users"], original = (
        (lambda: "open"),
        app.view_functions["accounts.users"],
    )
    try:
        signed_in(*Role)
        assert client.get("/admin/users").status_code == 403
    finally:
        app.view_functions["accounts.users"] = original


def test_deactivated_account_is_treated_as_signed_out(client, make_staff):
    from tests.support.web import sign_in

    user = make_staff(Role.ADMIN, Role.BOARD, active=False)
    assert sign_in(client, user.email).status_code == 200
    assert client.get("/admin/users").status_code == 302


@pytest.mark.parametrize(
    "path", ["/alerts/2147483648", "/flows/99999999999", "/admin/users/1" + "0" * 12]
)
def test_a_number_too_large_to_be_an_id_is_not_found(client, signed_in, path):
    """Not a database error: ids are 32-bit integers on PostgreSQL."""
    signed_in(Role.ADMIN, Role.CHANGEMAKER, Role.REVIEWER, Role.BOARD)
    assert client.get(path).status_code == 404
