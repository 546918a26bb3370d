"""POST /sms/inbound, signed as Twilio signs it, through to the database."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from changemakers import privacy
from changemakers.alerts.models import Alert
from changemakers.alerts.services import CannotReply
from changemakers.extensions import db
from messages import fixed_replies, inbound, texts
from messages.models import (
    Contact,
    Conversation,
    InboundMessage,
    InboundStatus,
    OutboundMessage,
)
from tests.support.sms import (
    PHONE,
    URGENT_HELP_CONCERN,
    post_signed,
    replies_of,
    signature,
    twilio_form,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def contact_for(number: str = PHONE) -> Contact | None:
    return db.session.scalar(select(Contact).where(Contact.pseudonym == privacy.pseudonym(number)))


def test_a_signed_message_gets_a_twiml_reply(send_sms):
    response = send_sms("HELP")
    contact = contact_for()
    assert privacy.decrypt_number(contact.number_encrypted) == PHONE
    assert response.mimetype == "text/xml"
    assert replies_of(response) == [texts.HELP]
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.status == InboundStatus.HANDLED
    assert row.body_redacted == "HELP"
    assert row.replies == [texts.HELP]


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Twilio-Signature": "forged"}, {"X-Twilio-Signature": signature("http://other/", {})}],
    ids=["missing", "forged", "other-url"],
)
def test_unsigned_or_forged_requests_are_refused_and_nothing_stored(client, headers):
    response = client.post("/sms/inbound", data=twilio_form("HELP"), headers=headers)
    assert response.status_code == 403
    assert count(InboundMessage) == 0
    assert count(Contact) == 0


def test_a_signature_for_other_parameters_is_refused(client):
    form = twilio_form("FRIEND")
    headers = {"X-Twilio-Signature": signature("http://localhost/sms/inbound", form)}
    response = client.post("/sms/inbound", data={**form, "Body": "DELETE"}, headers=headers)
    assert response.status_code == 403


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://sms.example.org")
    form = twilio_form("HELP")
    assert post_signed(client, form).status_code == 403
    signed = {"X-Twilio-Signature": signature("https://sms.example.org/sms/inbound", form)}
    assert client.post("/sms/inbound", data=form, headers=signed).status_code == 200


def test_the_console_gateway_takes_unsigned_messages(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "console")
    response = client.post("/sms/inbound", data=twilio_form("HELP"))
    assert replies_of(response) == [texts.HELP]


def test_a_repeat_gets_the_same_reply_and_changes_nothing(send_sms):
    first = send_sms("I want to kill myself", sid="SMrepeat")
    assert count(Alert) == 1
    again = send_sms("I want to kill myself", sid="SMrepeat")
    assert replies_of(again) == replies_of(first)
    assert count(Alert) == 1
    assert count(InboundMessage) == 1


def test_stop_keeps_only_the_pseudonym_and_the_opt_out(send_sms, started_conversation):
    send_sms("my postcode is E1 6AN")
    assert contact_for().number_encrypted is not None
    assert replies_of(send_sms("Stop!")) == [texts.STOPPED]
    contact = contact_for()
    assert contact.opted_out and contact.number_encrypted is None
    assert db.session.scalars(select(InboundMessage.body_redacted)).all() == [None, None, None]
    assert replies_of(send_sms("ECHO")) == [texts.STILL_OPTED_OUT]
    assert replies_of(send_sms("start")) == [texts.STARTED]
    contact = contact_for()
    assert not contact.opted_out
    assert privacy.decrypt_number(contact.number_encrypted) == PHONE


def test_stop_ends_the_active_conversation(send_sms, started_conversation):
    send_sms("STOP")
    conversation = db.session.scalars(select(Conversation)).one()
    assert conversation.end_reason == "opted_out"


def test_twilio_advanced_opt_out_is_recorded_without_a_reply(send_sms):
    response = send_sms("STOP", OptOutType="STOP")
    assert replies_of(response) == []
    assert contact_for().opted_out


def test_delete_erases_everything_linked_to_the_pseudonym(send_sms, started_conversation):
    send_sms("I want to kill myself")
    assert replies_of(send_sms("DELETE")) == [texts.DELETED]
    assert count(Contact) == 0
    assert count(Conversation) == 0
    rows = db.session.scalars(select(InboundMessage)).all()
    assert all(r.pseudonym is None and r.body_redacted is None for r in rows)
    alert = db.session.scalars(select(Alert)).one()
    assert alert.pseudonym is None  # the safeguarding record stays, unlinked
    # They can come back as someone new.
    assert replies_of(send_sms("HELP")) == [texts.HELP]


def test_safeguarding_reply_first_and_an_alert_without_the_number(send_sms):
    response = send_sms("he made me do stuff, my number is 07700 900123")
    replies = replies_of(response)
    assert replies == [URGENT_HELP_CONCERN]  # never the keyword menu after urgent help
    alert = db.session.scalars(select(Alert)).one()
    assert alert.channel == "sms"
    assert alert.pseudonym == privacy.pseudonym(PHONE)
    assert "07700" not in alert.excerpt and "[phone]" in alert.excerpt
    assert alert.matched


def test_a_fixed_reply_keyword(send_sms):
    fixed_replies.load_published("tips", "Keep your accounts private.")
    assert replies_of(send_sms(" Tips! ")) == ["Keep your accounts private."]


def test_default_reply_lists_keywords(send_sms):
    fixed_replies.load_published("TIPS", "Keep your accounts private.")
    assert replies_of(send_sms("hello")) == [texts.default_reply(["TIPS"])]


def test_bodies_are_stored_redacted(send_sms):
    send_sms("call me on +44 7700 900456 or mail me@example.org, I'm @sam_99 near SW1A 1AA")
    body = db.session.scalars(select(InboundMessage.body_redacted)).one()
    assert body == "call me on [phone] or mail [email], I'm [handle] near [postcode]"


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"MessageSid": ""}, 400, "MessageSid and From are required"),
        ({"From": ""}, 400, "MessageSid and From are required"),
        ({"MessageSid": "SM" + "0" * 100}, 400, "MessageSid is not a Twilio message id"),
        ({"NumMedia": "lots"}, 400, "NumMedia must be a whole number"),
        ({"NumMedia": "-1"}, 400, "NumMedia must be a whole number"),
        ({"NumMedia": "11"}, 400, "NumMedia must be at most 10"),
        ({"NumMedia": str(10**23)}, 400, "NumMedia must be at most 10"),
        ({"MessageSid": "SM\x00" + "0" * 30}, 400, "MessageSid holds a control character"),
        ({"MessageSid": "SM\x1b[2J"}, 400, "MessageSid holds a control character"),
        ({"From": "+447700900123\x00"}, 400, "From holds a control character"),
        ({"To": "\x7f"}, 400, "To holds a control character"),
        ({"OptOutType": "STOP\r\n"}, 400, "OptOutType holds a control character"),
    ],
)
def test_what_twilio_would_never_send_gets_a_clear_4xx(client, form, status, message):
    response = post_signed(client, {**twilio_form("HELP"), **form})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count(InboundMessage) == 0


@pytest.mark.parametrize(
    "body",
    ["", "   ", "x" * 4000, "😀🔪💔", "مرحبا كيف حالك", "你好", "Cześć, jak się masz?", "\x00\x01"],
)
def test_what_a_person_might_send_gets_a_polite_reply(send_sms, body):
    replies = replies_of(send_sms(body))
    assert replies and all(replies)


def test_a_picture_with_no_text(send_sms):
    response = send_sms("", NumMedia="1", MediaUrl0="https://api.twilio.com/x.jpg")
    assert replies_of(response) == [texts.MEDIA_ONLY]
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.num_media == 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.text(max_size=500),
    sender=st.one_of(st.just(PHONE), st.text(max_size=20)),
    extra=st.dictionaries(
        st.sampled_from(["NumMedia", "OptOutType", "To", "SmsStatus"]), st.text(max_size=12)
    ),
)
def test_no_signed_body_gives_a_500(client, body, sender, extra):
    response = post_signed(client, {**twilio_form(body, sender), **extra})
    assert response.status_code in (200, 400)


def test_a_message_that_cannot_be_handled_is_kept_and_answered_politely(send_sms, monkeypatch):
    def broken(message, context):
        raise RuntimeError("a bug in a flow")

    monkeypatch.setattr(inbound, "route", broken)
    response = send_sms("hello there", sid="SMbroken")
    assert replies_of(response) == [texts.SORRY]
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.status == InboundStatus.RECEIVED  # waiting for reconcile
    assert row.body_redacted == "hello there"
    assert count(Contact) == 0  # the failed attempt changed nothing else


def test_the_console_gateway_logs_replies_without_the_number(app, client, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "console")
    caplog.set_level("INFO", logger="messages.views")
    client.post("/sms/inbound", data=twilio_form("HELP"))
    assert texts.HELP in caplog.text
    assert privacy.pseudonym(PHONE)[:8] in caplog.text
    assert "7700900123" not in caplog.text and "7700 900123" not in caplog.text


def test_ten_pictures_are_still_a_message(send_sms):
    send_sms("look", NumMedia="10")
    assert db.session.scalars(select(InboundMessage.num_media)).one() == 10


@pytest.mark.parametrize("sender", ["85258", "VODAFONE", "Childline", "60300"])
def test_a_sender_that_is_not_a_phone_number_is_kept_but_never_texted(send_sms, sender):
    response = send_sms("hello", from_=sender)
    assert replies_of(response) == []
    row = db.session.scalars(select(InboundMessage)).one()
    assert row.pseudonym == privacy.pseudonym(sender)
    assert row.body_redacted == "hello"
    assert count(Contact) == 0 and count(OutboundMessage) == 0
    assert contact_for("+44" + sender) is None  # no made-up E.164 number


def test_a_disclosure_from_a_short_code_raises_an_alert_nobody_can_answer(app, send_sms):
    send_sms("he made me do stuff, text me on 07700/900/131", from_="85258", sid="SMshort")
    alert = db.session.scalars(select(Alert)).one()
    assert alert.pseudonym == privacy.pseudonym("85258")
    assert alert.excerpt.endswith("text me on [phone]")
    channel = app.extensions["alert_channels"]["sms"]
    with pytest.raises(CannotReply, match="short code or a name"):
        channel.reply(alert.pseudonym, "Are you safe?")
    assert count(OutboundMessage) == 0

    send_sms("he made me do stuff, text me on 07700/900/131", from_="85258", sid="SMshort")
    assert count(Alert) == 1 and count(InboundMessage) == 1  # a repeat changes nothing


def test_a_body_longer_than_twilio_allows_is_cut_and_the_cut_noted(send_sms, caplog):
    words = "I need to talk to someone about this " * 60  # 2,220 characters
    caplog.set_level("WARNING", logger="messages.inbound")
    response = send_sms(words + "my number is 07700 900123", sid="SMlong")
    assert replies_of(response)
    stored = db.session.scalars(select(InboundMessage.body_redacted)).one()
    assert stored.endswith(inbound.CUT)
    assert len(stored) <= inbound.MAX_BODY + len(inbound.CUT)
    assert words.startswith(stored.removesuffix(inbound.CUT))
    assert "SMlong was 2245 characters long" in caplog.text
    assert "talk to someone" not in caplog.text  # the log holds no words


@pytest.mark.parametrize(
    "tail", ["07700 900 12", "07700 9", "sam@exam", "SE1 7P", "07700900123"], ids=repr
)
def test_the_cut_never_keeps_half_a_number_or_address(tail):
    body = "x" * (inbound.MAX_BODY - 6) + " " + tail + " and more words after the cut"
    kept = inbound.within_twilio_limit(body)
    assert len(kept) <= inbound.MAX_BODY
    assert tail[:4] not in kept.removeprefix("x" * (inbound.MAX_BODY - 6))


def test_a_short_code_message_that_cannot_be_checked_is_still_kept(send_sms, monkeypatch):
    def broken(message, context, stages):
        raise RuntimeError("a bug in the safeguarding check")

    monkeypatch.setattr(inbound, "route", broken)
    assert replies_of(send_sms("hello", from_="85258")) == []
    assert db.session.scalars(select(InboundMessage.body_redacted)).one() == "hello"


def test_a_megabyte_body_is_cut_like_any_long_one(send_sms):
    response = send_sms("I need help " * 90_000, sid="SMhuge")
    assert replies_of(response)
    stored = db.session.scalars(select(InboundMessage.body_redacted)).one()
    assert stored.startswith("I need help I need help") and stored.endswith(inbound.CUT)
    assert len(stored) <= inbound.MAX_BODY + len(inbound.CUT)


def test_the_reasons_an_alert_gives_keep_no_number_in_clear(send_sms):
    """A rule's "..." can take in any word the young person typed, a number among them."""
    send_sms("i took 07700900123 whole packet of pills")
    alert = db.session.scalars(select(Alert)).one()
    assert alert.matched and "07700900123" not in " ".join(alert.matched)
    assert "[phone]" in " ".join(alert.matched)
