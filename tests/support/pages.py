"""Reading staff pages as a person sees them: the home page, and the menu's links."""

from __future__ import annotations

import html
import re

from flask import Flask

from changemakers.accounts.models import StaffUser
from tests.support.web import sign_in


def home_of(app: Flask, person: StaffUser) -> str:
    """The home page as ``person`` sees it, in a browser of their own (text unescaped)."""
    browser = app.test_client()
    assert sign_in(browser, person.email).status_code == 302
    return html.unescape(browser.get("/").get_data(as_text=True))


def menu_link(page: str, label: str) -> str:
    """The text of the menu's link to ``label``, its count included: "Surveys (1 to review)"."""
    menu = page[page.index('<nav aria-label="Main"') : page.index("</nav>")]
    found = re.search(rf">({re.escape(label)}[^<]*(?:<span[^>]*>[^<]*</span>)?)</a>", menu)
    assert found, f"no {label!r} in the menu"
    return re.sub(r"<[^>]+>", "", found.group(1))
