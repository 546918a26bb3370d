"""The SMS survey: a conversation kind of the channel, one response per phone, anonymous."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import inspect, select

from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.office_hours import LONDON
from messages import fixed_replies, texts
from messages.conversation_ends import expire_conversations
from messages.models import Conversation, InboundMessage
from surveys import pool
from surveys.models import Channel, SurveyParticipation, SurveyPool, SurveyResponse
from surveys.services import ALREADY_ANSWERED, ANSWER_TAG
from tests.support.sms import replies_of
from tests.support.surveys import released_responses


def answer_all(send_sms, change="SKIP"):
    opening = replies_of(send_sms("kinds"))
    assert opening[0] == "A test survey. Don't put names in your answers."
    assert opening[1].startswith("Q1/7: Favourite colour?")  # "When least safe?" may follow
    assert replies_of(send_sms("b"))[0].startswith("Q2/7: What worries you?")
    assert replies_of(send_sms("1, 3"))[0].startswith("Q3/7: How safe do you feel?")
    # Feeling safe rules out "When least safe?": one question fewer from here on.
    assert replies_of(send_sms("four"))[0].startswith("Q4/6: Hours online a day?")
    assert replies_of(send_sms("3"))[0].startswith("Q5/6: One thing to change?")
    assert replies_of(send_sms(change))[0].startswith("Q6/6: How old?")
    return replies_of(send_sms("Prefer not to say"))


def test_a_survey_by_text_from_keyword_to_thanks(every_kind, send_sms):
    assert answer_all(send_sms) == ["Thanks: the board will see the totals."]
    assert db.session.scalars(select(SurveyResponse)).all() == []  # waiting in the pool
    assert pool.waiting_count(every_kind.survey_id) == 1
    [response] = released_responses()
    assert response.channel is Channel.SMS
    assert response.answers == {
        "colour": "Green",
        "worries": ["Knife crime", "Exams"],
        "safe": 4,
        "hours": 3,
        "change": None,
        "age": "Prefer not to say",
    }
    assert response.completed_on is not None


def test_free_text_by_sms_is_stored_redacted(every_kind, send_sms):
    answer_all(send_sms, change="ring me 07700 900123 or me@example.org")
    [response] = released_responses()
    assert response.answers["change"] == "ring me [phone] or [email]"


def test_one_response_per_phone(every_kind, send_sms):
    answer_all(send_sms)
    assert replies_of(send_sms("KINDS")) == [ALREADY_ANSWERED]
    assert len(released_responses()) == 1
    assert len(db.session.scalars(select(SurveyParticipation)).all()) == 1


def test_delete_does_not_open_the_way_to_answering_twice(every_kind, send_sms):
    answer_all(send_sms)
    send_sms("DELETE")
    assert replies_of(send_sms("KINDS")) == [ALREADY_ANSWERED]
    [participation] = db.session.scalars(select(SurveyParticipation)).all()
    assert "pseudonym" not in participation.__table__.columns  # a keyed token, nothing more
    assert len(released_responses()) == 1


def test_a_response_from_the_staff_simulator_is_a_test_and_never_counted(
    every_kind, client, signed_in
):
    from changemakers.accounts.models import Role
    from surveys import services
    from tests.support.web import post_form

    signed_in(Role.CHANGEMAKER)
    for text in ("KINDS", "b", "1, 3", "four", "3", "SKIP", "Prefer not to say"):
        post_form(client, "/sms/simulator", {"number": "07700 900555", "body": text})
    [response] = released_responses()
    assert response.is_test and response.answers["colour"] == "Green"
    assert services.completed_responses(1) == {}
    found = services.findings_for("every-kind", 1)
    assert found is not None and found["responses"]["started"] == "<1"  # none at all


def test_the_follow_up_question_keeps_the_count_it_started_with(every_kind, send_sms):
    """Someone who feels unsafe is asked "When least safe?": counted from the first text."""
    totals = []
    for text in ("KINDS", "red", "money", "1", "night", "2", "skip"):
        prompt = replies_of(send_sms(text))[-1]
        totals.append(prompt.split(":")[0])
    assert totals == ["Q1/7", "Q2/7", "Q3/7", "Q4/7", "Q5/7", "Q6/7", "Q7/7"]


def test_a_bad_answer_gets_one_hint_and_the_question_again(every_kind, send_sms):
    send_sms("KINDS")
    [reply] = replies_of(send_sms("purple"))
    assert reply.startswith("Sorry, we didn't get that. Reply with a number from 1 to 3.")
    assert "Q1/7: Favourite colour?" in reply
    assert replies_of(send_sms("red"))[0].startswith("Q2/7")


def test_stop_mid_survey_is_still_stop(every_kind, send_sms):
    send_sms("KINDS")
    assert replies_of(send_sms("STOP")) == [texts.STOPPED]


def test_no_path_leads_from_a_response_to_a_phone(every_kind, send_sms):
    answer_all(send_sms)
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("survey_responses")}
    assert columns == {
        "id",
        "survey_id",
        "version_id",
        "channel",
        "answers",
        "started_on",
        "completed_on",
        "record_key",  # random, drawn when the response is made: the disclosure gate's
        "is_test",
        "language",  # a web survey's language code; never an SMS one's (the contact has it)
    }
    participation = set(
        c["name"] for c in inspect(db.session.connection()).get_columns("survey_participations")
    )
    assert participation == {"token", "survey_id", "on"}
    for state in db.session.scalars(select(Conversation.state)):
        assert "_answers" not in state and "Green" not in str(state)
    assert db.session.scalars(select(SurveyPool)).all() != []
    released_responses()
    assert db.session.scalars(select(SurveyPool)).all() == []  # deleted on release


def test_the_answers_go_when_an_unfinished_survey_expires(every_kind, send_sms):
    send_sms("KINDS")
    send_sms("1")
    open_state = db.session.scalar(select(Conversation.state))
    assert open_state["_answers"] == {"colour": "Red"}  # only while it runs
    assert db.session.scalars(select(SurveyResponse)).all() == []
    assert expire_conversations(utcnow() + timedelta(days=4)) == 1
    conversation = db.session.scalar(select(Conversation))
    assert conversation.end_reason == "expired"
    assert "_answers" not in conversation.state and "Red" not in str(conversation.state)
    assert released_responses() == []


def test_the_link_goes_when_another_keyword_replaces_the_survey(every_kind, send_sms):
    fixed_replies.load_published("HELLO", "Hi")
    send_sms("KINDS")
    send_sms("HELLO")
    send_sms("KINDS")  # starts again, from the first question
    states = db.session.scalars(select(Conversation.state).order_by(Conversation.id)).all()
    assert "_answers" not in states[0]


def test_the_demo_survey_answers_its_keyword_and_its_address(client, db_session, send_sms):
    from surveys.demo import load_demo_content

    load_demo_content()
    opening = replies_of(send_sms("survey"))
    assert opening[1].startswith("Q1/8: Which of these worry you most?")
    assert "What matters to you?" in client.get("/s/what-matters").get_data(as_text=True)


def test_mydata_shows_that_the_phone_answered_and_delete_keeps_only_the_token(
    every_kind, send_sms, client, signed_in
):
    from changemakers.accounts.models import Role
    from tests.support.web import post_form

    answer_all(send_sms)
    [reply] = replies_of(send_sms("MYDATA"))
    reference = reply.split("reference is ")[1][:9]
    signed_in(Role.REVIEWER)
    page = post_form(client, "/mydata/", {"reference": reference}, page="/mydata/")
    html = page.get_data(as_text=True)
    assert "Surveys by text" in html and "Every kind (on " in html
    assert "Green" not in html  # what it answered is never linked to the phone

    send_sms("DELETE")
    assert len(db.session.scalars(select(SurveyParticipation)).all()) == 1  # the token stays
    assert len(released_responses()) == 1


def test_the_words_of_sms_answers_are_not_kept_with_the_phone(every_kind, send_sms):
    answer_all(send_sms, change="more youth clubs near me")
    bodies = db.session.scalars(
        select(InboundMessage.body_redacted).order_by(InboundMessage.id)
    ).all()
    assert bodies[0] == "kinds"  # the keyword that started it
    assert bodies[1:] == [ANSWER_TAG] * 6  # one a question asked
    for received, handled, replies in db.session.execute(
        select(InboundMessage.received_at, InboundMessage.handled_at, InboundMessage.replies).where(
            InboundMessage.body_redacted == ANSWER_TAG
        )
    ):
        # the day only: the times of answers would order the phones that finished
        assert received == handled
        assert received.astimezone(LONDON).time() == time()
        assert replies == []  # which question came next tells something of the answer
    [response] = released_responses()
    assert "more youth clubs near me" in str(response.answers)


def test_a_disclosure_as_a_survey_answer_gets_urgent_help_and_the_survey_waits(
    every_kind, send_sms
):
    from changemakers.alerts.models import Alert
    from tests.support.sms import URGENT_HELP_CONCERN

    replies_of(send_sms("kinds"))
    assert replies_of(send_sms("my stepdad hits me when mum is out")) == [URGENT_HELP_CONCERN]
    alert = db.session.scalars(select(Alert)).one()
    assert (alert.channel, alert.category) == ("sms", "violence")
    # The question is still waiting for its answer.
    assert replies_of(send_sms("b"))[0].startswith("Q2/7: What worries you?")
