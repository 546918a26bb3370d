from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role
from changemakers.audit import services as audit
from tests.support.web import post_form


def test_record_joins_the_callers_transaction(db_session, make_staff):
    actor = make_staff(Role.ADMIN)
    audit.record(actor, "thing.change", "thing", 7, colour="blue")
    db_session.rollback()
    events, total = audit.recent_events(page=1)
    assert [e.action for e in events] == ["user.create"]
    assert total == 1


def test_recent_events_newest_first_with_paging_and_filter(db_session, make_staff):
    admin = make_staff(Role.ADMIN)
    for n in range(5):
        accounts.create_user(f"p{n}@example.org", [Role.BOARD], admin, "long enough password")
    events, total = audit.recent_events(page=1, per_page=2, action="user.create")
    assert total == 6
    assert [e.details["email"] for e in events] == ["p4@example.org", "p3@example.org"]
    events, _ = audit.recent_events(page=3, per_page=2, action="user.create")
    assert [e.details["email"] for e in events] == ["p0@example.org", "admin@example.org"]
    assert audit.known_actions() == ["user.create"]


def test_admin_page_shows_who_did_what(client, signed_in):
    admin = signed_in(Role.ADMIN)
    post_form(client, "/admin/users/new", {"email": "x@example.org", "roles": ["board"]})
    html = client.get("/admin/audit/?action=user.create").get_data(as_text=True)
    assert "x@example.org" in html
    assert admin.email in html
    assert "user.create" in html
    assert "command line" in html  # the admin's own account was made outside the web pages
