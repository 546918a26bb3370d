"""The dispatcher behind ``changemakers worker``: sends what the outbox holds.

Each round it settles messages whose fate is unknown (asking Twilio), writes the next batch of
any broadcast being sent, then claims due messages and sends them, several at a time, and does
what other areas registered (``changemakers.worker_jobs``: the surveys' mixing pool). Results
are recorded one by one as they come back, so a worker killed mid-batch leaves at most the
messages in flight unsettled, and the next round (of any worker) settles them. Several workers
may run at once, on one machine or many. Each round also tells reviewers of new alerts by email
(``changemakers.alerts.notifications``) and ends desk conversations gone quiet. Every few
minutes a worker also asks whether today's retention purge has run (``changemakers.retention``);
one worker a day runs it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta

from flask import Flask

from changemakers import worker_jobs
from changemakers.alerts import notifications
from changemakers.alerts import services as alerts
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.retention import services as retention
from messages import broadcasts, conversation_ends, outbox, whatsapp
from messages.contacts import opted_out_at_twilio
from messages.gateways import Gateway, GatewayUnavailable, OutgoingSms, SendResult

log = logging.getLogger(__name__)

# How often a worker asks whether today's retention purge has run (one small query).
DAILY_CHECK_EVERY = 300.0  # seconds


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class Dispatcher:
    def __init__(
        self,
        app: Flask,
        gateway: Gateway,
        *,
        concurrency: int = 8,
        batch_size: int = 32,
        lease: timedelta = outbox.SENDING_LEASE,
        idle_wait: float = 1.0,
        name: str | None = None,
        mailer: notifications.Mailer | None = None,
    ) -> None:
        self.app = app
        self.gateway = gateway
        self.mailer = mailer or notifications.mailer_from_config(app.config)
        self.batch_size = batch_size
        self.lease = lease
        self.idle_wait = idle_wait
        self.name = name or worker_name()
        self.stopping = threading.Event()
        self._next_daily_check = 0.0  # time.monotonic(): this process's own schedule
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="sms-send")

    def stop(self) -> None:
        """Finish the messages in hand, put back the rest of the batch, and stop."""
        self.stopping.set()

    def run(self) -> None:
        log.info("worker %s started", self.name)
        try:
            while not self.stopping.is_set():
                try:
                    busy = self.run_once()
                except Exception:
                    log.exception("worker round failed; trying again shortly")
                    busy = 0
                if not busy:
                    self.stopping.wait(self.idle_wait)
        finally:
            self.close()
            log.info("worker %s stopped", self.name)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def run_once(self, now: datetime | None = None) -> int:
        """One round; the number of messages settled, written or sent (0: nothing to do)."""
        with self.app.app_context():
            try:
                now = now or utcnow()
                done = self.settle(now)
                done += conversation_ends.expire_conversations(now)
                done += broadcasts.enqueue_next_batch(now)
                done += self.tell_reviewers(now)
                done += alerts.end_quiet_threads(now)
                done += self.send_due(now)
                done += worker_jobs.run_all(now)
                self.run_daily_jobs(now)
                return done
            finally:
                db.session.remove()

    def run_daily_jobs(self, now: datetime) -> None:
        """Every few minutes, claim today's retention purge unless another worker has; run it
        if claimed. A failed purge is logged; the messages go on being sent."""
        if time.monotonic() < self._next_daily_check:
            return
        self._next_daily_check = time.monotonic() + DAILY_CHECK_EVERY
        try:
            retention.run_daily_if_due(now, stop=self.stopping.is_set)
        except Exception:
            db.session.rollback()
            log.exception("retention purge failed; it will be tried again later")

    def tell_reviewers(self, now: datetime) -> int:
        """Notifications of new alerts; a failure is logged and the messages go on being sent
        (what was not sent stays queued)."""
        try:
            return notifications.run(now, self.mailer)
        except Exception:
            db.session.rollback()
            log.exception("alert notifications failed; they will be tried again shortly")
            return 0

    def settle(self, now: datetime) -> int:
        """Ask Twilio about messages whose outcome is unknown; resend only those it never had."""
        unsettled = outbox.unsettled(now, self.lease)
        for message in unsettled:
            to = message.number
            if outbox.channel_of(message) == whatsapp.WHATSAPP:
                to = whatsapp.address(to)
            try:
                sid = self.gateway.find_sent(to, message.body, message.claimed_at)
            except GatewayUnavailable:
                outbox.still_unknown(message, now)
            else:
                outbox.settle(message, sid, now)
                log.info(
                    "outbox %s: %s", message.id, "sent before" if sid else "not sent; queued again"
                )
            db.session.commit()
        return len(unsettled)

    def send_due(self, now: datetime) -> int:
        claimed = outbox.claim(self.name, self.batch_size, now)
        futures: dict[Future[SendResult | None], outbox.ClaimedMessage] = {}
        for message in claimed:
            sms = outbox.outgoing(message, now)
            if sms is None:
                outbox.not_sent_outside_window(message, now)
                log.info(
                    "outbox %s: outside WhatsApp's 24-hour window and no approved template "
                    "for it: not sent",
                    message.id,
                )
                db.session.commit()
                continue
            futures[self._pool.submit(self._send, sms)] = message
        for future in as_completed(futures):
            message = futures[future]
            result = future.result()
            if result is None:
                outbox.release(message, now)
            elif outbox.record_result(message, result, now):
                opted_out_at_twilio(message.contact_id, now)
            db.session.commit()
        return len(claimed)

    def _send(self, sms: OutgoingSms) -> SendResult | None:
        if self.stopping.is_set():
            return None
        with self.app.app_context():  # a sending thread has none of its own
            return self.gateway.send(sms)


def run_in_background(app: Flask, gateway: Gateway) -> Dispatcher:
    """A dispatcher in a daemon thread (the demo's, with the console gateway)."""
    dispatcher = Dispatcher(app, gateway, concurrency=2)
    threading.Thread(target=dispatcher.run, name="dispatcher", daemon=True).start()
    return dispatcher
