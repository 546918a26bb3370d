"""WhatsApp's rules as plain Python: addresses, the 24-hour window, templates and buttons."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from messages import whatsapp
from tests.support.sms import NOON

STAFF_REPLY_SID = "HX" + "1" * 32
QUICK_REPLY_SID = "HX" + "2" * 32
TEMPLATES = whatsapp.Templates({"staff_reply": STAFF_REPLY_SID}, {2: QUICK_REPLY_SID})


@pytest.mark.parametrize(
    ("sender", "channel", "number"),
    [
        ("whatsapp:+447700900123", "whatsapp", "+447700900123"),
        ("WhatsApp:+447700900123", "whatsapp", "+447700900123"),
        (" whatsapp: +447700900123 ", "whatsapp", "+447700900123"),
        ("+447700900123", "sms", "+447700900123"),
        ("07700 900123", "sms", "07700 900123"),
    ],
)
def test_a_sender_is_split_into_its_channel_and_number(sender, channel, number):
    assert whatsapp.split_address(sender) == (channel, number)


def test_a_number_is_addressed_once_on_whatsapp():
    assert whatsapp.address("+447700900123") == "whatsapp:+447700900123"
    assert whatsapp.address("whatsapp:+447700900123") == "whatsapp:+447700900123"


def test_the_window_lasts_24_hours_from_their_last_whatsapp_message():
    seen = NOON - timedelta(hours=23, minutes=59)
    assert whatsapp.inside_window(seen, NOON)
    assert not whatsapp.inside_window(NOON - timedelta(hours=24), NOON)
    assert not whatsapp.inside_window(None, NOON)
    assert whatsapp.window_ends(seen) == seen + timedelta(hours=24)


def test_sms_goes_as_sms_whatever_the_window():
    plan = whatsapp.plan("sms", None, NOON, "follow_up", "Hi", TEMPLATES)
    assert plan == whatsapp.Plan("sms")


def test_inside_the_window_a_message_goes_free_form():
    plan = whatsapp.plan("whatsapp", NOON - timedelta(hours=1), NOON, "follow_up", "Hi", TEMPLATES)
    assert plan == whatsapp.Plan("whatsapp")


def test_outside_the_window_a_purpose_with_a_template_goes_as_that_template():
    plan = whatsapp.plan(
        "whatsapp", NOON - timedelta(days=2), NOON, "staff_reply", "We're here.", TEMPLATES
    )
    assert plan.content_sid == STAFF_REPLY_SID
    assert json.loads(plan.content_variables or "") == {"1": "We're here."}
    assert not plan.unsendable


@pytest.mark.parametrize("purpose", ["follow_up", "broadcast"])
def test_outside_the_window_a_purpose_without_a_template_cannot_go(purpose):
    plan = whatsapp.plan("whatsapp", None, NOON, purpose, "Hi", TEMPLATES)
    assert plan.unsendable


def test_buttons_go_inside_the_window_as_the_quick_reply_template():
    seen = NOON - timedelta(minutes=1)
    plan = whatsapp.plan("whatsapp", seen, NOON, "buttons", "", TEMPLATES, ("Tips", "Later"))
    assert plan.content_sid == QUICK_REPLY_SID
    assert json.loads(plan.content_variables or "") == {"1": "Tips", "2": "Later"}


def test_buttons_never_go_outside_the_window_nor_by_sms():
    choices = ("Tips", "Later")
    assert whatsapp.plan("whatsapp", None, NOON, "buttons", "", TEMPLATES, choices).unsendable
    assert whatsapp.plan("sms", NOON, NOON, "buttons", "", TEMPLATES, choices).unsendable


def test_buttons_are_offered_only_when_a_template_has_room_for_exactly_them():
    assert whatsapp.buttons_for(("Tips", "Later"), TEMPLATES) == ("Tips", "Later")
    assert whatsapp.buttons_for(("A", "B", "C"), TEMPLATES) == ()
    assert whatsapp.buttons_for(("A",), TEMPLATES) == ()
    many = whatsapp.Templates({}, {2: QUICK_REPLY_SID, 3: QUICK_REPLY_SID})
    assert whatsapp.buttons_for(("A", "B", "C", "D"), many) == ()


def test_a_long_label_is_shortened_to_fit_a_button():
    title = whatsapp.button_title("Talk to someone about it now")
    assert len(title) == whatsapp.MAX_BUTTON_TITLE
    assert title.endswith("…")
    assert whatsapp.button_title("  Tips  ") == "Tips"


def test_a_tapped_button_stands_for_its_number():
    assert whatsapp.answer_text("Later", "2") == "2"
    assert whatsapp.answer_text("2 please", "") == "2 please"
