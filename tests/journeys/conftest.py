"""Journeys through the demo as its people take them, in Debian's Chromium, with every page
checked by axe-core against WCAG 2.2 A and AA.

The server is the demo, started as the README starts it (``changemakers demo``) in a fresh
instance folder, with the staff passwords it prints. axe-core comes from PyPI, with the test
extra (``tests/accessibility.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from changemakers.config import SETTINGS
from tests.support import accessibility
from tests.support.servers import free_port, wait_until_answering

# The console script beside the interpreter running the tests: .venv/bin/changemakers.
DEMO_COMMAND = Path(sys.executable).with_name("changemakers")
# "  reviewer     reviewer@demo.changemakers.invalid       Abc123-Def456-Ghi789"
ACCOUNT_LINE = re.compile(r"^\s+(?P<role>[a-z]+)\s+(?P<email>\S+@\S+)\s+(?P<password>\S+)\s*$")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class StaffAccount:
    email: str
    password: str


@dataclass(frozen=True)
class DemoServer:
    """``changemakers demo`` in its own process, with the staff accounts it printed."""

    url: str
    instance: Path
    accounts: dict[str, StaffAccount]
    log: Path

    def account(self, role: str) -> StaffAccount:
        return self.accounts[role]


def demo_environment(instance: Path) -> dict[str, str]:
    """This environment without any of the service's settings, so the demo's defaults apply,
    with its own instance folder."""
    names = {setting.name for setting in SETTINGS}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(INSTANCE_PATH=str(instance), PYTHONUNBUFFERED="1")
    env["SURVEY_SECONDS_PER_QUESTION"] = "0"  # a journey answers at a machine's pace
    env["QUIET_HOURS"] = "00:00-00:00"  # none: a broadcast arrives whatever time the tests run
    return env


def printed_accounts(output: str) -> dict[str, StaffAccount]:
    """The staff accounts and passwords the demo prints once, when it makes them."""
    accounts = {}
    _, _, listing = output.partition("Demo staff accounts:")
    for line in listing.splitlines():
        match = ACCOUNT_LINE.match(line)
        if match:
            accounts[match["role"]] = StaffAccount(match["email"], match["password"])
    return accounts


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core as the axe-playwright-python package installs it."""
    return accessibility.axe_script()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo, started as the README starts it, in a fresh instance folder."""
    if not DEMO_COMMAND.exists():
        pytest.fail(f"no {DEMO_COMMAND}: install the service (pip install -e .) first")
    base = tmp_path_factory.mktemp("demo")
    instance = base / "instance"
    log = base / "demo.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(DEMO_COMMAND), "demo", "--host", "127.0.0.1", "--port", str(port)],
            cwd=base,
            env=demo_environment(instance),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(url + "/healthz", server, log)
        accounts = printed_accounts(log.read_text(errors="replace"))
        assert set(accounts) == {"admin", "reviewer", "changemaker", "board"}, log.read_text()
        yield DemoServer(url, instance, accounts, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class AccessibilityCheck:
    """axe-core on each page a journey visits (``Journey.open``, ``click`` and ``press`` call it
    on the page they load); a page the journey never checked fails it at the end."""

    page: Any
    script: Path
    # For a browser without JavaScript: a page with it, where axe-core reads the same HTML.
    mirror: Any = None
    checked: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.unchecked.append(frame.url)

    def __call__(self) -> None:
        """Run axe on the page as it is now; fail on any violation, naming each."""
        target = self.page
        if self.mirror is not None:
            # The page as this browser has it, without its scripts, on the same site (so that
            # its styles load): axe-core needs JavaScript that this browser does not run.
            self.page.wait_for_load_state()
            html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S)
            self.mirror.goto("/healthz")
            self.mirror.set_content(html)
            target = self.mirror
        violations = accessibility.violations(target, self.script)
        self.unchecked.clear()
        self.checked.append(self.page.url)
        if violations:
            pytest.fail(
                accessibility.describe_violations(self.page.url, self.page.title(), violations)
            )


@dataclass
class Journey:
    """A person's own browser (context) on the demo, with axe-core checking each page."""

    page: Any
    check: AccessibilityCheck
    demo: DemoServer

    def open(self, path: str) -> None:
        """Go to an address, as if typed or bookmarked, and check the page."""
        self.page.goto(path)
        self.check()

    def click(self, target: Any) -> None:
        """Click a link or button (a Playwright locator) that loads a page, and check that page."""
        with self.page.expect_navigation():
            target.click()
        self.check()

    def press(self, key: str) -> None:
        """Press a key that loads a page (Enter on a button), and check that page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.check()

    def sign_in(self, role: str) -> None:
        """Sign in with the demo account of ``role`` from the staff sign-in page."""
        account = self.demo.account(role)
        self.open("/login")
        self.page.get_by_label("Email address").fill(account.email)
        self.page.get_by_label("Password").fill(account.password)
        self.click(self.page.get_by_role("button", name="Sign in"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so a fixture can tell whether the test passed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def journey(
    request: pytest.FixtureRequest, axe_script: Path, browser: Any, demo: DemoServer
) -> Iterator[Callable[..., Journey]]:
    """Open a fresh browser on the demo: ``journey(viewport=PHONE)``; ``javascript=False``
    for a browser without it (axe-core then checks its pages' HTML in a page with it)."""
    contexts = []
    checks: list[AccessibilityCheck] = []

    def open_journey(viewport: dict[str, int] | None = None, javascript: bool = True) -> Journey:
        context = browser.new_context(
            base_url=demo.url,
            viewport=viewport or LAPTOP,
            locale="en-GB",
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        mirror = None
        if not javascript:
            mirror_context = browser.new_context(
                base_url=demo.url, viewport=viewport or LAPTOP, locale="en-GB"
            )
            contexts.append(mirror_context)
            mirror = mirror_context.new_page()
        check = AccessibilityCheck(page, axe_script, mirror)
        checks.append(check)
        return Journey(page, check, demo)

    yield open_journey
    for context in contexts:
        context.close()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.passed:
        unchecked = [url for check in checks for url in check.unchecked]
        assert not unchecked, f"pages the journey visited but never checked with axe: {unchecked}"
