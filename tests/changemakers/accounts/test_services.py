import pytest
from sqlalchemy import select

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from tests.support.web import TEST_PASSWORD


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_create_user_stores_an_argon2_hash_never_the_password(db_session):
    user = accounts.create_user(" Sam@Example.ORG ", [Role.BOARD], None, password=TEST_PASSWORD)
    assert user.email == "sam@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash
    assert user.roles == {Role.BOARD}
    assert audit_actions() == ["user.create"]


def test_a_person_may_hold_several_roles(db_session):
    user = accounts.create_user("a@example.org", ["reviewer", "changemaker"], None, TEST_PASSWORD)
    assert user.roles == {Role.REVIEWER, Role.CHANGEMAKER}


@pytest.mark.parametrize(
    ("email", "roles", "password", "message"),
    [
        ("not-an-email", [Role.BOARD], None, "correct format"),
        ("a@example.org", [], None, "at least one role"),
        ("a@example.org", ["superuser"], None, "Unknown role"),
        ("a@example.org", [Role.BOARD], "short", "at least 12 characters"),
        ("a@example.org", [Role.BOARD], "my a@example.org pass", "must not contain your email"),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(
    db_session, email, roles, password, message
):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(email, roles, None, password=password)
    db.session.rollback()
    assert db.session.scalars(select(StaffUser)).all() == []
    assert audit_actions() == []


def test_duplicate_email_is_refused(db_session, make_staff):
    make_staff(Role.BOARD, email="dup@example.org")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user("DUP@example.org", [Role.ADMIN], None, TEST_PASSWORD)


def test_authenticate(db_session, make_staff):
    user = make_staff(Role.BOARD)
    assert accounts.authenticate(user.email.upper(), TEST_PASSWORD) == user
    assert user.last_login_at is not None
    assert accounts.authenticate(user.email, "wrong password here") is None
    assert accounts.authenticate("nobody@example.org", TEST_PASSWORD) is None


def test_deactivated_or_invited_accounts_cannot_sign_in(db_session, make_staff):
    inactive = make_staff(Role.BOARD, active=False)
    invited = accounts.create_user("invited@example.org", [Role.BOARD], None)
    assert accounts.authenticate(inactive.email, TEST_PASSWORD) is None
    assert accounts.authenticate(invited.email, "") is None


def test_invitation_sets_the_password_once(app, db_session, make_staff):
    admin = make_staff(Role.ADMIN)
    user = accounts.create_user("new@example.org", [Role.CHANGEMAKER], admin)
    invitation = accounts.invite(user, admin)
    assert accounts.user_for_invitation(invitation.token) == user
    accounts.accept_invitation(invitation.token, "a brand new password")
    assert accounts.authenticate(user.email, "a brand new password") == user
    with pytest.raises(accounts.AccountError, match="already been used"):
        accounts.accept_invitation(invitation.token, "another password again")


def test_tampered_invitation_is_refused(db_session):
    with pytest.raises(accounts.AccountError, match="not valid"):
        accounts.user_for_invitation("garbage.token.value")


def test_session_id_goes_stale_when_the_password_changes(db_session, make_staff):
    user = make_staff(Role.BOARD)
    old_id = user.get_id()
    assert accounts.load_for_session(old_id) == user
    accounts.change_password(user, TEST_PASSWORD, "another long password")
    assert accounts.load_for_session(old_id) is None
    assert accounts.load_for_session(user.get_id()) == user
    assert accounts.load_for_session("not-a-number.x") is None


def test_change_password_checks_the_current_one(db_session, make_staff):
    user = make_staff(Role.BOARD)
    with pytest.raises(accounts.AccountError, match="current password"):
        accounts.change_password(user, "wrong wrong wrong", "another long password")


def test_roles_change_is_audited_with_before_and_after(db_session, make_staff):
    admin = make_staff(Role.ADMIN)
    user = make_staff(Role.BOARD)
    accounts.set_roles(user, [Role.REVIEWER, Role.BOARD], admin)
    assert user.roles == {Role.REVIEWER, Role.BOARD}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.roles_change")
    ).one()
    assert event.actor == admin
    assert event.details == {"before": ["board"], "after": ["board", "reviewer"]}


def test_the_last_admin_cannot_be_removed(db_session, make_staff):
    admin = make_staff(Role.ADMIN)
    with pytest.raises(accounts.AccountError, match="only active admin"):
        accounts.set_roles(admin, [Role.BOARD], admin)
    with pytest.raises(accounts.AccountError, match="only active admin"):
        accounts.deactivate(admin, None)
    second = make_staff(Role.ADMIN, Role.BOARD)
    accounts.set_roles(admin, [Role.BOARD], second)
    assert admin.roles == {Role.BOARD}


def test_deactivation_signs_out_everywhere(db_session, make_staff):
    admin = make_staff(Role.ADMIN)
    user = make_staff(Role.REVIEWER)
    session_id = user.get_id()
    with pytest.raises(accounts.AccountError, match="your own account"):
        accounts.deactivate(admin, admin)
    accounts.deactivate(user, admin)
    assert accounts.load_for_session(session_id) is None
    with pytest.raises(accounts.AccountError, match="reactivate it first"):
        accounts.invite(user, admin)
    accounts.reactivate(user, admin)
    assert accounts.authenticate(user.email, TEST_PASSWORD) == user
    assert audit_actions()[-3:] == ["user.deactivate", "user.reactivate", "user.login"]
