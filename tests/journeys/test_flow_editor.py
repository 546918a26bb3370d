"""A Changemaker writes a step in the flow editor with and without JavaScript: the form shows
only what each kind of step uses, an option and the step it leads to are made in one go, an
option word that is a keyword is named with what would happen, and Try it answers as the live
phone simulator does. Every page is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser

WELCOME = "Hi, it's Changemakers. Reply 1 for tips or 2 for someone to talk to."
TIPS_REPLY = "Staying safe online: keep your accounts private"  # the demo's TIPS fixed reply


def click(journey: Journey, role: str, name: str) -> None:
    journey.click(journey.page.get_by_role(role, name=name).first)


def last_reply(page) -> str:
    text = page.locator(".bubble--received").last.text_content() or ""
    return re.sub(r"^\s*Reply:\s*", "", text).strip()


def test_a_changemaker_writes_a_question_with_and_without_javascript(journey):
    changemaker = journey()
    changemaker.sign_in("changemaker")
    page = changemaker.page
    click(changemaker, "link", "Message flows")
    page.get_by_label("Name").fill("Exam worries")
    page.get_by_label("Keyword").fill("examworry")
    click(changemaker, "button", "Create flow")
    flow_url = page.url

    # With JavaScript, the fields change with the kind of step.
    click(changemaker, "link", "Change the step Hi, it's Changemakers.")
    expect(page.get_by_role("button", name="Show the fields for this kind")).to_be_hidden()
    expect(page.get_by_label("Then goes to")).to_be_visible()
    expect(page.locator("#options-0-label")).to_be_hidden()
    page.get_by_label("What this step does").select_option("question")
    expect(page.locator("#options-0-label")).to_be_visible()
    expect(page.get_by_label("Then goes to")).to_be_hidden()
    changemaker.check()

    # The message as the phone shows it, counted as sent.
    message = page.get_by_label("Message", exact=True)
    message.fill("If you need help now, text {shout}.")
    expect(page.locator("[data-read-as]")).to_have_text(
        "If you need help now, text text SHOUT to 85258."
    )
    expect(page.locator("[data-sms-length]")).to_contain_text("47 characters")
    message.fill(WELCOME)
    page.locator("#options-0-label").fill("Tips")
    page.locator("#options-0-next").select_option("goodbye")
    page.locator("#options-1-label").fill("Someone to talk to")
    page.locator("#options-1-next").select_option("goodbye")
    click(changemaker, "button", "Save step")
    expect(page.get_by_text("Saved the step “Hi, it's Changemakers. Reply 1 for")).to_be_visible()
    expect(
        page.get_by_text(
            "the option word 'Tips' is also the keyword TIPS, so a young person texting it "
            "mid-flow gets the TIPS reply"
        )
    ).to_be_visible()

    # An option and the new step it leads to, in one go.
    click(changemaker, "link", "Change the step Hi, it's Changemakers.")
    form = page.locator("#new-option")
    form.get_by_label("Option", exact=True).fill("Breathing")
    form.get_by_label("First words of the step it leads to").fill("Breathe in for 4, out for 6.")
    form.get_by_label("What that step does").select_option("end")
    click(changemaker, "button", "Add the option and its step")
    expect(page.get_by_role("heading", name="Step: Breathe in for 4, out for 6.")).to_be_visible()
    expect(page.get_by_text("The option “Breathing” now leads to this new step")).to_be_visible()
    new_step_url = page.url

    # Try it answers the clash as the live service does: the TIPS reply, not the option.
    changemaker.open(flow_url)
    click(changemaker, "link", "Try it")
    for body in ("EXAMWORRY", "tips"):
        page.get_by_role("textbox", name="Message").fill(body)
        click(changemaker, "button", "Send")
    tried = last_reply(page)
    assert tried.startswith(TIPS_REPLY), tried
    changemaker.open("/sms/simulator")
    page.get_by_label("Message", exact=True).fill("tips")
    click(changemaker, "button", "Send")
    assert last_reply(page) == tried

    # Without JavaScript: a button shows the fields of the kind chosen, and saving does too.
    plain = journey(javascript=False)
    plain.sign_in("changemaker")
    page = plain.page
    plain.open(new_step_url)
    expect(page.get_by_label("Then goes to")).to_be_hidden()
    page.get_by_label("What this step does").select_option("message")
    click(plain, "button", "Show the fields for this kind")
    expect(page.get_by_label("Then goes to")).to_be_visible()
    expect(page.get_by_label("Wait before the next message")).to_be_hidden()
    page.get_by_label("What this step does").select_option("follow_up")
    click(plain, "button", "Save step")
    expect(page.get_by_text("Now fill in what this kind of step needs.")).to_be_visible()
    expect(page.get_by_label("Wait before the next message")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_be_hidden()
    assert page.url == new_step_url

    # On a phone the flow's picture scrolls sideways, and the keyboard can reach it to scroll.
    on_phone = journey(viewport=PHONE)
    on_phone.sign_in("changemaker")
    on_phone.open(flow_url)
    picture = on_phone.page.get_by_role("figure", name="Picture of the flow")
    picture.focus()
    expect(picture).to_be_focused()
