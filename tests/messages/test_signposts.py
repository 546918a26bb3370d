"""The signposting directory's pages: what is due for checking, editing and adding entries,
marking them as checked, and content naming an unchecked entry kept from going live."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.extensions import db
from messages import signpost_services as directory
from messages import signposting
from messages.flows import services as flows
from messages.models import FlowVersion, Keyword, Signpost
from messages.signposting import Entry, ReviewState
from tests.support.pages import menu_link
from tests.support.sms import replies_of
from tests.support.web import post_form, sign_in

DANGER = "i want to kill myself"  # a phrase that gets the urgent-help reply, naming {childline}
SMALL = {
    "name": "Small",
    "keyword": "SMALL",
    "start": "tips",
    "steps": {"tips": {"kind": "end", "text": "Tip: talk to {childline}."}},
    "examples": [{"name": "Tips", "texts": ["SMALL"], "expect": ["0800 1111"]}],
}


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def set_review_date(name: str, review_by: date) -> None:
    db.session.get_one(Signpost, name).review_by = review_by
    db.session.commit()


def audit_actions(name: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "signpost", AuditEvent.object_id == name)
            .order_by(AuditEvent.id)
        )
    )


def edit_form(signpost: Signpost, **changes: str) -> dict[str, str]:
    data = {
        "title": signpost.title,
        "contact": signpost.contact,
        "text": signpost.text,
        "hours": signpost.hours,
        "audience": signpost.audience,
        "review_by": signpost.review_by.isoformat(),
    }
    return {**data, **changes}


def row_of(page: str, name: str) -> str:
    """The table row of the entry named ``{name}`` on the list page."""
    [row] = [row for row in page.split("<tr>") if f"{{{name}}}</a>" in row]
    return row


@pytest.fixture
def today() -> date:
    return directory.today()


@pytest.fixture
def reviewer(client, make_staff):
    user = make_staff(Role.REVIEWER, email="reviewer@example.org")
    assert sign_in(client, user.email).status_code == 302
    return user


# The rules, as plain functions


@pytest.mark.parametrize(
    "contact", ["0800 1111", "0808 800 5000", "0800 555 111", "+44 800 1111", "999", "85258"]
)
def test_uk_numbers_and_short_codes_are_accepted(contact):
    assert signposting.contact_problem(contact) is None


@pytest.mark.parametrize(
    "contact",
    ["0800 11", "08OO 1111", "12", "1234567", "0999", "+1 202 555 0100", "text SHOUT to 85258"],
)
def test_a_malformed_number_is_refused_saying_what_it_must_be(contact):
    problem = signposting.contact_problem(contact)
    assert problem is not None
    assert "UK phone number, such as 0800 1111" in problem
    assert "3 to 6 digits" in problem


def test_review_states(today):
    assert signposting.review_state(today - timedelta(days=1), today) is ReviewState.OVERDUE
    assert signposting.review_state(today, today) is ReviewState.OVERDUE
    assert signposting.review_state(today + timedelta(days=30), today) is ReviewState.SOON
    assert signposting.review_state(today + timedelta(days=31), today) is ReviewState.CHECKED


def test_the_next_review_is_six_months_on_and_a_real_date():
    assert signposting.next_review(date(2026, 11, 26)) == date(2027, 5, 26)
    assert signposting.next_review(date(2026, 8, 31)) == date(2027, 2, 28)


def test_an_entry_is_checked_field_by_field():
    today = date(2026, 11, 26)
    entry = Entry(
        name="Young Minds",
        title="YoungMinds",
        text="YoungMinds, for parents, on 0808 802 5544. " + "x" * 130,
        contact="0808 802 5544",
        hours="",
        audience="parents worried about a young person",
        review_by=date(2026, 11, 25),
    )
    found = signposting.problems(entry, today)
    assert set(found) == {"name", "text", "hours", "review_by"}
    assert "160 characters" in found["text"]
    assert "after today" in found["review_by"]

    fixed = Entry(
        **{
            **entry.__dict__,
            "name": "young_minds",
            "text": "YoungMinds on 0808 8025544",
            "hours": "Monday to Friday 9:30am to 4pm",
            "review_by": date(2027, 5, 1),
        }
    )
    assert signposting.problems(fixed, today) == {}  # spaces in the number may differ
    missing_number = Entry(**{**fixed.__dict__, "text": "YoungMinds, for parents"})
    assert "0808 802 5544" in signposting.problems(missing_number, today)["text"]


def test_overdue_problems_name_each_entry_once(today):
    dates = {"childline": date(2026, 11, 1), "shout": today + timedelta(days=90)}
    texts = ["Talk to {childline} or {shout}.", "Still: {childline}.", "{unknown}"]
    assert signposting.overdue_problems(texts, dates, date(2026, 11, 26)) == [
        "{childline} is past its review date (1 Nov 2026): a reviewer must check it in the "
        "signposting directory before this can be published."
    ]


# The pages


def test_the_list_flags_what_is_overdue_or_due_soon(client, reviewer, today):
    set_review_date("childline", today - timedelta(days=3))
    set_review_date("shout", today)
    set_review_date("nspcc", today + timedelta(days=10))
    set_review_date("fearless", today + timedelta(days=200))

    page = page_text(client.get("/signposting"))

    assert "2 entries are past their review date" in page
    childline = row_of(page, "childline")
    assert "0800 1111" in childline and "children and young people under 19" in childline
    assert "Review overdue" in childline
    assert "Review overdue" in row_of(page, "shout")
    assert "Due for review soon" in row_of(page, "nspcc")
    fearless = row_of(page, "fearless")
    assert "Review overdue" not in fearless and "Due for review soon" not in fearless
    assert signposting.in_words(today + timedelta(days=200)) in fearless


def test_an_edit_is_saved_audited_and_used_by_the_next_sms(client, reviewer, send_sms, today):
    assert "Childline on 0800 1111" in replies_of(send_sms(DANGER))[0]  # the directory is read
    childline = db.session.get_one(Signpost, "childline")
    new_text = "Childline (free) on 0800 1111"
    review_by = today + timedelta(days=90)

    response = post_form(
        client,
        "/signposting/childline",
        edit_form(childline, text=new_text, review_by=review_by.isoformat()),
        page="/signposting/childline",
    )

    assert response.status_code == 302
    db.session.refresh(childline)
    assert (childline.text, childline.review_by) == (new_text, review_by)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "signpost.updated")
    ).one()
    assert (event.object_id, event.actor_label) == ("childline", reviewer.email)
    assert event.details["changes"]["text"] == {"from": "Childline on 0800 1111", "to": new_text}
    assert set(event.details["changes"]) == {"text", "review_by"}
    assert f"Talk to {new_text}, free, any time" in replies_of(send_sms(DANGER))[0]


@pytest.mark.parametrize("contact", ["0800 11", "08OO 1111"])
def test_a_malformed_number_is_refused_beside_the_field(client, reviewer, contact):
    childline = db.session.get_one(Signpost, "childline")
    response = post_form(
        client,
        "/signposting/childline",
        edit_form(childline, contact=contact, text=f"Childline on {contact}"),
        page="/signposting/childline",
    )

    assert response.status_code == 200
    page = page_text(response)
    assert "There is a problem" in page
    message = "Enter a UK phone number, such as 0800 1111 or 0808 800 5000, or a short code"
    assert re.search(r'id="contact-error"[^>]*>.*' + re.escape(message), page)
    db.session.refresh(childline)
    assert childline.contact == "0800 1111"
    assert audit_actions("childline") == []


def test_an_edit_with_a_review_date_in_the_past_is_refused(client, reviewer, today):
    childline = db.session.get_one(Signpost, "childline")
    before = childline.review_by
    response = post_form(
        client,
        "/signposting/childline",
        edit_form(childline, review_by=(today - timedelta(days=1)).isoformat()),
        page="/signposting/childline",
    )
    assert response.status_code == 200
    assert "Choose a date after today" in page_text(response)
    db.session.refresh(childline)
    assert childline.review_by == before


def test_the_text_must_name_the_number(client, reviewer):
    childline = db.session.get_one(Signpost, "childline")
    response = post_form(
        client,
        "/signposting/childline",
        edit_form(childline, text="Childline, any time"),
        page="/signposting/childline",
    )
    assert "Include the number or text code, 0800 1111" in page_text(response)
    db.session.refresh(childline)
    assert childline.text == "Childline on 0800 1111"


def test_an_entry_is_added_once_and_messages_can_name_it(client, reviewer, today):
    form = {
        "name": "young_minds",
        "title": "YoungMinds parents helpline",
        "contact": "0808 802 5544",
        "text": "YoungMinds on 0808 802 5544",
        "hours": "Monday to Friday 9:30am to 4pm",
        "audience": "parents worried about a young person",
        "review_by": (today + timedelta(days=180)).isoformat(),
    }
    response = post_form(client, "/signposting/new", form, page="/signposting/new")
    assert response.status_code == 302
    assert db.session.get_one(Signpost, "young_minds").text == "YoungMinds on 0808 802 5544"
    assert audit_actions("young_minds") == ["signpost.created"]
    assert "{young_minds}" in page_text(client.get("/signposting"))

    again = post_form(client, "/signposting/new", form, page="/signposting/new")
    assert "There is already an entry called {young_minds}" in page_text(again)
    spaced = post_form(
        client, "/signposting/new", {**form, "name": "Young Minds"}, page="/signposting/new"
    )
    assert "lowercase letters, numbers and underscores" in page_text(spaced)
    assert audit_actions("young_minds") == ["signpost.created"]
    assert db.session.get(Signpost, "Young Minds") is None


def test_marking_as_checked_needs_the_box_ticked_then_moves_the_date_on(client, reviewer, today):
    set_review_date("shout", today - timedelta(days=5))

    unticked = post_form(client, "/signposting/shout/checked", page="/signposting/shout")
    assert "Tick the box to say you have checked the details" in page_text(unticked)
    assert db.session.get_one(Signpost, "shout").review_by == today - timedelta(days=5)

    ticked = post_form(
        client, "/signposting/shout/checked", {"confirm": "y"}, page="/signposting/shout"
    )
    assert ticked.status_code == 302
    shout = db.session.get_one(Signpost, "shout")
    db.session.refresh(shout)
    assert shout.review_by == signposting.next_review(today)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "signpost.checked")
    ).one()
    assert event.details["review_by"]["to"] == shout.review_by.isoformat()
    assert "Review overdue" not in row_of(page_text(client.get("/signposting")), "shout")


@pytest.mark.parametrize("role", [Role.CHANGEMAKER, Role.BOARD])
def test_only_reviewers_and_admins_may_open_the_directory(client, signed_in, role):
    signed_in(role)
    for path in ("/signposting", "/signposting/new", "/signposting/childline"):
        assert client.get(path).status_code == 403
    assert post_form(client, "/signposting/childline/checked", {"confirm": "y"}).status_code == 403
    assert post_form(client, "/signposting/new", {"name": "x"}).status_code == 403
    assert audit_actions("childline") == []


def test_admins_may_keep_the_directory(client, signed_in):
    signed_in(Role.ADMIN)
    assert client.get("/signposting").status_code == 200
    assert client.get("/signposting/childline").status_code == 200


def test_the_home_page_and_the_menu_count_entries_overdue_for_reviewers(client, make_staff, today):
    set_review_date("childline", today - timedelta(days=1))
    set_review_date("nspcc", today)
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    sign_in(client, reviewer.email)
    page = page_text(client.get("/"))
    assert "2 helpline(s) in the signposting directory overdue for review" in page
    assert 'href="/signposting"' in page
    assert menu_link(page, "Signposting") == "Signposting (2 overdue)"

    post_form(client, "/logout")
    maker = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    sign_in(client, maker.email)
    assert "signposting directory overdue" not in page_text(client.get("/"))


# Publishing


def test_a_flow_naming_an_overdue_entry_is_refused_until_it_is_checked(client, make_staff, today):
    set_review_date("childline", today - timedelta(days=1))
    author = make_staff(Role.CHANGEMAKER, email="author@example.org")
    draft = flows.import_flow(SMALL, author)  # a draft may name it
    flows.submit(draft, author)  # and go for review
    base = f"/flows/{draft.flow_id}/v{draft.number}"
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    sign_in(client, reviewer.email)
    problem = (
        f"{{childline}} is past its review date ({signposting.in_words(today - timedelta(days=1))})"
        ": a reviewer must check it in the signposting directory before this can be published."
    )
    assert problem in page_text(client.get(base))  # shown in the editor

    refused = post_form(client, f"{base}/approve", page=base)

    assert problem in page_text(client.get(refused.headers["Location"]))
    version = db.session.get_one(FlowVersion, draft.id)
    db.session.refresh(version)
    assert version.status is ContentStatus.IN_REVIEW
    assert db.session.get(Keyword, "SMALL") is None
    assert "flow.approve" not in db.session.scalars(select(AuditEvent.action)).all()

    post_form(client, "/signposting/childline/checked", {"confirm": "y"}, page=base)
    post_form(client, f"{base}/approve", page=base)

    db.session.refresh(version)
    assert version.status is ContentStatus.PUBLISHED
    assert db.session.get_one(Keyword, "SMALL").kind == "flow"
    assert problem not in page_text(client.get(base))


def test_an_entry_due_soon_does_not_stop_publishing(db_session, make_staff, today):
    set_review_date("childline", today + timedelta(days=1))
    author, reviewer = make_staff(Role.CHANGEMAKER), make_staff(Role.REVIEWER)
    draft = flows.import_flow(SMALL, author)
    flows.submit(draft, author)
    flows.approve(draft, reviewer)
    assert draft.status is ContentStatus.PUBLISHED


def test_the_service_refuses_approval_too(db_session, make_staff, today):
    set_review_date("childline", today)
    author, reviewer = make_staff(Role.CHANGEMAKER), make_staff(Role.REVIEWER)
    draft = flows.import_flow(SMALL, author)
    flows.submit(draft, author)
    with pytest.raises(LifecycleError, match=r"\{childline\} is past its review date"):
        flows.approve(draft, reviewer)
    assert draft.status is ContentStatus.IN_REVIEW
