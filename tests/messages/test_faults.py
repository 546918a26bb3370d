"""Faults with real processes: a worker killed mid-batch, PostgreSQL stopped under load.

These start ``changemakers worker`` and ``changemakers serve`` as the README does, against a
database of their own and the test double of Twilio's API, and print their figures.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from changemakers import privacy
from changemakers.extensions import db
from messages.models import Contact, InboundMessage, OutboundMessage, OutboxPurpose, OutboxStatus
from tests.support.apps import dispose_engines, migrated_app, settings_for_tests
from tests.support.databases import fresh_database
from tests.support.requirements import requirement_missing
from tests.support.servers import free_port, server
from tests.support.sms import (
    PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    post_signed_over_http,
)
from tests.support.twilio_double import fake_twilio_process, running_fake_twilio

MESSAGES = 2000
UNSETTLED = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.UNKNOWN)
COMMAND = [sys.executable, "-m", "changemakers.cli"]


class Deployment:
    """A database of its own, and the environment its processes run with."""

    def __init__(self, base: Path, name: str, **settings: str) -> None:
        postgres_url = os.environ.get("TEST_DATABASE_URL", "")
        kind = "postgres" if postgres_url else "sqlite"
        self.database_url = fresh_database(kind, postgres_url, base, name)
        self.settings = {**settings_for_tests(self.database_url, base), **settings}
        self.app: Flask = migrated_app(self.database_url, base, **self.settings)
        self.env = {
            **os.environ,
            **{k: str(v) for k, v in self.settings.items() if k != "TESTING"},
        }
        self.base = base

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        with (self.base / log).open("ab") as output:
            return subprocess.Popen(
                [*COMMAND, *args], env=self.env, stdout=output, stderr=subprocess.STDOUT
            )

    def count(self, *conditions: object) -> int:
        with self.app.app_context():
            try:
                return db.session.scalar(select(func.count()).where(*conditions)) or 0
            finally:
                db.session.remove()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def fake_stats(url: str) -> dict:
    import json

    with urllib.request.urlopen(f"{url}/_fake/stats", timeout=5) as response:
        return json.load(response)


def fake_messages(url: str) -> list[dict]:
    import json

    with urllib.request.urlopen(f"{url}/_fake/messages", timeout=30) as response:
        return json.load(response)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with fake_twilio_process("--latency", "0.002") as (_, fake_url):
        deployment = Deployment(
            tmp_path,
            "changemakers_worker_faults",
            TWILIO_API_URL=fake_url,
            PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        )
        deployment.fake_url = fake_url  # type: ignore[attr-defined]
        try:
            yield deployment
        finally:
            dispose_engines(deployment.app)


def test_a_worker_killed_mid_batch_loses_nothing(deployment: Deployment) -> None:
    with deployment.app.app_context():
        for n in range(MESSAGES):
            number = f"+4474000{n:05d}"
            contact = Contact(
                pseudonym=privacy.pseudonym(number), number_encrypted=privacy.encrypt_number(number)
            )
            db.session.add(contact)
            db.session.flush()
            db.session.add(
                OutboundMessage(
                    contact_id=contact.id,
                    purpose=OutboxPurpose.BROADCAST,
                    body=f"message {n}",
                    hold_in_quiet_hours=False,
                )
            )
        db.session.commit()
        db.session.remove()
    fake_url = deployment.fake_url  # type: ignore[attr-defined]
    lease = ("--lease", "3")
    doomed = deployment.start("worker", *lease, log="worker-a.log")
    steady = deployment.start("worker", *lease, log="worker-b.log")
    started = time.monotonic()
    try:
        wait_for(lambda: fake_stats(fake_url)["created"] >= MESSAGES // 4, 60, "sending to start")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        orphaned = set(
            _ids_where(
                deployment,
                OutboundMessage.status == OutboxStatus.SENDING,
                OutboundMessage.claimed_by.endswith(f":{doomed.pid}"),
            )
        )
        restarted = deployment.start("worker", *lease, log="worker-a.log")
        wait_for(
            lambda: deployment.count(OutboundMessage.status.in_(UNSETTLED)) == 0,
            120,
            "every message to be settled",
        )
        elapsed = time.monotonic() - started
    finally:
        for process in (doomed, steady, locals().get("restarted")):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
    assert steady.wait(timeout=30) == 0  # a clean stop on SIGTERM
    assert restarted.wait(timeout=30) == 0

    sends = Counter(
        int(urllib.parse.parse_qs(urllib.parse.urlsplit(m["status_callback"]).query)["outbox"][0])
        for m in fake_messages(fake_url)
    )
    every_id = set(_ids_where(deployment))
    twice = {outbox_id for outbox_id, count in sends.items() if count > 1}
    assert set(sends) == every_id, "a message was lost"
    assert twice <= orphaned, "only a message whose outcome was unknown may go twice"
    assert deployment.count(OutboundMessage.status == OutboxStatus.SENT) == MESSAGES
    print(
        f"\nkill -9 mid-batch: {MESSAGES} messages, {len(orphaned)} left 'sending' by the killed "
        f"worker, {len(twice)} sent twice, all sent in {elapsed:.1f} s"
    )


def _ids_where(deployment: Deployment, *conditions: object) -> list[int]:
    with deployment.app.app_context():
        try:
            return list(db.session.scalars(select(OutboundMessage.id).where(*conditions)))
        finally:
            db.session.remove()


def postgres_cluster(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
    )


def postgres_answers() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


@pytest.mark.postgres
def test_postgres_stopped_under_load_recovers_and_reconcile_finds_the_rest(
    tmp_path: Path,
) -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        requirement_missing("stopping PostgreSQL needs root and pg_ctlcluster")
    with running_fake_twilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) as fake:
        deployment = Deployment(
            tmp_path, "changemakers_outage", TWILIO_API_URL=fake.url, TWILIO_FROM="+15005550006"
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}/sms/inbound"
        serve = [*COMMAND, "serve", "--port", str(port), "--workers", "2"]
        outcomes: list[tuple[str, float, int]] = []  # phase, seconds, HTTP status

        def text_in(phase: str, n: int) -> int:
            number = f"+4477009{n % 1000:05d}"[:13]
            message = fake.state.inbound(number, "+15005550006", f"HELLO {n}")
            form = {
                "MessageSid": message.sid,
                "From": number,
                "To": "+15005550006",
                "Body": message.body,
                "NumMedia": "0",
                "AccountSid": TWILIO_ACCOUNT_SID,
            }
            began = time.monotonic()
            status, _ = post_signed_over_http(url, form, timeout=20)
            outcomes.append((phase, time.monotonic() - began, status))
            return status

        count = 0
        with server(serve, deployment.env, port, tmp_path / "serve.log"):
            try:
                for _ in range(50):
                    count += 1
                    assert text_in("before", count) == 200
                postgres_cluster("stop")
                outage_ends = time.monotonic() + 3
                while time.monotonic() < outage_ends:
                    count += 1
                    text_in("outage", count)
            finally:
                postgres_cluster("start")
                wait_for(postgres_answers, 60, "PostgreSQL to start again")
            recovered_after = time.monotonic()
            while True:
                count += 1
                if text_in("after", count) == 200:
                    break
                assert time.monotonic() - recovered_after < 30, "the webhook did not recover"
            for _ in range(50):
                count += 1
                assert text_in("after", count) == 200
        try:
            outage = [o for o in outcomes if o[0] == "outage"]
            assert outage and all(status >= 500 for _, _, status in outage)
            slowest = max(seconds for _, seconds, _ in outage)
            assert slowest < 5, "Twilio waits at most 15 s; an error must come quickly"
            failed = sum(1 for _, _, status in outcomes if status != 200)

            result = subprocess.run(
                [*COMMAND, "reconcile", "--since", "1h"],
                env=deployment.env,
                capture_output=True,
                text=True,
                check=True,
            )
            assert f"{failed} had not reached us" in result.stdout, result.stdout
            handled = deployment.count(InboundMessage.message_sid.is_not(None))
            assert handled == count == len(fake.state.messages)
            late = deployment.count(OutboundMessage.purpose == OutboxPurpose.LATE_REPLY)
            assert late == failed
            print(
                f"\nPostgreSQL stopped for 3 s under load: {count} messages, {len(outage)} "
                f"answered with an error during the outage (slowest {slowest * 1000:.0f} ms), "
                f"{failed} failed in all, recovered {time.monotonic() - recovered_after:.1f} s "
                f"after PostgreSQL started, reconcile handled {failed}"
            )
        finally:
            dispose_engines(deployment.app)
