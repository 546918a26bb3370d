import re
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from changemakers.accounts.models import Role
from changemakers.accounts.views import safe_next
from tests.support.web import TEST_PASSWORD, csrf_token, post_form, sign_in


def test_sign_in_and_out(client, make_staff):
    user = make_staff(Role.BOARD)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.email in home.get_data(as_text=True)

    response = post_form(client, "/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_refused_sign_in_shows_the_error_summary_and_keeps_the_email(client, make_staff):
    user = make_staff(Role.BOARD)
    response = sign_in(client, user.email, password="not the password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#email">Email address or password is not right</a>' in html
    assert f'value="{user.email}"' in html
    assert "<title>Error: Sign in" in html


def test_unknown_account_gets_the_same_message(client):
    html = sign_in(client, "nobody@example.org").get_data(as_text=True)
    assert "Email address or password is not right" in html


def test_empty_form_names_each_missing_field(client):
    html = client.post("/login", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_sign_in_without_csrf_token_is_refused_politely(client, make_staff):
    user = make_staff(Role.BOARD)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_next_takes_you_back_to_the_page_you_asked_for(client, make_staff):
    user = make_staff(Role.ADMIN)
    response = client.get("/admin/users")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/admin/users"]
    response = sign_in(client, user.email, next_="/admin/users")
    assert response.headers["Location"] == "/admin/users"


def test_next_never_leaves_the_site(client, make_staff):
    user = make_staff(Role.BOARD)
    response = sign_in(client, user.email, next_="https://evil.example/")
    assert response.headers["Location"] == "/"


@given(st.text())
def test_safe_next_only_returns_local_paths(target):
    from flask import Flask

    app = Flask(__name__)
    app.add_url_rule("/", "main.home")
    with app.test_request_context():
        result = safe_next(target)
    parts = urlsplit(result)
    assert not parts.scheme and not parts.netloc
    assert result.startswith("/") and not result.startswith("//") and "\\" not in result


def test_per_account_throttle(client, make_staff):
    user = make_staff(Role.BOARD)
    for _ in range(5):
        assert sign_in(client, user.email, password="wrong password!").status_code == 200
    response = sign_in(client, user.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Another account from the same address is not locked out by this one.
    other = make_staff(Role.REVIEWER)
    assert sign_in(client, other.email).status_code == 302


def test_per_address_throttle(client, make_staff):
    user = make_staff(Role.BOARD)
    for attempt in range(20):
        response = sign_in(client, f"guess{attempt}@example.org", password="wrong password!")
        assert response.status_code == 200
    assert sign_in(client, user.email).status_code == 429


def test_successful_sign_ins_are_not_throttled(client, make_staff):
    user = make_staff(Role.BOARD)
    for _ in range(8):
        assert sign_in(client, user.email).status_code == 302
        post_form(client, "/logout")


def test_change_password_keeps_you_signed_in(client, signed_in):
    user = signed_in(Role.CHANGEMAKER)
    response = post_form(
        client,
        "/account/password",
        {
            "current": TEST_PASSWORD,
            "password": "a newer long password",
            "confirm": "a newer long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    post_form(client, "/logout")
    assert sign_in(client, user.email, "a newer long password").status_code == 302


def test_change_password_errors_show_beside_the_field(client, signed_in):
    signed_in(Role.CHANGEMAKER)
    response = post_form(
        client,
        "/account/password",
        {"current": TEST_PASSWORD, "password": "short", "confirm": "short"},
    )
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html
    assert "at least 12 characters" in html


def test_admin_invites_someone_who_sets_a_password(client, signed_in, app):
    signed_in(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {"email": "newbie@example.org", "roles": ["changemaker", "board"]},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="invite-link" readonly value="([^"]+)"', page).group(1)
    assert "Invited" in page
    # The link is shown once only.
    assert "invite-link" not in client.get(response.headers["Location"]).get_data(as_text=True)

    post_form(client, "/logout")
    invited = app.test_client()
    path = urlsplit(link).path + "?" + urlsplit(link).query
    assert "Choose your password" in invited.get(path).get_data(as_text=True)
    response = invited.post(
        path,
        data={
            "password": "newbie long password",
            "confirm": "newbie long password",
            "csrf_token": csrf_token(invited, path),
        },
    )
    assert response.status_code == 302
    assert "newbie@example.org" in invited.get("/").get_data(as_text=True)
    # Used once: the same link no longer works.
    assert invited.get(path).status_code == 404


def test_admin_changes_roles_and_deactivates(client, signed_in, app, make_staff):
    signed_in(Role.ADMIN)
    member = make_staff(Role.BOARD, email="member@example.org")
    member_client = app.test_client()
    assert sign_in(member_client, member.email).status_code == 302

    page = f"/admin/users/{member.id}"
    response = post_form(client, page, {"roles": ["board", "reviewer"]}, page=page)
    assert response.status_code == 302
    assert member.roles == {Role.BOARD, Role.REVIEWER}

    response = post_form(client, f"{page}/deactivate", page=page)
    assert response.status_code == 302
    assert "deactivated" in client.get(page).get_data(as_text=True)
    # Their open session ends at once.
    assert member_client.get("/").status_code == 302
    assert sign_in(member_client, member.email).status_code == 200


def test_admin_cannot_remove_the_last_admin(client, signed_in):
    admin = signed_in(Role.ADMIN)
    page = f"/admin/users/{admin.id}"
    response = post_form(client, page, {"roles": ["board"]}, page=page)
    assert "only active admin" in response.get_data(as_text=True)
    assert admin.roles == {Role.ADMIN}


def test_unknown_user_page_is_404(client, signed_in):
    signed_in(Role.ADMIN)
    assert client.get("/admin/users/999999").status_code == 404
