"""The soak's traffic, over real HTTP on loopback: signed webhooks and status callbacks sent
again until answered, web survey respondents, a board member reading findings, and broadcasts."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Coroutine
from typing import Any

import requests
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator

from bench.common import post
from bench.soak_parts.measures import (
    EXPECTED,
    GIVE_UP_AFTER,
    MAX_RETRY_AFTER,
    RETRY_AFTER,
    TWILIO_TIMEOUT,
    Clock,
    Tally,
)
from bench.soak_parts.service import BOARD_EMAIL, BOARD_PASSWORD, Run
from bench.survey import ANSWERS, CSRF
from bench.webhook import Traffic
from tests.support.sms import SERVICE_NUMBER, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from tests.support.twilio_double import FakeTwilio

BOARD_PAGES = [
    "/findings",
    "/findings/what-matters",
    "/findings/what-matters?group=age:14 to 15",
    "/findings/what-matters/report",
    "/findings/flows",
]
LOGIN_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class Browser(requests.Session):
    """A session that sends its cookie back over plain http too: the app's session cookie is
    marked Secure (production sits behind https), and this benchmark runs on loopback."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(*args, **kwargs)
        for cookie in response.cookies:
            self.headers["Cookie"] = f"{cookie.name}={cookie.value}"
        return response


class Webhooks:
    """Signed webhooks and status callbacks over raw HTTP, sent again until answered."""

    def __init__(
        self, base: str, tally: Tally, clock: Clock, give_up: float = GIVE_UP_AFTER
    ) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.tally = tally
        self.clock = clock
        self.give_up = give_up
        self.lost: list[str] = []
        self.tasks: set[asyncio.Task[bool]] = set()

    def spawn(self, sending: Coroutine[Any, Any, bool]) -> None:
        """Send in the background; ``drain`` waits for everything sent so."""
        task = asyncio.create_task(sending)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def deliver(
        self,
        kind: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
        scheduled: float,
        name: str,
        answered: set[str] | None = None,
    ) -> bool:
        """POST until the expected answer; latency counts from the scheduled time (open loop).
        ``name`` goes into ``answered`` when it is answered; into ``lost`` if never."""
        first = scheduled
        started = scheduled
        tries = 0
        while True:
            status: int | None = None
            try:
                status = await asyncio.wait_for(
                    post(self.host, self.port, path, body, headers), TWILIO_TIMEOUT
                )
            except TimeoutError:
                self.tally.fail(kind, started, self.clock.now(), "timeout")
            except (OSError, IndexError, ValueError):
                self.tally.fail(kind, started, self.clock.now(), "no answer")
            else:
                ended = self.clock.now()
                self.tally.record(kind, started, ended, status, ended - started)
                if status in EXPECTED[kind]:
                    if answered is not None:
                        answered.add(name)
                    return True
                if status < 500:
                    self.lost.append(f"{kind} {name}: answered {status}")
                    return False  # Twilio would not send it again
            if self.clock.now() - first > self.give_up:
                self.lost.append(f"{kind} {name}: unanswered after {self.give_up:.0f} s")
                return False
            await asyncio.sleep(min(RETRY_AFTER * 2**tries, MAX_RETRY_AFTER))
            tries += 1
            started = self.clock.now()

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


class StatusCallbacks:
    """Twilio's status callbacks for what the test double took: ``sent`` then ``delivered``."""

    def __init__(self, fake: FakeTwilio, webhooks: Webhooks, rate: float) -> None:
        self.fake = fake
        self.webhooks = webhooks
        self.rate = rate
        self.validator = RequestValidator(TWILIO_AUTH_TOKEN)
        self.seen = 0
        self.waiting: deque[tuple[str, str, str]] = deque()  # callback URL, sid, to
        self.delivered: set[str] = set()  # outbox ids whose callbacks were both answered
        self.posted = 0

    def collect(self) -> None:
        with self.fake.lock:
            new = self.fake.messages[self.seen :]
            self.seen += len(new)
            taken = [
                (m.status_callback, m.sid, m.to)
                for m in new
                if m.direction == "outbound-api" and m.status_callback
            ]
        self.waiting.extend(taken)

    async def run(self, until: asyncio.Event) -> None:
        """Post at ``rate`` callbacks a second while there are any, until ``until`` is set and
        none is left."""
        interval = 2 / self.rate  # each message has two callbacks
        next_at = time.monotonic()
        while True:
            self.collect()
            if not self.waiting:
                if until.is_set():
                    return
                await asyncio.sleep(0.2)
                next_at = time.monotonic()
                continue
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += interval
            self.webhooks.spawn(self.callbacks(*self.waiting.popleft()))

    async def callbacks(self, url: str, sid: str, to: str) -> bool:
        parsed = urllib.parse.urlsplit(url)
        path = parsed.path + "?" + parsed.query
        outbox_id = urllib.parse.parse_qs(parsed.query)["outbox"][0]
        common = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": TWILIO_ACCOUNT_SID,
            "From": SERVICE_NUMBER,
            "To": to,
            "ApiVersion": "2010-04-01",
        }
        for status in ("sent", "delivered"):
            form = {**common, "MessageStatus": status, "SmsStatus": status}
            headers = {"X-Twilio-Signature": self.validator.compute_signature(url, form)}
            body = urllib.parse.urlencode(form).encode()
            clock = self.webhooks.clock
            if not await self.webhooks.deliver("status", path, body, headers, clock.now(), sid):
                return False
            self.posted += 1
        self.delivered.add(outbox_id)
        return True


class Board:
    """A board member, signed in, reading the findings pages."""

    def __init__(self, base: str, tally: Tally, clock: Clock) -> None:
        self.base = base
        self.tally = tally
        self.clock = clock
        self.browser = Browser()
        self.viewed = 0
        self.sign_ins = 0

    def get(self, path: str) -> requests.Response | None:
        started = self.clock.now()
        try:
            response = self.browser.get(self.base + path, timeout=30, allow_redirects=False)
        except requests.RequestException:
            self.tally.fail("board", started, self.clock.now(), "no answer")
            return None
        ended = self.clock.now()
        self.tally.record("board", started, ended, response.status_code, ended - started)
        return response

    def sign_in(self) -> bool:
        try:
            page = self.browser.get(self.base + "/login", timeout=30)
            token = LOGIN_CSRF.search(page.text)
            if token is None:
                return False
            form = {"csrf_token": token.group(1), "email": BOARD_EMAIL, "password": BOARD_PASSWORD}
            answer = self.browser.post(
                self.base + "/login", data=form, timeout=30, allow_redirects=False
            )
        except requests.RequestException:
            return False
        self.sign_ins += 1
        return answer.status_code == 302

    def read(self, deadline: float, rate: float) -> None:
        while not self.sign_in():
            if self.clock.now() >= deadline:
                return
            time.sleep(1)
        next_at = self.clock.now()
        n = 0
        while self.clock.now() < deadline:
            delay = next_at - self.clock.now()
            if delay > 0:
                time.sleep(delay)
            next_at = max(next_at + 1 / rate, self.clock.now())  # no catching up in a burst
            response = self.get(BOARD_PAGES[n % len(BOARD_PAGES)])
            n += 1
            if response is None:
                continue
            if response.status_code == 200:
                self.viewed += 1
            elif response.status_code == 302 and "/login" in response.headers.get("Location", ""):
                self.sign_in()


class RecordingBrowser(Browser):
    """A respondent's browser that records the time and status of each page."""

    def __init__(self, tally: Tally, clock: Clock) -> None:
        super().__init__()
        self.tally = tally
        self.clock = clock

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        started = self.clock.now()
        try:
            response = super().request(*args, **kwargs)
        except requests.RequestException:
            self.tally.fail("survey", started, self.clock.now(), "no answer")
            raise
        ended = self.clock.now()
        self.tally.record("survey", started, ended, response.status_code, ended - started)
        return response


class Abandoned(Exception):
    """The respondent gave up on this go (a page did not come)."""


class Respondents:
    """Young people answering the web survey, each with an address of their own."""

    def __init__(self, base: str, tally: Tally, clock: Clock, think: float) -> None:
        self.url = f"{base}/s/what-matters"
        self.tally = tally
        self.clock = clock
        self.think = think
        self.lock = threading.Lock()
        self.completed = 0
        self.abandoned = 0
        self.unsure = 0  # sends that went unanswered: the response may have been stored
        self.started = 0

    def expect(self, response: requests.Response, status: int) -> requests.Response:
        if response.status_code != status:
            raise Abandoned(str(response.status_code))
        return response

    def answer(self, address: str) -> None:
        browser = RecordingBrowser(self.tally, self.clock)
        browser.headers["X-Forwarded-For"] = address
        with browser:
            page = self.expect(browser.get(self.url, timeout=30), 200)
            found = CSRF.search(page.text)
            if found is None:
                raise Abandoned("no form")
            token = found.group(1)
            form: dict[str, object] = {"csrf_token": token, "action": "start"}
            response = self.expect(
                browser.post(self.url, data=form, timeout=30, allow_redirects=False), 302
            )
            while "q=check" not in response.headers.get("Location", ""):
                question = response.headers["Location"].split("q=")[1]
                time.sleep(self.think)
                self.expect(browser.get(f"{self.url}?q={question}", timeout=30), 200)
                form = {"csrf_token": token, "q": question, "answer": ANSWERS[question]}
                response = self.expect(
                    browser.post(self.url, data=form, timeout=30, allow_redirects=False), 302
                )
            time.sleep(self.think)
            self.expect(browser.get(f"{self.url}?q=check", timeout=30), 200)
            time.sleep(self.think)
            self.send(browser, token)

    def send(self, browser: Browser, token: str) -> None:
        """Press send until the thank-you page comes (again after an error, as a person would)."""
        first = self.clock.now()
        while True:
            try:
                sent = browser.post(
                    self.url, data={"csrf_token": token, "action": "send"}, timeout=30
                )
            except requests.RequestException:
                sent = None
            if sent is not None and sent.status_code == 200:
                if "Thank you" in sent.text and "already answered" not in sent.text:
                    with self.lock:
                        self.completed += 1
                    return
                raise Abandoned("no thank-you page")
            if sent is not None and sent.status_code < 500:
                raise Abandoned(str(sent.status_code))
            with self.lock:
                self.unsure += 1
            if self.clock.now() - first > GIVE_UP_AFTER:
                raise Abandoned("send never answered")
            time.sleep(RETRY_AFTER)

    def run(self, n: int, deadline: float) -> None:
        go = 0
        while self.clock.now() < deadline:
            go += 1
            with self.lock:
                self.started += 1
            try:
                self.answer(f"10.{n % 250}.{go // 250 % 250}.{go % 250 + 1}")
            except (Abandoned, requests.RequestException, KeyError, IndexError):
                with self.lock:
                    self.abandoned += 1
                time.sleep(RETRY_AFTER)


class Broadcaster:
    """A broadcast to everyone who asked for updates, every so often, as the broadcast pages
    leave one approved and sent."""

    def __init__(self, engine: Engine, every: float, clock: Clock) -> None:
        self.engine = engine
        self.every = every
        self.clock = clock
        self.made = 0

    def run(self, deadline: float) -> None:
        next_at = self.clock.now()
        while True:
            delay = next_at - self.clock.now()
            if delay > 0:
                time.sleep(delay)
            if self.clock.now() >= deadline:
                return
            next_at += self.every
            body = (
                f"News from Changemakers (no. {self.made + 1}): the board read your answers "
                "this week. Thank you! Text UPDATES OFF to stop these."
            )
            while self.clock.now() < deadline:
                try:
                    with self.engine.begin() as connection:
                        connection.execute(
                            text(
                                "INSERT INTO broadcasts (body, status, created_at, approved_at,"
                                " send_requested_at, enqueued_through, recipients) VALUES"
                                " (:body, 'sending', now(), now(), now(), 0, 0)"
                            ),
                            {"body": body},
                        )
                    self.made += 1
                    break
                except SQLAlchemyError:
                    time.sleep(RETRY_AFTER)  # PostgreSQL is restarting


async def subscribe(run: Run, traffic: Traffic) -> list[str]:
    """Young people who text UPDATES, before the clock starts (not counted in the figures);
    what went wrong, if anything."""
    webhooks = Webhooks(run.base, Tally(), run.clock, give_up=60)
    validator = RequestValidator(TWILIO_AUTH_TOKEN)
    for n in range(run.args.subscribers):
        form = {
            "MessageSid": f"SMupdates{n:023d}",
            "AccountSid": TWILIO_ACCOUNT_SID,
            "From": f"+4475{n:08d}",
            "To": SERVICE_NUMBER,
            "Body": "UPDATES",
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(traffic.url, form)}
        body = urllib.parse.urlencode(form).encode()
        sid = form["MessageSid"]
        webhooks.spawn(
            webhooks.deliver(
                "inbound",
                "/sms/inbound",
                body,
                headers,
                run.clock.now(),
                sid,
                traffic.distinct_sids,
            )
        )
        if n % 20 == 19:
            await webhooks.drain()
            if webhooks.lost:
                raise SystemExit(f"the service does not answer: {webhooks.lost[0]}")
    await webhooks.drain()
    return webhooks.lost


async def traffic_loop(run: Run, traffic: Traffic, webhooks: Webhooks, seconds: float) -> None:
    messages = iter(traffic)
    rate = run.args.inbound_rate
    for n in range(int(rate * seconds)):
        scheduled = n / rate
        delay = scheduled - run.clock.now()
        if delay > 0:
            await asyncio.sleep(delay)
        body, headers, sid = next(messages)
        webhooks.spawn(
            webhooks.deliver(
                "inbound", "/sms/inbound", body, headers, scheduled, sid, traffic.distinct_sids
            )
        )
