"""Signing in and role checks, as a person does it in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from changemakers.accounts.models import Role
from tests.support.web import TEST_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, email, password=TEST_PASSWORD):
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_sign_in_and_out(page, live_server):
    sign_in(page, live_server.staff_email(Role.REVIEWER))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Hello")).to_be_visible()
    expect(page.get_by_text("You are signed in as reviewer@example.org")).to_be_visible()
    sign_out(page)
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_refused_sign_in_shows_the_error_summary_with_focus(page, live_server):
    sign_in(page, live_server.staff_email(Role.BOARD), password="not my password")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in – Changemakers")
    # The summary links to the field, and the field says what is wrong beside it.
    summary.get_by_role("link", name="Email address or password is not right").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page.locator("#email-error")).to_contain_text("Email address or password is not right")


def test_a_page_for_another_role_is_refused(page, live_server):
    sign_in(page, live_server.staff_email(Role.BOARD))
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    expect(page.get_by_role("link", name="Staff accounts")).to_have_count(0)


def test_asking_for_a_page_signs_you_in_and_takes_you_there(page, live_server):
    page.goto("/admin/audit/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill(live_server.staff_email(Role.ADMIN))
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, live_server):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()


def test_admin_invites_a_changemaker_who_chooses_a_password(page, live_server, browser):
    sign_in(page, live_server.staff_email(Role.ADMIN))
    page.get_by_role("link", name="Staff accounts").first.click()
    page.get_by_role("link", name="Add someone").click()
    page.get_by_label("Email address").fill("new.changemaker@example.org")
    page.get_by_label(re.compile("^Changemaker")).check()
    page.get_by_role("button", name="Create account").click()
    link = page.get_by_label("Link").input_value()
    assert "/account/setup?token=" in link

    invited = browser.new_context().new_page()
    invited.goto(link)
    invited.get_by_label("New password", exact=True).fill("a long new password")
    invited.get_by_label("Confirm new password").fill("a long new password")
    invited.get_by_role("button", name="Save password and sign in").click()
    expect(invited.get_by_text("Your password is set and you are signed in.")).to_be_visible()
    expect(invited.get_by_text("changemaker", exact=False).first).to_be_visible()
    invited.context.close()
