"""The safeguarding desk: raising alerts, the reviewers' queue, the conversation a reviewer
holds with a young person (the alert's thread, drawn in ``models``), and the rota.

Alerts come from a channel (the SMS channel registers itself as ``AlertChannel``), which also
shows the conversation around an alert and sends a reviewer's reply, so the desk never touches a
phone number. Each action commits here with its audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from changemakers import privacy
from changemakers.accounts.models import RoleGrant, StaffUser
from changemakers.alerts import texts
from changemakers.alerts.models import (
    Alert,
    AlertReply,
    AlertSeverity,
    AlertStatus,
    OnDuty,
    ThreadMessage,
)
from changemakers.audit import services as audit
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.languages import ENGLISH
from changemakers.office_hours import OfficeHours
from changemakers.redaction import redact
from changemakers.roles import Role
from changemakers.safeguarding import IMMEDIATE, Verdict
from changemakers.subject_access.services import HeldItem, HeldSection, ParticipantData

REPLY_MAX_LENGTH = 320  # two SMS at most
CLOSE_NOTE_MAX_LENGTH = 2000
LATEST_SHOWN = 10  # messages on an alert's page until a reviewer asks for the earlier ones
# Why a thread ended, as the reviewer reads it.
THREAD_ENDINGS = {
    "closed": "a reviewer closed the alert",
    "quiet": "nobody texted for a while",
    "opted_out": "the young person texted STOP, so the service must not text them again",
    "deleted": "the young person texted DELETE: their texts are erased",
}
_THREAD_TOOK = "alerts.thread_took"  # session.info: an alert already holds the text in hand


@dataclass(frozen=True)
class ConversationLine:
    """One message between a participant and the service, as staff see it (redacted)."""

    at: datetime
    from_participant: bool
    text: str
    scheduled: bool = False  # waiting to be sent at ``at``
    who: str = ""  # who wrote a line of the desk's thread ("" for the service's own)


class CannotReply(Exception):
    """The participant can no longer be texted (they erased their data or texted STOP)."""


class AlertChannel(Protocol):
    """Where alerts come from (a text, a web survey answer), as the desk shows and answers
    them."""

    label: str  # how the alert came, for reviewers
    about: str  # what a reviewer should know of it when there is no conversation to show
    no_reply: str  # why the service can never reply on this channel; "" when it can

    def conversation(self, pseudonym: str) -> Sequence[ConversationLine]: ...

    def hold(self, pseudonym: str) -> None:
        """Lock what the channel keeps of the participant until commit, as their own messages
        do before they reach the desk, so that the desk and their messages take their locks
        in the same order and never wait for each other."""
        ...

    def reply(self, pseudonym: str, body: str) -> int:
        """Queue ``body`` for the participant; the outbox id. Raises ``CannotReply``."""
        ...

    def reply_note(self, pseudonym: str, now: datetime) -> str:
        """What a reviewer should know of how a reply would reach them now ("" if nothing)."""
        ...

    def language(self, pseudonym: str) -> str:
        """The language the participant chose (``changemakers.languages``), for the desk's
        own texts to them; English where the channel knows none."""
        ...


class AlertError(Exception):
    """An action the alert's state does not allow; the message says why."""


def register_channel(app: Flask, name: str, channel: AlertChannel) -> None:
    app.extensions.setdefault("alert_channels", {})[name] = channel


def _channel(name: str) -> AlertChannel | None:
    return current_app.extensions.get("alert_channels", {}).get(name)


def raise_alert(
    channel: str,
    pseudonym: str | None,
    excerpt: str,
    matched: list[str],
    category: str = "other_danger",
    severity: AlertSeverity = AlertSeverity.CONCERN,
) -> Alert:
    """Record an alert in the caller's transaction. ``excerpt`` is redacted here too, whatever
    channel it came from. ``pseudonym`` is ``None`` where the young person is anonymous (a web
    survey).

    A text in a conversation a reviewer holds with the young person raises no second alert:
    it goes into that alert's thread, flagged for the reviewer (and an immediate danger
    raises the alert's severity)."""
    excerpt = redact(excerpt)
    # The reasons quote the words the young person typed (a "*" or "..." of a rule can take in
    # anything): redacted like the excerpt.
    matched = [redact(reason) for reason in matched]
    threaded = open_thread_of(pseudonym) if pseudonym else None
    if threaded is not None:
        now = utcnow()
        threaded.flagged_at = now
        threaded.matched = [*threaded.matched, *(m for m in matched if m not in threaded.matched)]
        if severity is AlertSeverity.IMMEDIATE:
            threaded.severity = AlertSeverity.IMMEDIATE
            threaded.notified_at = None  # the people on duty are told again, at once
        _take_into_thread(threaded, excerpt, now)
        db.session.info[_THREAD_TOOK] = (threaded.id, excerpt)
        return threaded
    alert = Alert(
        channel=channel,
        pseudonym=pseudonym,
        excerpt=excerpt,
        matched=matched,
        category=category,
        severity=severity,
    )
    db.session.add(alert)
    return alert


def raise_alert_for(channel: str, pseudonym: str | None, excerpt: str, verdict: Verdict) -> Alert:
    """Record the alert the detector's ``verdict`` calls for (see ``raise_alert``)."""
    return raise_alert(
        channel,
        pseudonym,
        excerpt,
        list(verdict.reasons),
        verdict.category or "other_danger",
        AlertSeverity.IMMEDIATE if verdict.severity == IMMEDIATE else AlertSeverity.CONCERN,
    )


# The queue -------------------------------------------------------------------------------


def office_hours() -> OfficeHours:
    return current_app.config["OFFICE_HOURS"]


def target() -> timedelta:
    return timedelta(minutes=current_app.config["ALERT_TARGET_MINUTES"])


def pick_up_by(alert: Alert) -> datetime:
    """When a new alert becomes overdue: the target time, counted in office hours."""
    return office_hours().deadline(alert.created_at, target())


def is_overdue(alert: Alert, now: datetime) -> bool:
    return alert.status is AlertStatus.NEW and now >= pick_up_by(alert)


def age_in_words(since: datetime, now: datetime) -> str:
    """How long ago, as a reviewer scanning the queue reads it: "5 min", "3 h 20 min", "2 days"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    days = minutes // (24 * 60)
    return f"{days} day{'s' if days > 1 else ''}"


@dataclass(frozen=True)
class QueuedAlert:
    alert: Alert
    holder: str | None  # who has it in hand
    overdue: bool
    pick_up_by: datetime
    replies: int
    age: str


def queue(show_closed: bool, now: datetime) -> list[QueuedAlert]:
    """Open alerts, immediate danger first, then oldest first (or closed ones, newest first)."""
    replies = (
        select(AlertReply.alert_id, func.count().label("replies"))
        .group_by(AlertReply.alert_id)
        .subquery()
    )
    query = (
        select(Alert, StaffUser.email, func.coalesce(replies.c.replies, 0))
        .outerjoin(StaffUser, StaffUser.id == Alert.assigned_to_id)
        .outerjoin(replies, replies.c.alert_id == Alert.id)
    )
    if show_closed:
        query = query.where(Alert.status == AlertStatus.CLOSED).order_by(Alert.closed_at.desc())
    else:
        immediate_first = case((Alert.severity == AlertSeverity.IMMEDIATE, 0), else_=1)
        query = query.where(Alert.status != AlertStatus.CLOSED).order_by(
            immediate_first, Alert.created_at, Alert.id
        )
    return [
        QueuedAlert(
            alert,
            holder,
            is_overdue(alert, now),
            pick_up_by(alert),
            count,
            age_in_words(alert.created_at, now),
        )
        for alert, holder, count in db.session.execute(query.limit(500))
    ]


def overdue_count(now: datetime) -> int:
    new = db.session.scalars(select(Alert).where(Alert.status == AlertStatus.NEW))
    return sum(1 for alert in new if is_overdue(alert, now))


@dataclass(frozen=True)
class DeskCounts:
    new: int
    in_hand: int
    overdue: int


def desk_counts(now: datetime) -> DeskCounts:
    """What is waiting on the desk, for every reviewer's home page and the navigation."""
    by_status = dict(
        db.session.execute(
            select(Alert.status, func.count())
            .where(Alert.status != AlertStatus.CLOSED)
            .group_by(Alert.status)
        ).all()
    )
    return DeskCounts(
        by_status.get(AlertStatus.NEW, 0), by_status.get(AlertStatus.IN_HAND, 0), overdue_count(now)
    )


def desk_badge() -> str:
    """The desk's counts as the navigation shows them: "2 new, 1 in hand, 1 overdue" (those
    that are not 0); "" when there is nothing."""
    counts = desk_counts(utcnow())
    parts = (
        (counts.new, "new"),
        (counts.in_hand, "in hand"),
        (counts.overdue, "overdue"),
    )
    return ", ".join(f"{count} {label}" for count, label in parts if count)


@dataclass(frozen=True)
class AlertPage:
    alert: Alert
    holder: str | None
    overdue: bool
    pick_up_by: datetime
    conversation: Sequence[ConversationLine]  # the latest, or all when asked for
    earlier: int  # messages not shown until asked for
    came_by: str
    about: str
    cannot_reply: str  # why not; "" when a reviewer can reply
    reply_note: str  # how a reply would reach them now (WhatsApp's window); "" if nothing
    age: str
    thread_ending: str  # why the conversation ended; "" while it runs or never began


def _why_no_reply(alert: Alert, channel: AlertChannel | None) -> str:
    if channel is None:
        return f"alerts from {alert.channel} have no way back to the young person"
    if channel.no_reply:
        return channel.no_reply
    if alert.pseudonym is None:
        return "this young person erased their data"
    return ""


def thread_lines(alert: Alert) -> list[ConversationLine]:
    """The alert's thread as kept with it: the young person's texts, the reviewers' replies
    (with who wrote each) and what the service sent by itself, oldest first."""
    replies = db.session.execute(
        select(AlertReply.created_at, AlertReply.body, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AlertReply.author_id)
        .where(AlertReply.alert_id == alert.id)
    ).all()
    kept = db.session.scalars(
        select(ThreadMessage)
        .where(ThreadMessage.alert_id == alert.id)
        .order_by(ThreadMessage.created_at, ThreadMessage.id)
    )
    # The service's own texts first: the opening goes before the reviewer's first reply, which
    # has the same time. (sorted() is stable.)
    lines = [
        ConversationLine(message.created_at, message.from_young_person, message.body)
        for message in kept
    ]
    lines += [
        ConversationLine(at, False, body, who=email or "A former reviewer")
        for at, body, email in replies
    ]
    return sorted(lines, key=lambda line: line.at)


def alert_page(alert_id: int, now: datetime, show_all: bool = False) -> AlertPage | None:
    """An alert with its conversation: what the channel holds from before the thread began,
    then the thread as kept with the alert; the latest ``LATEST_SHOWN`` unless ``show_all``."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        return None
    holder = db.session.get(StaffUser, alert.assigned_to_id) if alert.assigned_to_id else None
    channel = _channel(alert.channel)
    before = channel.conversation(alert.pseudonym) if channel and alert.pseudonym else []
    thread = thread_lines(alert)
    if thread:
        began = thread[0].at
        before = [line for line in before if line.at < began]
    lines = [*before, *thread]
    shown = lines if show_all else lines[-LATEST_SHOWN:]
    ended = alert.thread_end_reason if alert.thread_ended_at else None
    return AlertPage(
        alert,
        holder.email if holder else None,
        is_overdue(alert, now),
        pick_up_by(alert),
        shown,
        len(lines) - len(shown),
        channel.label if channel else alert.channel,
        channel.about if channel else "",
        _why_no_reply(alert, channel),
        channel.reply_note(alert.pseudonym, now) if channel and alert.pseudonym else "",
        age_in_words(alert.created_at, now),
        THREAD_ENDINGS.get(ended or "", ended or ""),
    )


def _locked(alert_id: int) -> Alert:
    """The alert, locked until commit, so two reviewers' actions on it happen one at a time;
    the young person first (``AlertChannel.hold``), as their own texts lock them first."""
    found = db.session.execute(
        select(Alert.channel, Alert.pseudonym).where(Alert.id == alert_id)
    ).first()
    if found is None:
        raise AlertError("There is no such alert.")
    channel = _channel(found.channel)
    if channel is not None and found.pseudonym is not None:
        channel.hold(found.pseudonym)
    alert = db.session.scalars(select(Alert).where(Alert.id == alert_id).with_for_update()).first()
    if alert is None:
        raise AlertError("There is no such alert.")
    return alert


def _take(alert: Alert, reviewer: StaffUser) -> None:
    previous = alert.assigned_to_id
    alert.status = AlertStatus.IN_HAND
    alert.assigned_to_id = reviewer.id
    alert.picked_up_at = utcnow()
    audit.record(
        reviewer,
        "alert.picked_up",
        "alert",
        alert.id,
        **({"taken_over_from": previous} if previous else {}),
    )


def pick_up(alert_id: int, reviewer: StaffUser) -> Alert:
    """The reviewer has it in hand (taking it over if another reviewer had it)."""
    alert = _locked(alert_id)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is closed.")
    if alert.assigned_to_id != reviewer.id or alert.status is AlertStatus.NEW:
        _take(alert, reviewer)
    if alert.first_response_at is None and _why_no_reply(alert, _channel(alert.channel)):
        alert.first_response_at = alert.picked_up_at  # nobody can reply: picking it up is all
    db.session.commit()
    return alert


def reply(alert_id: int, reviewer: StaffUser, body: str, form_token: str) -> AlertReply:
    """Text the young person through the service. The same form sent twice is one reply."""
    body = " ".join(body.split())
    if not body:
        raise AlertError("Write a reply first.")
    if len(body) > REPLY_MAX_LENGTH:
        raise AlertError(f"Keep the reply to {REPLY_MAX_LENGTH} characters (two texts).")
    alert = _locked(alert_id)
    already = db.session.scalars(
        select(AlertReply).where(AlertReply.form_token == form_token)
    ).first()
    if already is not None:
        db.session.rollback()
        return already
    channel = _channel(alert.channel)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is closed; reopen the conversation from a new alert.")
    reason = _why_no_reply(alert, channel)
    if channel is None or alert.pseudonym is None or reason:
        db.session.rollback()
        raise AlertError(f"The service cannot reply: {reason}.")
    now = utcnow()
    try:
        if alert.thread_opened_at is None:
            language = channel.language(alert.pseudonym)
            opening = texts.opening(current_app.config["PRIVACY_NOTICE_URL"], language)
            channel.reply(alert.pseudonym, opening)
            db.session.add(
                ThreadMessage(
                    alert_id=alert.id, from_young_person=False, body=opening, created_at=now
                )
            )
            _open_thread(alert, now)
        elif alert.thread_ended_at is not None:
            _open_thread(alert, now)  # the reviewer writes again after a quiet spell
        outbox_id = channel.reply(alert.pseudonym, body)
    except CannotReply as error:
        db.session.rollback()
        raise AlertError(str(error)) from None
    if alert.status is AlertStatus.NEW or alert.assigned_to_id != reviewer.id:
        _take(alert, reviewer)
    alert.first_response_at = alert.first_response_at or now
    alert.last_message_at = now
    alert.flagged_at = alert.awaiting_reply_since = None
    sent = AlertReply(
        alert_id=alert.id,
        author_id=reviewer.id,
        body=body,
        outbox_id=outbox_id,
        form_token=form_token,
        created_at=now,
    )
    db.session.add(sent)
    audit.record(reviewer, "alert.replied", "alert", alert.id, outbox_id=outbox_id)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form, sent at the same moment from another tab, won the race.
        db.session.rollback()
        return db.session.scalars(
            select(AlertReply).where(AlertReply.form_token == form_token)
        ).one()
    return sent


def close(alert_id: int, reviewer: StaffUser, note: str) -> Alert:
    """Closed, with a note of what was done (redacted: it must not hold a number either)."""
    note = note.strip()
    if not note:
        raise AlertError("Say what was done before closing the alert.")
    if len(note) > CLOSE_NOTE_MAX_LENGTH:
        raise AlertError(f"Keep the note to {CLOSE_NOTE_MAX_LENGTH} characters.")
    alert = _locked(alert_id)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is already closed.")
    alert.status = AlertStatus.CLOSED
    alert.closed_at = utcnow()
    alert.close_note = redact(note)
    if alert.assigned_to_id is None:
        alert.assigned_to_id = reviewer.id
    if alert.thread_open:
        _end_thread(alert, "closed", "THREAD_CLOSED", alert.closed_at)
    audit.record(reviewer, "alert.closed", "alert", alert.id)
    db.session.commit()
    return alert


# The thread ----------------------------------------------------------------------------------


def _open_thread(alert: Alert, now: datetime) -> None:
    alert.thread_opened_at = alert.thread_opened_at or now
    alert.thread_ended_at = None
    alert.thread_end_reason = None


def _end_thread(alert: Alert, reason: str, closing: str | None, now: datetime) -> None:
    """End the thread; the text called ``closing`` (``texts.THREAD_CLOSED``) tells the young
    person, in their language, where they can be texted."""
    alert.thread_ended_at = now
    alert.thread_end_reason = reason
    alert.awaiting_reply_since = None
    channel = _channel(alert.channel)
    if closing is None or channel is None or alert.pseudonym is None:
        return
    closing_text = texts.in_language(closing, channel.language(alert.pseudonym))
    try:
        channel.reply(alert.pseudonym, closing_text)
    except CannotReply:
        return
    db.session.add(
        ThreadMessage(alert_id=alert.id, from_young_person=False, body=closing_text, created_at=now)
    )


def open_thread_of(pseudonym: str) -> Alert | None:
    """The alert whose thread with this young person is open (the latest, should there be
    two), locked until commit so that its texts and its reviewers' replies go one by one."""
    return db.session.scalars(
        select(Alert)
        .where(
            Alert.pseudonym == pseudonym,
            Alert.thread_opened_at.is_not(None),
            Alert.thread_ended_at.is_(None),
            Alert.status != AlertStatus.CLOSED,
        )
        .order_by(Alert.thread_opened_at.desc(), Alert.id.desc())
        .limit(1)
        .with_for_update()
    ).first()


def _take_into_thread(alert: Alert, excerpt: str, now: datetime) -> None:
    db.session.add(
        ThreadMessage(alert_id=alert.id, from_young_person=True, body=excerpt, created_at=now)
    )
    alert.last_message_at = now
    alert.awaiting_reply_since = alert.awaiting_reply_since or now


def take_into_thread(pseudonym: str, excerpt: str, now: datetime) -> list[str] | None:
    """A young person's text (redacted) into the open thread of their alert, in the caller's
    transaction; ``None`` when they have none. The replies to send now: nothing while the
    office is open (a person is reading), else once per closed spell an acknowledgement of
    when a person will read it (with ``{name}`` signposts for the channel to fill in)."""
    alert = open_thread_of(pseudonym)
    if alert is None:
        return None
    if db.session.info.pop(_THREAD_TOOK, None) != (alert.id, excerpt):
        _take_into_thread(alert, excerpt, now)
    hours = office_hours()
    if hours.is_open(now):
        return []
    if alert.acknowledged_at is not None and hours.next_opening(alert.acknowledged_at) > now:
        return []  # told already since the office closed
    alert.acknowledged_at = now
    channel = _channel(alert.channel)
    language = ENGLISH if channel is None else channel.language(pseudonym)
    acknowledgement = texts.out_of_hours(hours.when_read(now, language), language)
    db.session.add(
        ThreadMessage(
            alert_id=alert.id, from_young_person=False, body=acknowledgement, created_at=now
        )
    )
    return [acknowledgement]


def end_threads_of(pseudonym: str, reason: str, now: datetime) -> None:
    """The young person texted STOP (``opted_out``): their threads end, in the caller's
    transaction, with nothing more sent."""
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.pseudonym == pseudonym,
            Alert.thread_opened_at.is_not(None),
            Alert.thread_ended_at.is_(None),
        )
    ):
        _end_thread(alert, reason, None, now)


def quiet_time() -> timedelta:
    return timedelta(hours=current_app.config["ALERT_THREAD_QUIET_HOURS"])


def end_quiet_threads(now: datetime, batch: int = 100) -> int:
    """End threads where nobody has texted for the quiet time, telling the young person; the
    worker runs this."""
    still_quiet = (
        Alert.thread_opened_at.is_not(None),
        Alert.thread_ended_at.is_(None),
        Alert.last_message_at < now - quiet_time(),
    )
    quiet = db.session.scalars(select(Alert.id).where(*still_quiet).limit(batch)).all()
    db.session.rollback()
    ended = 0
    for alert_id in quiet:
        alert = _locked(alert_id)
        if db.session.scalar(select(Alert.id).where(Alert.id == alert_id, *still_quiet)):
            _end_thread(alert, "quiet", "THREAD_QUIET", now)
            ended += 1
        db.session.commit()  # one at a time: another worker may end the same thread first
    return ended


# The rota ----------------------------------------------------------------------------------


def _active_with_role(role: Role) -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .join(RoleGrant, RoleGrant.user_id == StaffUser.id)
            .where(RoleGrant.role == role, StaffUser.active.is_(True))
            .order_by(StaffUser.email)
        )
    )


@dataclass(frozen=True)
class RotaLine:
    reviewer: StaffUser
    on_duty_since: datetime | None


def rota() -> list[RotaLine]:
    """Every active reviewer, and since when each is on duty."""
    since = dict(db.session.execute(select(OnDuty.staff_user_id, OnDuty.since)).all())
    return [RotaLine(user, since.get(user.id)) for user in _active_with_role(Role.REVIEWER)]


def set_on_duty(reviewer: StaffUser, on_duty: bool) -> None:
    """The reviewer marks themselves on or off duty."""
    held = db.session.get(OnDuty, reviewer.id)
    if on_duty and held is None:
        db.session.add(OnDuty(staff_user_id=reviewer.id, since=utcnow()))
    elif not on_duty and held is not None:
        db.session.delete(held)
    else:
        return
    audit.record(reviewer, "desk.on_duty" if on_duty else "desk.off_duty", "staff", reviewer.id)
    db.session.commit()


def to_tell() -> list[str]:
    """The addresses told of a new alert: the reviewers on duty; with nobody on duty, every
    reviewer."""
    reviewers = _active_with_role(Role.REVIEWER)
    on_duty = set(db.session.scalars(select(OnDuty.staff_user_id)))
    chosen = [user for user in reviewers if user.id in on_duty] or reviewers
    return [user.email for user in chosen]


def admins() -> list[str]:
    return [user.email for user in _active_with_role(Role.ADMIN)]


# Figures for the board -----------------------------------------------------------------------


@dataclass(frozen=True)
class AlertFigure:
    """One alert as the board's desk figures count it: no words, no person."""

    created_at: datetime
    first_response_at: datetime | None
    severity: AlertSeverity
    category: str
    record_key: int  # for the board's disclosure gate


def alert_figures() -> list[AlertFigure]:
    """Every alert kept (closed ones go after ``ALERT_RETENTION_DAYS``), oldest first."""
    rows = db.session.execute(
        select(
            Alert.id, Alert.created_at, Alert.first_response_at, Alert.severity, Alert.category
        ).order_by(Alert.created_at)
    )
    return [AlertFigure(*row[1:], record_key=privacy.record_key("alert", row.id)) for row in rows]


# Subject access and erasure ----------------------------------------------------------------


def _describe(pseudonym: str) -> HeldSection:
    alerts = db.session.scalars(
        select(Alert).where(Alert.pseudonym == pseudonym).order_by(Alert.created_at)
    ).all()
    replies = db.session.scalars(
        select(AlertReply)
        .where(AlertReply.alert_id.in_([alert.id for alert in alerts]))
        .order_by(AlertReply.created_at)
    ).all()
    items: list[HeldItem] = []
    for alert in alerts:
        items.append(
            HeldItem(f"Alert ({alert.status.replace('_', ' ')})", alert.excerpt, alert.created_at)
        )
        items += [
            HeldItem("Our team's reply", reply.body, reply.created_at)
            for reply in replies
            if reply.alert_id == alert.id
        ]
        items += [
            HeldItem("Your text to our team", message.body, message.created_at)
            for message in db.session.scalars(
                select(ThreadMessage)
                .where(ThreadMessage.alert_id == alert.id, ThreadMessage.from_young_person)
                .order_by(ThreadMessage.created_at)
            )
        ]
        if alert.close_note:
            items.append(HeldItem("What our team did", alert.close_note, alert.closed_at))
    return HeldSection(
        "Safeguarding alerts",
        items,
        "When a text sounds like you may be in danger, a member of staff reads it. If you "
        "delete your data, the words stay as a safeguarding record with no link to your phone, "
        "for the alert retention period.",
    )


def _detach(pseudonym: str) -> None:
    """Unlink a participant who erased their data from their alerts; the text that raised each
    stays as the safeguarding record, their texts in a thread go, and the thread ends."""
    alert_ids = select(Alert.id).where(Alert.pseudonym == pseudonym).scalar_subquery()
    db.session.execute(
        delete(ThreadMessage).where(
            ThreadMessage.alert_id.in_(alert_ids), ThreadMessage.from_young_person
        )
    )
    end_threads_of(pseudonym, "deleted", utcnow())
    db.session.execute(update(Alert).where(Alert.pseudonym == pseudonym).values(pseudonym=None))


ALERT_DATA = ParticipantData("alerts", _describe, _detach)
