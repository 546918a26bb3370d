"""Flows in the service: import, review and publish, and conversations by SMS."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.cli import cli
from changemakers.content import files
from changemakers.content.editing import ContentProblems
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.extensions import db
from messages import texts
from messages.demo import DEMO_FLOWS
from messages.flows import services as flows
from messages.flows.definition import from_data
from messages.flows.examples import run_examples
from messages.models import Conversation, FlowVersion, Keyword, OutboundMessage
from tests.support.flows import SMALL, published_flow, small_flow
from tests.support.sms import SHIPPED_SIGNPOSTS, URGENT_HELP, URGENT_HELP_CONCERN, replies_of


@pytest.fixture
def published(db_session):
    return published_flow()


def test_a_published_flow_answers_its_keyword(published, send_sms):
    assert replies_of(send_sms("small")) == ["Hi. Reply 1 for tips or 2 to hear from us later."]
    assert replies_of(send_sms("one")) == ["Tip: talk to Childline on 0800 1111."]
    conversation = db.session.scalar(select(Conversation))
    assert conversation.end_reason == "completed"
    assert conversation.state["path"] == ["ask", "tips"]
    assert conversation.state["version"] == published.id


def test_a_reply_not_understood_gets_the_hint(published, send_sms):
    send_sms("SMALL")
    assert replies_of(send_sms("what?")) == ["Just reply 1 or 2."]


def test_a_follow_up_goes_through_the_outbox(published, send_sms):
    send_sms("SMALL")
    assert replies_of(send_sms("2")) == []
    [later] = db.session.scalars(select(OutboundMessage)).all()
    assert later.body == "Here we are, a day later."


def test_stop_mid_flow_stops_it(published, send_sms):
    send_sms("SMALL")
    assert replies_of(send_sms("STOP")) == [texts.STOPPED]
    assert replies_of(send_sms("1")) == [texts.STILL_OPTED_OUT]


def test_start_never_lands_inside_a_flow(published, send_sms):
    send_sms("SMALL")
    assert replies_of(send_sms("START")) == [texts.STARTED]


def test_another_flows_keyword_mid_flow_starts_that_flow(published, send_sms):
    other_examples = [{"name": "Tips", "texts": ["OTHER", "1"], "expect": ["0800 1111"]}]
    published_flow(name="Other", keyword="OTHER", examples=other_examples)
    send_sms("SMALL")
    assert replies_of(send_sms("OTHER"))[0].startswith("Hi. Reply 1")
    ended = db.session.scalars(select(Conversation).order_by(Conversation.id)).first()
    assert ended.end_reason == "replaced"


def test_danger_mid_flow_gets_urgent_help_in_place_of_the_next_step(published, send_sms):
    first_question = replies_of(send_sms("SMALL"))
    assert replies_of(send_sms("he made me do stuff to him")) == [URGENT_HELP_CONCERN]
    assert replies_of(send_sms("i took 20 pills just now")) == [URGENT_HELP]
    # The flow waits where it was: the next reply is taken as its answer.
    assert replies_of(send_sms("1")) != first_question


def test_a_conversation_finishes_on_the_version_it_started(published, send_sms):
    send_sms("SMALL")
    edited = SMALL["steps"] | {"tips": {"kind": "end", "text": "A new tip: {childline}."}}
    published_flow(steps=edited)
    assert replies_of(send_sms("1")) == ["Tip: talk to Childline on 0800 1111."]
    send_sms("SMALL")
    assert replies_of(send_sms("1")) == ["A new tip: Childline on 0800 1111."]
    statuses = db.session.scalars(select(FlowVersion.status).order_by(FlowVersion.number)).all()
    assert statuses == [ContentStatus.ARCHIVED, ContentStatus.PUBLISHED]


def test_review_publishes_and_nobody_approves_their_own(db_session, make_staff):
    author = make_staff(Role.CHANGEMAKER, email="author@example.org")
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    draft = flows.import_flow(SMALL, author)
    flows.submit(draft, author)
    with pytest.raises(LifecycleError, match="Someone else"):
        flows.approve(draft, author)
    flows.return_for_changes(draft, reviewer, "Make the tip friendlier")
    assert (draft.status, draft.review_comment) == (ContentStatus.DRAFT, "Make the tip friendlier")
    flows.submit(draft, author)
    flows.approve(draft, reviewer)
    assert draft.status is ContentStatus.PUBLISHED
    assert db.session.get(Keyword, "SMALL").kind == "flow"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "flow").order_by(AuditEvent.id)
    ).all()
    assert actions == ["flow.import", "flow.submit", "flow.return", "flow.submit", "flow.approve"]

    flows.archive(draft, reviewer)
    assert db.session.get(Keyword, "SMALL") is None


def test_a_returned_version_needs_a_comment(db_session, make_staff):
    author, reviewer = make_staff(Role.CHANGEMAKER), make_staff(Role.REVIEWER)
    draft = flows.import_flow(SMALL, author)
    flows.submit(draft, author)
    with pytest.raises(LifecycleError, match="Say what needs changing"):
        flows.return_for_changes(draft, reviewer, "  ")


def test_an_import_that_does_not_validate_changes_nothing(db_session):
    broken = small_flow(
        keyword="HELP",
        steps=SMALL["steps"] | {"tips": {"kind": "message", "text": "", "next": "nowhere"}},
    )
    with pytest.raises(ContentProblems) as refused:
        flows.import_flow(broken, None)
    assert len(refused.value.problems) >= 3
    assert db.session.scalars(select(FlowVersion)).all() == []


def test_a_failing_example_stops_a_flow(db_session):
    failing = small_flow(
        examples=[{"name": "Wrong", "texts": ["SMALL", "1"], "expect": ["banana"]}]
    )
    with pytest.raises(ContentProblems, match="Example 'Wrong' fails"):
        flows.import_flow(failing, None)


def test_a_keyword_bound_to_a_fixed_reply_is_taken(db_session):
    from messages import fixed_replies

    fixed_replies.load_published("SMALL", "Hello")
    with pytest.raises(ContentProblems, match="already used"):
        flows.import_flow(SMALL, None)


def test_the_command_line_exports_and_imports_a_flow(app, published, tmp_path: Path):
    runner = app.test_cli_runner()
    for file_format in files.FORMATS:
        exported = runner.invoke(cli, ["flows", "export", "small", "--format", file_format])
        assert exported.exit_code == 0, exported.output
        assert from_data(files.load(exported.output)) == from_data(SMALL)
    path = tmp_path / "small.yaml"
    path.write_text(files.dump(small_flow(name="Small, revised")))
    imported = runner.invoke(cli, ["flows", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "Imported as draft version 2" in imported.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: [unclosed", "This is not a YAML file at line"),
        ('{"name": ', "This is not a JSON file"),
        ("name: x\nkeyword: HELP\nstart: a\nsteps: {a: {kind: end}}", "HELP is kept"),
    ],
)
def test_the_command_line_refuses_a_broken_file(app, db_session, tmp_path, content, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(content)
    result = app.test_cli_runner().invoke(cli, ["flows", "import", str(path)])
    assert result.exit_code == 1
    assert expected in result.output
    assert db.session.scalars(select(FlowVersion)).all() == []


def test_exporting_an_unknown_flow_says_so(app, db_session):
    result = app.test_cli_runner().invoke(cli, ["flows", "export", "NOPE"])
    assert result.exit_code == 1
    assert "no flow has the keyword NOPE" in result.output


@pytest.mark.parametrize("path", sorted(DEMO_FLOWS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_demo_flows_examples_pass(path):
    definition = from_data(files.load(path.read_text()))
    assert definition.examples
    results = run_examples(definition, SHIPPED_SIGNPOSTS)
    assert [r.failure for r in results] == [None] * len(results)


def test_the_demo_flows_load_and_answer_their_keywords(db_session, send_sms):
    from messages.demo import load_demo_content

    load_demo_content()
    for keyword in ("FRIEND", "KNIFE", "ONLINE", "STRESS"):
        assert replies_of(send_sms(keyword))[0].startswith("Hi, it's Changemakers")


def test_a_flow_left_unanswered_expires_quietly(published, send_sms, monkeypatch):
    from datetime import timedelta

    from changemakers.database import utcnow
    from messages import inbound as channel

    send_sms("SMALL")
    later = utcnow() + timedelta(days=3, minutes=1)
    monkeypatch.setattr(channel, "utcnow", lambda: later)
    replies = replies_of(send_sms("1"))
    assert replies[0].startswith("Hi! Text one of these words")
    conversation = db.session.scalar(select(Conversation))
    assert conversation.end_reason == "expired"


def test_the_page_counts_conversations_per_version(client, published, send_sms, signed_in):
    send_sms("SMALL")
    send_sms("1")
    signed_in(Role.REVIEWER)
    page = client.get(f"/flows/{published.flow_id}/v1").get_data(as_text=True)
    assert "How it is used" in page
    assert "<td>1</td><td>1</td><td>0</td>" in page  # started, completed, expired
