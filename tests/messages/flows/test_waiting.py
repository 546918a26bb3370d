"""What waits for whom, on the home page and in the menu: a flow a reviewer returned, with the
comment, for the people who wrote it; a flow in review, for the reviewers who did not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from changemakers.accounts.models import Role, StaffUser
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.navigation import LISTED
from messages.flows import services as flows
from messages.models import FlowVersion
from tests.support.flows import SMALL
from tests.support.pages import home_of, menu_link

COMMENT = "Make the tip friendlier"


def flow_named(name: str) -> dict:
    """``SMALL`` under another name and keyword, with its example texting that keyword."""
    keyword = name.upper().replace(" ", "")
    example = {**SMALL["examples"][0], "texts": [keyword, "1"]}
    return {**SMALL, "name": name, "keyword": keyword, "examples": [example]}


def submitted(author: StaffUser, data: dict = SMALL) -> FlowVersion:
    draft = flows.import_flow(data, author)
    flows.submit(draft, author)
    return draft


@pytest.fixture
def author(make_staff):
    return make_staff(Role.CHANGEMAKER, email="author@example.org")


@pytest.fixture
def reviewer(make_staff):
    return make_staff(Role.REVIEWER, email="reviewer@example.org")


def test_a_returned_flow_waits_for_its_author_with_the_comment(app, author, reviewer, make_staff):
    other = make_staff(Role.CHANGEMAKER, email="other@example.org")
    draft = submitted(author)
    flows.return_for_changes(draft, reviewer, COMMENT)

    home = home_of(app, author)
    assert "1 flow(s) returned to you with a reviewer's comment" in home
    assert f'<a href="/flows/{draft.flow_id}/v1">Small, version 1</a>' in home
    assert f"<strong>Reviewer's comment:</strong> {COMMENT}" in home
    assert menu_link(home, "Message flows") == "Message flows (1 returned)"

    theirs = home_of(app, other)
    assert COMMENT not in theirs and "returned to you" not in theirs
    assert "Nothing is waiting for you." in theirs
    assert menu_link(theirs, "Message flows") == "Message flows"


def test_a_returned_flow_sent_back_for_review_is_no_longer_returned(app, author, reviewer):
    draft = submitted(author)
    flows.return_for_changes(draft, reviewer, COMMENT)
    flows.submit(draft, author)

    home = home_of(app, author)
    assert "returned to you" not in home and COMMENT not in home
    assert "1 flow(s) you worked on, waiting for a reviewer" in home
    assert "Small, version 1" in home


def test_a_flow_in_review_waits_for_reviewers_who_did_not_write_it(app, reviewer, make_staff):
    writer = make_staff(Role.REVIEWER, email="writer@example.org")
    admin = make_staff(Role.ADMIN, email="admin@example.org")
    changemaker = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    draft = submitted(writer)

    for person in (reviewer, admin):
        home = home_of(app, person)
        assert "1 flow(s) waiting for your review" in home, person.email
        assert f'<a href="/flows/{draft.flow_id}/v1">Small, version 1</a>' in home
        assert menu_link(home, "Message flows") == "Message flows (1 to review)"

    own = home_of(app, writer)
    assert "waiting for your review" not in own
    assert "1 flow(s) you worked on, waiting for a reviewer" in own
    assert menu_link(own, "Message flows") == "Message flows"
    assert "waiting for your review" not in home_of(app, changemaker)


def test_whoever_changed_a_draft_is_not_asked_to_review_it(app, author, reviewer, make_staff):
    other_reviewer = make_staff(Role.REVIEWER, email="other-reviewer@example.org")
    draft = flows.import_flow(SMALL, author)
    flows.save(draft, {**SMALL, "name": "Small and kind"}, reviewer, "name")
    flows.submit(draft, author)

    assert flows.FLOWS.to_review_by(reviewer.id) == []
    assert flows.FLOWS.in_review_from(reviewer.id) == [draft]
    assert flows.FLOWS.to_review_by(other_reviewer.id) == [draft]
    assert "waiting for your review" not in home_of(app, reviewer)


def test_the_menu_counts_all_waiting_and_the_home_page_lists_the_first_few(app, author, reviewer):
    names = [f"Tips {letter}" for letter in "ABCDEFG"]
    for name in names:
        submitted(author, flow_named(name))

    home = home_of(app, reviewer)
    assert menu_link(home, "Message flows") == f"Message flows ({len(names)} to review)"
    assert f"{len(names)} flow(s) waiting for your review" in home
    listed = re.findall(r">(Tips [A-G]), version 1</a>", home)
    assert listed == names[:LISTED]  # the longest waiting first
    assert f"And {len(names) - LISTED} more." in home


def test_returned_drafts_come_latest_first_and_only_to_who_worked_on_them(
    db_session, author, reviewer, make_staff
):
    other = make_staff(Role.CHANGEMAKER, email="other@example.org")
    first = submitted(author, flow_named("First"))
    second = submitted(author, flow_named("Second"))
    theirs = submitted(other, flow_named("Theirs"))
    for version in (first, second, theirs):
        flows.return_for_changes(version, reviewer, COMMENT)
    now = utcnow()
    for earlier, later in ((first, second), (second, first)):
        earlier.updated_at, later.updated_at = now, now + timedelta(minutes=5)
        db.session.commit()
        assert flows.FLOWS.returned_to(author.id) == [later, earlier]
    assert flows.FLOWS.returned_to(other.id) == [theirs]
    assert flows.FLOWS.returned_to(reviewer.id) == []
    assert flows.FLOWS.returned_to(other.id)[0].review_comment == COMMENT
