"""Soak benchmark: the whole service under mixed traffic, through restarts of each part.

Steady traffic for a long while, through a web process killed, the outbox worker restarted and
PostgreSQL restarted.

    python bench/soak.py [--minutes 30] [--postgres-url postgresql+psycopg://…/postgres]
                         [--restart-postgres "COMMAND"]

Serves the app as it runs for real, on PostgreSQL (its own database, ``changemakers_soak``):
``changemakers db upgrade``, the demo content (``changemakers demo --no-serve``), a board member
(``changemakers users create``), ``changemakers serve --workers 2`` and one
``changemakers worker`` sending through the test double of Twilio's REST API
(``bench/fake_twilio.py``), with ``PUBLIC_BASE_URL`` set so signed webhooks validate. Before the
clock starts, ``--subscribers`` young people text UPDATES. Then, over real HTTP on loopback:

- inbound SMS, signed, at ``--inbound-rate`` (open loop: the demo's keywords, flow and SMS
  survey replies, 10 % repeated MessageSids, as ``bench/webhook.py`` sends them);
- a broadcast to the subscribers every ``--broadcast-every`` seconds (written as the broadcast
  pages leave one that is approved and sent), which the worker sends through the test double;
- signed status callbacks, ``sent`` then ``delivered``, for each message the double took, at
  ``--status-rate``;
- ``--respondents`` young people answering the web survey "What matters to you?" one after
  another, a page every ``--think`` seconds;
- a signed-in board member reading the findings pages at ``--board-rate`` pages a second.

A webhook or callback that gets an error or no answer (none within Twilio's 15 s) is sent
again a second later, then after 2, 4 … 16 s, the same MessageSid with the same signature (as
Twilio's fallback and ``reconcile`` would bring it back), until it is answered.

At a third of the run, as soon as the outbox worker is in the middle of sending a broadcast, one
gunicorn worker is killed with SIGKILL (gunicorn starts another) and the outbox worker is killed
and started again (``--worker-stop term`` stops it cleanly instead): what it held is settled
from Twilio's records once its lease runs out. At two thirds PostgreSQL is restarted with
``--restart-postgres`` (run by the shell). Each restart window lasts from the event until the
service answers again, plus ``--grace`` seconds.

Prints the messages handled, status callbacks, surveys completed and board pages read; HTTP
errors by kind and status (and how many fell in the restart windows); p50/p99 latency per kind
(all answers, and outside the restart windows); each web process's and the outbox worker's
resident memory after the warm-up (a minute, or 10 % of a long run) and at the end, and the CPU
time each used. Then checks, and exits 1 naming each one that failed:

- every distinct MessageSid stored exactly once, and handled;
- every broadcast message sent exactly once (the double's record), none left unsent, and each
  one's delivery recorded from its callbacks;
- every completed web survey stored (once; twice only where a send went unanswered);
- no 5xx and no other unexpected answer outside the restart windows, no webhook answered later
  than Twilio's 15 s outside them;
- no process grew by more than ``--max-growth-mib`` MiB and ``--max-growth-percent`` % both;
- no web worker or outbox worker died by itself, and every restart came back.

``--minutes 3`` is the short version, fit for CI on a 2-core machine. The default rates (20
inbound SMS/s, 10 callbacks/s, 3 respondents, a board page a second) keep two web workers on
two cores at about half their capacity, so latencies measure the service, not a queue; raise
them with the options to find where it saturates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    app_environment,
    changemakers,
    completed_responses,
    percentile,
    post,
    workdir,
)
from bench.survey import ANSWERS, CSRF  # noqa: E402
from bench.webhook import Traffic, check_exactly_once  # noqa: E402
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.servers import free_port, server  # noqa: E402
from tests.support.sms import TWILIO_AUTH_TOKEN  # noqa: E402
from tests.support.twilio_double import FakeTwilio, running_fake_twilio  # noqa: E402

DATABASE = "changemakers_soak"
ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_RESTART = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart"
BOARD_EMAIL = "board.member@example.org"
BOARD_PASSWORD = "soak-board-member-password"
BOARD_PAGES = [
    "/findings",
    "/findings/what-matters",
    "/findings/what-matters?group=age:14 to 15",
    "/findings/what-matters/report",
    "/findings/flows",
]
TWILIO_TIMEOUT = 15.0  # Twilio waits this long for an answer, then calls the fallback URL
RETRY_AFTER = 1.0  # seconds before a failed webhook or callback is first sent again
MAX_RETRY_AFTER = 16.0  # doubling each time, up to this
GIVE_UP_AFTER = 300.0  # a message still unanswered after this long counts as lost
EXPECTED = {"inbound": {200}, "status": {204}, "survey": {200, 302}, "board": {200}}
KINDS = ("inbound", "status", "survey", "board")
MIB = 1024 * 1024
LOGIN_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
TICK = os.sysconf("SC_CLK_TCK")


class Browser(requests.Session):
    """A session that sends its cookie back over plain http too: the app's session cookie is
    marked Secure (production sits behind https), and this benchmark runs on loopback."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(*args, **kwargs)
        for cookie in response.cookies:
            self.headers["Cookie"] = f"{cookie.name}={cookie.value}"
        return response


class Clock:
    """Seconds since the traffic started (monotonic, shared by every thread)."""

    def __init__(self) -> None:
        self.zero = time.monotonic()

    def start(self) -> None:
        self.zero = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.zero


@dataclass
class Window:
    name: str
    start: float
    end: float = float("inf")

    def overlaps(self, started: float, ended: float) -> bool:
        return started <= self.end and ended >= self.start


@dataclass
class Failure:
    kind: str
    started: float
    ended: float
    outcome: str  # an HTTP status, "no answer" or "timeout"


class Tally:
    """Every answer of every kind: latencies of the expected ones, the rest as failures."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answered: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        self.statuses: dict[str, Counter[int]] = {kind: Counter() for kind in KINDS}
        self.failures: list[Failure] = []

    def record(self, kind: str, started: float, ended: float, status: int, latency: float) -> None:
        with self.lock:
            self.statuses[kind][status] += 1
            if status in EXPECTED[kind]:
                self.answered[kind].append((started, latency))
            else:
                self.failures.append(Failure(kind, started, ended, str(status)))

    def fail(self, kind: str, started: float, ended: float, outcome: str) -> None:
        with self.lock:
            self.failures.append(Failure(kind, started, ended, outcome))


# Processes and their memory ---------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time used so far, or None once the process has gone."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def rss(pid: int) -> int | None:
    """Resident memory in bytes, or None once the process has gone."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class Tracked:
    label: str
    pid: int
    born: float  # when it was first seen, on the soak's clock
    samples: list[tuple[float, int]] = field(default_factory=list)
    ended: float | None = None
    cpu_at_birth: float = 0.0
    cpu: float = 0.0  # seconds used since it was first seen (or since the traffic started)


class Memory:
    """Samples the resident memory of the web processes and the outbox worker."""

    def __init__(self, clock: Clock, warmup: float) -> None:
        self.clock = clock
        self.warmup = warmup
        self.lock = threading.Lock()
        self.tracked: dict[int, Tracked] = {}

    def track(self, label: str, pid: int) -> None:
        with self.lock:
            if pid not in self.tracked:
                process = Tracked(label, pid, max(self.clock.now(), 0.0))
                process.cpu_at_birth = cpu_seconds(pid) or 0.0
                self.tracked[pid] = process

    def sample(self) -> None:
        now = self.clock.now()
        with self.lock:
            for process in self.tracked.values():
                if process.ended is not None:
                    continue
                size, used = rss(process.pid), cpu_seconds(process.pid)
                if size is None or used is None:
                    process.ended = now
                else:
                    process.samples.append((now, size))
                    process.cpu = used - process.cpu_at_birth

    def born_now(self) -> None:
        """The processes already running count as born when the traffic starts."""
        with self.lock:
            for process in self.tracked.values():
                process.born = 0.0
                process.cpu_at_birth = cpu_seconds(process.pid) or 0.0

    def start_of(self, process: Tracked) -> tuple[float, int] | None:
        """The first sample after the process's warm-up."""
        after = process.born + self.warmup
        return next(((t, s) for t, s in process.samples if t >= after), None)


# Talking to the service -------------------------------------------------------------------


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
            "AccountSid": ACCOUNT_SID,
            "From": "+447700900000",
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


# The service ------------------------------------------------------------------------------


class OutboxWorker:
    def __init__(self, env: dict[str, str], log: Path, memory: Memory) -> None:
        self.env = env
        self.log = log
        self.memory = memory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "changemakers.cli", "worker"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        self.memory.track("outbox worker", self.process.pid)

    def stop(self, how: str = "term") -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gunicorn_master() -> int:
    """The ``changemakers serve`` process this soak started (gunicorn's arbiter)."""
    for pid in children_of(os.getpid()):
        if " serve " in command_line(pid) + " ":
            return pid
    raise SystemExit("cannot find the changemakers serve process")


def ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def create_board_member(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "changemakers.cli", "users", "create"]
        + ["--email", BOARD_EMAIL, "--role", "board", "--password-stdin"],
        env=env,
        input=BOARD_PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )


@dataclass
class Events:
    windows: list[Window] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def wait_for_sending(engine: Engine, timeout: float) -> int:
    """Wait (up to ``timeout``) until the outbox worker is in the middle of sending; how many
    messages it holds then."""
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM outbox WHERE status = 'sending'")
    while time.monotonic() < deadline:
        try:
            with engine.connect() as connection:
                sending = connection.execute(query).scalar_one()
        except SQLAlchemyError:
            sending = 0
        if sending:
            return sending
        time.sleep(0.02)
    return 0


def kill_web_worker_and_restart_outbox(
    master: int,
    web_workers: int,
    worker: OutboxWorker,
    how: str,
    memory: Memory,
    clock: Clock,
    grace: float,
    events: Events,
    engine: Engine,
    wait: float,
) -> None:
    """Kill a web worker and restart the outbox worker, when the latter is mid-batch (or
    after ``wait`` seconds if it never is)."""
    in_hand = wait_for_sending(engine, wait)
    window = Window("web worker killed, outbox worker restarted", clock.now())
    events.windows.append(window)
    before = children_of(master)
    if not before:
        events.problems.append("no gunicorn worker to kill")
        window.end = clock.now() + grace
        return
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    worker.stop(how)
    worker.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = children_of(master)
        if len(now) >= web_workers and victim not in now:
            break
        time.sleep(0.1)
    else:
        events.problems.append("gunicorn did not start a new worker within 60 s")
    for pid in children_of(master):
        memory.track("web worker", pid)
    window.end = clock.now() + grace
    events.notes.append(
        f"at {window.start:.0f} s: web worker {victim} killed (SIGKILL), outbox worker "
        f"{'killed (SIGKILL)' if how == 'kill' else 'stopped (SIGTERM)'} while sending "
        f"({in_hand} messages 'sending') and started again; gunicorn's new worker up in "
        f"{window.end - grace - window.start:.1f} s"
    )


def restart_postgres(command: str, base: str, clock: Clock, grace: float, events: Events) -> None:
    window = Window("PostgreSQL restarted", clock.now())
    events.windows.append(window)
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        events.problems.append(
            f"--restart-postgres failed ({done.returncode}): {(done.stderr or done.stdout).strip()}"
        )
    restarted = clock.now()
    deadline = time.monotonic() + 120
    while not ready(base) and time.monotonic() < deadline:
        time.sleep(0.1)
    back = clock.now()
    if not ready(base):
        events.problems.append("the service was not ready 120 s after PostgreSQL restarted")
    window.end = back + grace
    events.notes.append(
        f"at {window.start:.0f} s: PostgreSQL restarted (command took "
        f"{restarted - window.start:.1f} s, /readyz answered after {back - window.start:.1f} s)"
    )


# The run ----------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    base: str
    engine: Engine
    fake: FakeTwilio
    worker: OutboxWorker
    memory: Memory
    clock: Clock
    tally: Tally = field(default_factory=Tally)
    events: Events = field(default_factory=Events)


async def subscribe(run: Run, traffic: Traffic) -> list[str]:
    """Young people who text UPDATES, before the clock starts (not counted in the figures);
    what went wrong, if anything."""
    webhooks = Webhooks(run.base, Tally(), run.clock, give_up=60)
    validator = RequestValidator(TWILIO_AUTH_TOKEN)
    for n in range(run.args.subscribers):
        form = {
            "MessageSid": f"SMupdates{n:023d}",
            "AccountSid": ACCOUNT_SID,
            "From": f"+4475{n:08d}",
            "To": "+447700900000",
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


async def sampler(memory: Memory, master: int, until: asyncio.Event) -> None:
    """Every 5 s: the memory of each process, and any web worker gunicorn has started."""
    while not until.is_set():
        for pid in await asyncio.to_thread(children_of, master):
            memory.track("web worker", pid)
        await asyncio.to_thread(memory.sample)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), 5)


async def events_loop(run: Run, seconds: float, master: int) -> None:
    args = run.args
    await asyncio.sleep(max(seconds / 3 - run.clock.now(), 0))
    await asyncio.to_thread(
        kill_web_worker_and_restart_outbox,
        master,
        args.web_workers,
        run.worker,
        args.worker_stop,
        run.memory,
        run.clock,
        args.grace,
        run.events,
        run.engine,
        args.broadcast_every + 5,
    )
    await asyncio.sleep(max(2 * seconds / 3 - run.clock.now(), 0))
    await asyncio.to_thread(
        restart_postgres, args.restart_postgres, run.base, run.clock, args.grace, run.events
    )


def web_responses(engine: Engine) -> int:
    """Completed web survey responses stored (the demo's synthetic ones among them)."""
    with engine.connect() as connection:
        return completed_responses(connection, "web")


def outbox_settled(engine: Engine) -> tuple[int, int]:
    """(broadcasts still being written, due messages not yet settled)."""
    with engine.connect() as connection:
        writing = connection.execute(
            text("SELECT count(*) FROM broadcasts WHERE status = 'sending'")
        ).scalar_one()
        pending = connection.execute(
            text(
                "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending', 'unknown')"
                " AND due_at <= now()"
            )
        ).scalar_one()
    return writing, pending


def wait_for_outbox(engine: Engine, timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    left = (-1, -1)
    while time.monotonic() < deadline:
        try:
            left = outbox_settled(engine)
        except SQLAlchemyError:
            left = (-1, -1)
        if left == (0, 0):
            break
        time.sleep(1)
    return left


@dataclass
class Outcome:
    traffic: Traffic
    webhooks: Webhooks
    lost_at_setup: list[str]
    callbacks: StatusCallbacks
    respondents: Respondents
    board: Board
    broadcaster: Broadcaster
    outbox_left: tuple[int, int]
    surveys_before: int
    own_cpu: float  # seconds of CPU this load generator used during the traffic


async def soak(run: Run) -> Outcome:
    args = run.args
    seconds = args.minutes * 60
    traffic = Traffic(run.base + "/sms/inbound", seed=args.seed)
    lost_at_setup = await subscribe(run, traffic)
    print(f"{args.subscribers} young people texted UPDATES", flush=True)
    webhooks = Webhooks(run.base, run.tally, run.clock)

    master = gunicorn_master()
    for pid in children_of(master):
        run.memory.track("web worker", pid)
    callbacks = StatusCallbacks(run.fake, webhooks, args.status_rate)
    respondents = Respondents(run.base, run.tally, run.clock, args.think)
    board = Board(run.base, run.tally, run.clock)
    broadcaster = Broadcaster(run.engine, args.broadcast_every, run.clock)

    surveys_before = web_responses(run.engine)
    run.clock.start()
    run.memory.born_now()
    cpu_before = sum(os.times()[:2])
    stop_callbacks, stop_sampler = asyncio.Event(), asyncio.Event()
    background = [
        asyncio.create_task(callbacks.run(stop_callbacks)),
        asyncio.create_task(sampler(run.memory, master, stop_sampler)),
    ]
    threads = [threading.Thread(target=board.read, args=(seconds, args.board_rate), daemon=True)]
    threads += [
        threading.Thread(target=respondents.run, args=(n, seconds), daemon=True)
        for n in range(args.respondents)
    ]
    threads.append(threading.Thread(target=broadcaster.run, args=(seconds,), daemon=True))
    for thread in threads:
        thread.start()
    print(f"running for {args.minutes:g} min…", flush=True)
    await asyncio.gather(
        traffic_loop(run, traffic, webhooks, seconds), events_loop(run, seconds, master)
    )
    await asyncio.sleep(max(seconds - run.clock.now(), 0))
    await asyncio.to_thread(run.memory.sample)
    stop_sampler.set()
    own_cpu = sum(os.times()[:2]) - cpu_before
    web = [p for p in run.memory.tracked.values() if p.label == "web worker"]
    if len(web) > args.web_workers + 1:
        run.events.problems.append(
            f"gunicorn started {len(web) - args.web_workers - 1} web workers besides the one "
            "killed (a worker timed out or crashed: see app.log)"
        )
    if run.worker.process is None or run.worker.process.poll() is not None:
        run.events.problems.append("the outbox worker stopped by itself (see worker.log)")
    for thread in threads:
        await asyncio.to_thread(thread.join, 60)

    print("traffic stopped; waiting for the outbox and the status callbacks…", flush=True)
    left = await asyncio.to_thread(wait_for_outbox, run.engine, args.drain_timeout)
    stop_callbacks.set()
    await asyncio.gather(*background)
    await webhooks.drain()
    return Outcome(
        traffic,
        webhooks,
        lost_at_setup,
        callbacks,
        respondents,
        board,
        broadcaster,
        left,
        surveys_before,
        own_cpu,
    )


# Report -----------------------------------------------------------------------------------


def outbox_check(run: Run, subscribers: int, broadcasts: int, delivered: set[str]) -> list[str]:
    """Every broadcast message sent once, none left, each one's delivery recorded."""
    problems = []
    with run.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, status, provider_sid FROM outbox WHERE purpose = 'broadcast'")
        ).all()
        due_later = connection.execute(
            text("SELECT count(*) FROM outbox WHERE due_at > now()")
        ).scalar_one()
    with run.fake.lock:
        sent = [
            (m.sid, urllib.parse.parse_qs(urllib.parse.urlsplit(m.status_callback).query))
            for m in run.fake.messages
            if m.direction == "outbound-api" and m.status_callback
        ]
    per_id = Counter(query["outbox"][0] for _, query in sent)
    sid_of = {query["outbox"][0]: sid for sid, query in sent}
    by_status = Counter(row.status for row in rows)
    twice = [i for i, count in per_id.items() if count > 1]
    unknown = set(per_id) - {str(row.id) for row in rows}
    unsent = [row.id for row in rows if str(row.id) not in per_id]
    wrong_sid = [
        row.id
        for row in rows
        if str(row.id) in sid_of and row.provider_sid not in (None, sid_of[str(row.id)])
    ]
    undelivered = [row.id for row in rows if row.status != "delivered"]
    expected = subscribers * broadcasts
    print(
        f"  outbox: {broadcasts} broadcasts to {subscribers} subscribers = {expected} messages; "
        f"{len(rows)} written, statuses {dict(sorted(by_status.items()))}; the double took "
        f"{len(sent)} for {len(per_id)} outbox ids; {due_later} follow-ups due later"
    )
    if len(rows) != expected:
        problems.append(f"outbox: {len(rows)} broadcast messages written, {expected} expected")
    if twice:
        problems.append(f"outbox: {len(twice)} messages sent more than once (e.g. {twice[:5]})")
    if unknown:
        problems.append(f"outbox: the double took {len(unknown)} messages the outbox never had")
    if unsent:
        problems.append(f"outbox: {len(unsent)} messages never sent (e.g. {unsent[:5]})")
    if wrong_sid:
        problems.append(f"outbox: {len(wrong_sid)} messages record another MessageSid")
    if undelivered:
        problems.append(
            f"outbox: {len(undelivered)} messages not recorded as delivered after their "
            f"callbacks (e.g. {undelivered[:5]}; {len(delivered)} answered both callbacks)"
        )
    return problems


def report(run: Run, outcome: Outcome, logs: Path) -> list[str]:
    """Print the figures; the checks that failed, in words."""
    args = run.args
    tally = run.tally
    events = run.events
    traffic, webhooks, callbacks = outcome.traffic, outcome.webhooks, outcome.callbacks
    respondents, board, broadcaster = outcome.respondents, outcome.board, outcome.broadcaster
    problems = events.problems + outcome.lost_at_setup
    windows = events.windows

    def in_window(started: float, ended: float) -> bool:
        return any(w.overlaps(started, ended) for w in windows)

    print()
    print(
        f"soak: {args.minutes:g} min on PostgreSQL, gunicorn workers {args.web_workers}, one "
        f"outbox worker; inbound {args.inbound_rate:g}/s, status callbacks {args.status_rate:g}/s, "
        f"{args.respondents} survey respondents, board {args.board_rate:g} page/s"
    )
    for note in events.notes:
        print(f"  {note}")
    for window in windows:
        print(f"  restart window: {window.name}, {window.start:.1f}–{window.end:.1f} s")

    inbound_answers = sum(tally.statuses["inbound"][s] for s in EXPECTED["inbound"])
    print(
        f"messages handled: {len(traffic.distinct_sids)} distinct MessageSids "
        f"({inbound_answers} answers, repeats and retries included; {args.subscribers} "
        "UPDATES before the clock started)"
    )
    print(
        f"status callbacks: {callbacks.posted} answered for {len(callbacks.delivered)} messages "
        f"(broadcasts made: {broadcaster.made})"
    )
    print(
        f"surveys completed: {respondents.completed} of {respondents.started} started "
        f"({respondents.abandoned} abandoned, {respondents.unsure} sends unanswered)"
    )
    print(f"board pages viewed: {board.viewed} (signed in {board.sign_ins} time(s))")

    print("errors by HTTP status, or no answer or timeout (all / during the restart windows):")
    by_outcome: Counter[tuple[str, str]] = Counter()
    in_restarts: Counter[tuple[str, str]] = Counter()
    outside: list[Failure] = []
    for failure in tally.failures:
        by_outcome[failure.kind, failure.outcome] += 1
        if in_window(failure.started, failure.ended):
            in_restarts[failure.kind, failure.outcome] += 1
        else:
            outside.append(failure)
    if not by_outcome:
        print("  none")
    for (kind, what), count in sorted(by_outcome.items()):
        print(f"  {kind:8} {what:10} {count:6} / {in_restarts[kind, what]}")

    print("latency (p50 / p99 ms, all answers; p99 outside restart windows; answers):")
    slow = []
    for kind in KINDS:
        answered = tally.answered[kind]
        every = [latency for _, latency in answered]
        steady = [lat for t, lat in answered if not in_window(t, t + lat)]
        print(
            f"  {kind:8} {percentile(every, 50) * 1000:8.1f} / {percentile(every, 99) * 1000:8.1f}"
            f"   {percentile(steady, 99) * 1000:8.1f}   {len(every)}"
        )
        if kind in ("inbound", "status"):
            slow += [lat for lat in steady if lat > TWILIO_TIMEOUT]

    print(
        f"memory (RSS MiB; start after {run.memory.warmup:.0f} s of warm-up or of the process's "
        "life; end at the end of the traffic):"
    )
    for process in run.memory.tracked.values():
        start = run.memory.start_of(process)
        last = process.samples[-1] if process.samples else None
        alive = process.ended is None
        if start is None or last is None or last[0] <= start[0]:
            print(
                f"  {process.label} {process.pid}: too short-lived to measure "
                f"(CPU {process.cpu:.0f} s)"
            )
            continue
        growth = last[1] - start[1]
        where = "the end" if alive else f"{last[0]:.0f} s (then killed)"
        print(
            f"  {process.label} {process.pid}: {start[1] / MIB:.1f} at {start[0]:.0f} s → "
            f"{last[1] / MIB:.1f} at {where} ({growth / MIB:+.1f} MiB, "
            f"{growth / start[1] * 100:+.1f} %); CPU {process.cpu:.0f} s"
        )
        bound = max(args.max_growth_mib * MIB, start[1] * args.max_growth_percent / 100)
        if alive and growth > bound:
            problems.append(
                f"memory: {process.label} {process.pid} grew {growth / MIB:.1f} MiB "
                f"({growth / start[1] * 100:.1f} %) in {last[0] - start[0]:.0f} s"
            )

    print(f"  (this load generator, for comparison: CPU {outcome.own_cpu:.0f} s)")

    print("checks:")
    exactly_once = check_exactly_once(run.args.database_url, traffic)
    print(f"  inbound exactly once: {exactly_once}")
    if not exactly_once.startswith("OK"):
        problems.append(f"inbound: {exactly_once}")
    if webhooks.lost:
        problems.append(f"{len(webhooks.lost)} webhooks or callbacks never answered as expected")
        problems += [f"  {line}" for line in webhooks.lost[:10]]
    problems += outbox_check(run, args.subscribers, broadcaster.made, callbacks.delivered)
    writing, pending = outcome.outbox_left
    if (writing, pending) != (0, 0):
        problems.append(
            f"outbox: not settled {args.drain_timeout:.0f} s after the traffic stopped "
            f"({writing} broadcasts being written, {pending} messages due and unsettled)"
        )

    stored = web_responses(run.engine) - outcome.surveys_before
    print(
        f"  web survey: {stored} responses stored for {respondents.completed} completed "
        f"({respondents.unsure} sends unanswered)"
    )
    if not respondents.completed <= stored <= respondents.completed + respondents.unsure:
        problems.append(
            f"web survey: {stored} responses stored for {respondents.completed} completed"
        )

    server_errors = Counter(f.outcome for f in outside if f.outcome.startswith("5"))
    unexpected = Counter(
        (f.kind, f.outcome) for f in outside if f.outcome not in ("no answer", "timeout")
    )
    no_answer = Counter(f.kind for f in outside if f.outcome in ("no answer", "timeout"))
    print(
        f"  outside restart windows: 5xx {dict(server_errors)}, other unexpected answers "
        f"{dict((f'{k} {s}', n) for (k, s), n in unexpected.items() if not s.startswith('5'))}, "
        f"no answer {dict(no_answer)}, webhooks slower than 15 s {len(slow)}"
    )
    if unexpected:
        problems.append(
            "unexpected answers outside the restart windows: "
            + ", ".join(f"{kind} {status} ×{n}" for (kind, status), n in unexpected.items())
        )
        first = min(
            (f for f in outside if f.outcome not in ("no answer", "timeout")),
            key=lambda f: f.started,
        )
        problems.append(f"  first at {first.started:.1f} s")
    if no_answer:
        problems.append(
            "requests unanswered outside the restart windows: "
            + ", ".join(f"{kind} ×{n}" for kind, n in no_answer.items())
        )
    if slow:
        problems.append(f"{len(slow)} webhooks answered after more than 15 s outside the windows")
    if board.viewed == 0 or respondents.completed == 0 or len(callbacks.delivered) == 0:
        problems.append("a kind of traffic never got through (board, survey or callbacks)")

    worker_log = (logs / "worker.log").read_text(errors="replace")
    print(
        f"  outbox messages left 'sending' by the killed worker and settled from Twilio's "
        f"records: {worker_log.count(': sent before')} sent before, "
        f"{worker_log.count('not sent; queued again')} queued again"
    )
    for name in ("app.log", "worker.log"):
        lines = (logs / name).read_text(errors="replace").splitlines()
        errors = [line for line in lines if " ERROR " in line or "Traceback" in line]
        print(
            f"  {name}: {len(errors)} ERROR lines"
            + (f" (first: {errors[0][:160]})" if errors else "")
        )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30, help="length of the traffic")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--restart-postgres",
        default=DEFAULT_RESTART,
        help="shell command restarting the PostgreSQL server of --postgres-url",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="changemakers serve --workers")
    parser.add_argument("--inbound-rate", type=float, default=20, help="inbound SMS a second")
    parser.add_argument("--status-rate", type=float, default=10, help="status callbacks a second")
    parser.add_argument("--respondents", type=int, default=3, help="web survey respondents")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between survey pages")
    parser.add_argument("--board-rate", type=float, default=1, help="board pages a second")
    parser.add_argument("--subscribers", type=int, default=100, help="participants on UPDATES")
    parser.add_argument("--broadcast-every", type=float, default=20, help="seconds")
    parser.add_argument(
        "--worker-stop",
        choices=["kill", "term"],
        default="kill",
        help="how the outbox worker is stopped before it is started again",
    )
    parser.add_argument("--grace", type=float, default=5, help="seconds after each restart")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=180,
        help="seconds allowed after the traffic for the outbox to settle",
    )
    parser.add_argument(
        "--max-growth-mib", type=float, default=30, help="memory growth allowed per process…"
    )
    parser.add_argument("--max-growth-percent", type=float, default=20, help="…or this share")
    parser.add_argument("--seed", type=int, default=7, help="of the inbound traffic")
    parser.add_argument(
        "--keep", action="store_true", help="keep the service's logs (the folder is printed)"
    )
    args = parser.parse_args()
    seconds = args.minutes * 60
    clock = Clock()
    memory = Memory(clock, warmup=min(max(60.0, seconds / 10), seconds / 4))

    with (
        workdir() as work,
        running_fake_twilio(ACCOUNT_SID, TWILIO_AUTH_TOKEN, latency=0.02) as fake,
    ):
        args.database_url = fresh_database("postgres", args.postgres_url, work, DATABASE)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **app_environment(args.database_url, work),
            "TWILIO_API_URL": fake.url,
            "PUBLIC_BASE_URL": base,
            "QUIET_HOURS": "00:00-00:00",  # none: send at any hour
            "TRUSTED_PROXY_COUNT": "1",  # each respondent has an address of their own
        }
        print("preparing: migrations, demo content, a board member…", flush=True)
        changemakers("db", "upgrade", env=env)
        changemakers("demo", "--no-serve", env=env)
        create_board_member(env)
        engine = create_engine(args.database_url, pool_pre_ping=True)
        worker = OutboxWorker(env, work / "worker.log", memory)
        serve = [sys.executable, "-m", "changemakers.cli", "serve", "--port", str(port)]
        serve += ["--workers", str(args.web_workers)]
        problems: list[str]
        try:
            with server(serve, env, port, work / "app.log"):
                deadline = time.monotonic() + 60
                while not ready(base):
                    if time.monotonic() > deadline:
                        log = (work / "app.log").read_text(errors="replace")
                        raise SystemExit(f"the service is not ready after 60 s:\n{log[-3000:]}")
                    time.sleep(0.2)
                worker.start()
                run = Run(args, base, engine, fake.state, worker, memory, clock)
                try:
                    outcome = asyncio.run(soak(run))
                finally:
                    worker.stop("term")
            problems = report(run, outcome, work)
        finally:
            engine.dispose()
            if args.keep:
                kept = Path(f"/tmp/changemakers-soak-{os.getpid()}")
                kept.mkdir(exist_ok=True)
                for name in ("app.log", "worker.log"):
                    if (work / name).exists():
                        (kept / name).write_bytes((work / name).read_bytes())
                print(f"logs kept in {kept}")

    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
