"""Settings, read from the environment.

Every setting the service reads is listed in ``SETTINGS`` with its default, so the README's table,
the demo and the start-up check all agree. Secrets have no default: without them the service
refuses to start and names each one that is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from changemakers.office_hours import OfficeHours
from changemakers.privacy import InvalidNumber, normalise_number

REQUIRED_SECRETS = ("SECRET_KEY", "PSEUDONYM_KEY", "CONTACT_KEY")
SMS_GATEWAYS = ("console", "twilio")
# The approved WhatsApp templates by the outbox purpose they carry: (setting, purpose, needed).
# A needed one must be set when WhatsApp is on, or the worker refuses to start; without an
# optional one, such a message outside WhatsApp's 24-hour window is recorded as not sent.
WHATSAPP_TEMPLATES = (
    ("WHATSAPP_TEMPLATE_STAFF_REPLY", "staff_reply", True),
    ("WHATSAPP_TEMPLATE_LATE_REPLY", "late_reply", True),
    ("WHATSAPP_TEMPLATE_FOLLOW_UP", "follow_up", False),
    ("WHATSAPP_TEMPLATE_BROADCAST", "broadcast", False),
)
CONTENT_SID_PATTERN = re.compile(r"^HX[0-9a-fA-F]{32}$")
WHATSAPP_PREFIX = "whatsapp:"
QUIET_HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS = (
    Setting("DATABASE_URL", None, "SQLAlchemy URL; default: SQLite in the instance folder"),
    Setting(
        "SMS_GATEWAY",
        None,
        "`twilio` (real SMS); `console` (log and simulator) only in `changemakers demo`",
    ),
    Setting("TWILIO_ACCOUNT_SID", None, "Twilio account (needed with SMS_GATEWAY=twilio)"),
    Setting("TWILIO_AUTH_TOKEN", None, "Twilio auth token: signs webhooks, calls the REST API"),
    Setting("TWILIO_MESSAGING_SERVICE_SID", None, "sender for outgoing SMS (or TWILIO_FROM)"),
    Setting("TWILIO_FROM", None, "sender number in E.164 when no messaging service is used"),
    Setting(
        "TWILIO_API_URL", "https://api.twilio.com", "Twilio's REST API (changed only for tests)"
    ),
    Setting("PUBLIC_BASE_URL", None, "public https address; Twilio's webhooks and callbacks"),
    Setting("WHATSAPP_FROM", None, "WhatsApp sender (`whatsapp:+44…`); unset: WhatsApp is off"),
    Setting(
        "WHATSAPP_TEMPLATE_STAFF_REPLY",
        None,
        "ContentSid of the approved template for a desk reply outside WhatsApp's 24 hours",
    ),
    Setting(
        "WHATSAPP_TEMPLATE_LATE_REPLY",
        None,
        "ContentSid of the approved template for a late reply outside WhatsApp's 24 hours",
    ),
    Setting(
        "WHATSAPP_TEMPLATE_FOLLOW_UP",
        None,
        "ContentSid for a flow's follow-up outside the 24 hours (optional: else not sent)",
    ),
    Setting(
        "WHATSAPP_TEMPLATE_BROADCAST",
        None,
        "ContentSid for a broadcast outside the 24 hours (optional: else not sent)",
    ),
    Setting(
        "WHATSAPP_QUICK_REPLY_TEMPLATES",
        None,
        "quick-reply templates by buttons, `2:HX…,3:HX…` (optional: menus as numbered text)",
    ),
    Setting("SECRET_KEY", None, "signs sessions and forms (required)"),
    Setting(
        "PSEUDONYM_KEY", None, "HMAC key that turns a phone number into a pseudonym (required)"
    ),
    Setting("CONTACT_KEY", None, "Fernet key(s), comma-separated, newest first (required)"),
    Setting("QUIET_HOURS", "21:00-08:00", "no scheduled SMS in these hours (Europe/London)"),
    Setting("RETENTION_DAYS", "30", "days raw inbound message bodies are kept"),
    Setting("CONTACT_RETENTION_DAYS", "180", "days a participant who stays silent is kept"),
    Setting("ALERT_RETENTION_DAYS", "365", "days a closed safeguarding alert is kept"),
    Setting("OFFICE_HOURS", "Mon-Fri 09:00-17:00", "when reviewers read alerts (Europe/London)"),
    Setting("ALERT_TARGET_MINUTES", "60", "working minutes before a new alert is overdue"),
    Setting(
        "ALERT_ESCALATE_MINUTES", "10", "minutes before an immediate danger not picked up escalates"
    ),
    Setting("ALERT_DIGEST_MINUTES", "60", "how often alerts of concern are emailed, together"),
    Setting(
        "ALERT_THREAD_QUIET_HOURS", "48", "hours without a text before a desk conversation ends"
    ),
    Setting("ALERT_SMS_TO", None, "staff on-call phone texted of each immediate danger (optional)"),
    Setting("PRIVACY_NOTICE_URL", None, "the published privacy notice, linked in the desk's texts"),
    Setting("SMTP_HOST", None, "mail server for alert notifications; unset: written to the log"),
    Setting("SMTP_PORT", "587", "mail server port"),
    Setting("SMTP_FROM", None, "sender address of alert notifications (needed with SMTP_HOST)"),
    Setting("SMTP_USERNAME", None, "mail server login, if it needs one"),
    Setting("SMTP_PASSWORD", None, "mail server password, if it needs one"),
    Setting(
        "SMTP_STARTTLS", "true", "`true`: STARTTLS before logging in; `false` for a local relay"
    ),
    Setting("SUPPRESSION_THRESHOLD", "10", "counts below this are hidden in findings"),
    Setting(
        "SURVEY_SECONDS_PER_QUESTION", "2", "least time a web survey takes, per question asked"
    ),
    Setting(
        "RATELIMIT_STORAGE_URI", "memory://", "rate-limit store; `redis://…` for several processes"
    ),
    Setting("TRUSTED_PROXY_COUNT", "0", "reverse proxies in front of the app (X-Forwarded-*)"),
)
SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


def load_settings(environ: Mapping[str, str], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Build the Flask config from the environment, with ``overrides`` taking precedence.

    Raises ``ConfigError`` naming every missing or malformed setting at once.
    """
    raw: dict[str, Any] = {s.name: environ.get(s.name) or s.default for s in SETTINGS}
    raw.update({k: v for k, v in overrides.items() if k in raw})
    problems: list[str] = []

    missing = [name for name in REQUIRED_SECRETS if not raw[name]]
    if missing:
        problems.append("missing required setting(s): " + ", ".join(missing))

    if raw["CONTACT_KEY"]:
        try:
            contact_keys = [Fernet(k.strip()) for k in str(raw["CONTACT_KEY"]).split(",")]
        except ValueError:
            problems.append(
                "CONTACT_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated"
            )
        else:
            raw["CONTACT_KEYS"] = contact_keys

    # The console gateway takes unsigned webhooks: anyone could invent messages. Only the demo
    # (where it is the default) and tests that ask for it may have it.
    local_only = bool(overrides.get("DEMO") or overrides.get("TESTING"))
    if not raw["SMS_GATEWAY"] and overrides.get("DEMO"):
        raw["SMS_GATEWAY"] = "console"
    if not raw["SMS_GATEWAY"]:
        problems.append("SMS_GATEWAY is not set: set SMS_GATEWAY=twilio")
    elif raw["SMS_GATEWAY"] not in SMS_GATEWAYS:
        problems.append(f"SMS_GATEWAY must be one of {', '.join(SMS_GATEWAYS)}")
    elif raw["SMS_GATEWAY"] == "console" and not local_only:
        problems.append(
            "SMS_GATEWAY=console takes unsigned webhooks and runs only in `changemakers demo`: "
            "set SMS_GATEWAY=twilio"
        )
    elif raw["SMS_GATEWAY"] == "twilio":
        needed = [n for n in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not raw[n]]
        if not (raw["TWILIO_MESSAGING_SERVICE_SID"] or raw["TWILIO_FROM"]):
            needed.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM")
        if needed:
            problems.append("SMS_GATEWAY=twilio needs " + ", ".join(needed))

    if not QUIET_HOURS_PATTERN.match(str(raw["QUIET_HOURS"])):
        problems.append("QUIET_HOURS must look like 21:00-08:00")

    for name, minimum in (
        ("RETENTION_DAYS", 1),
        ("CONTACT_RETENTION_DAYS", 1),
        ("ALERT_RETENTION_DAYS", 1),
        ("ALERT_TARGET_MINUTES", 1),
        ("ALERT_ESCALATE_MINUTES", 1),
        ("ALERT_DIGEST_MINUTES", 1),
        ("ALERT_THREAD_QUIET_HOURS", 1),
        ("SMTP_PORT", 1),
        ("SUPPRESSION_THRESHOLD", 1),
        ("SURVEY_SECONDS_PER_QUESTION", 0),
        ("TRUSTED_PROXY_COUNT", 0),
    ):
        try:
            raw[name] = int(raw[name])
        except (TypeError, ValueError):
            problems.append(f"{name} must be a whole number")
            continue
        if raw[name] < minimum:
            problems.append(f"{name} must be at least {minimum}")

    try:
        raw["OFFICE_HOURS"] = OfficeHours.parse(str(raw["OFFICE_HOURS"]))
    except ValueError as error:
        problems.append(f"OFFICE_HOURS {error}")

    starttls = str(raw["SMTP_STARTTLS"]).strip().lower()
    if starttls not in ("true", "false"):
        problems.append("SMTP_STARTTLS must be true or false")
    raw["SMTP_STARTTLS"] = starttls == "true"
    if raw["SMTP_HOST"] and not raw["SMTP_FROM"]:
        problems.append("SMTP_HOST needs SMTP_FROM, the address notifications come from")

    if raw["ALERT_SMS_TO"]:
        try:
            raw["ALERT_SMS_TO"] = normalise_number(str(raw["ALERT_SMS_TO"]))
        except InvalidNumber:
            problems.append("ALERT_SMS_TO must be a phone number, such as +447700900123")

    problems.extend(_whatsapp_problems(raw))

    if raw["PUBLIC_BASE_URL"]:
        raw["PUBLIC_BASE_URL"] = str(raw["PUBLIC_BASE_URL"]).rstrip("/")
        if not raw["PUBLIC_BASE_URL"].startswith(("https://", "http://")):
            problems.append("PUBLIC_BASE_URL must start with https://")

    if problems:
        raise ConfigError("; ".join(problems))
    return raw


def _whatsapp_problems(raw: dict[str, Any]) -> list[str]:
    """Check the WhatsApp settings; ``WHATSAPP_FROM`` becomes its E.164 number (or ``None``)."""
    problems = []
    sender = str(raw["WHATSAPP_FROM"] or "").strip()
    if sender[: len(WHATSAPP_PREFIX)].lower() == WHATSAPP_PREFIX:
        sender = sender[len(WHATSAPP_PREFIX) :]
    raw["WHATSAPP_FROM"] = None
    if sender:
        try:
            raw["WHATSAPP_FROM"] = normalise_number(sender)
        except InvalidNumber:
            problems.append(
                "WHATSAPP_FROM must be a WhatsApp sender, such as whatsapp:+447700900000"
            )
    for name, _purpose, _needed in WHATSAPP_TEMPLATES:
        value = str(raw[name] or "").strip()
        raw[name] = value or None
        if value and not CONTENT_SID_PATTERN.match(value):
            problems.append(f"{name} must be a ContentSid: HX and 32 hexadecimal digits")
    quick = str(raw["WHATSAPP_QUICK_REPLY_TEMPLATES"] or "").strip()
    raw["WHATSAPP_QUICK_REPLY_TEMPLATES"] = {}
    for item in filter(None, (part.strip() for part in quick.split(","))):
        count, _, sid = item.partition(":")
        if count.strip() not in ("2", "3") or not CONTENT_SID_PATTERN.match(sid.strip()):
            problems.append(
                "WHATSAPP_QUICK_REPLY_TEMPLATES must look like 2:HX…,3:HX… (2 or 3 buttons, "
                "each with the ContentSid of its quick-reply template)"
            )
            break
        raw["WHATSAPP_QUICK_REPLY_TEMPLATES"][int(count)] = sid.strip()
    return problems


def missing_whatsapp_templates(config: Mapping[str, Any]) -> list[str]:
    """The needed template settings left unset while WhatsApp is on (none while it is off)."""
    if not config.get("WHATSAPP_FROM"):
        return []
    return [name for name, _purpose, needed in WHATSAPP_TEMPLATES if needed and not config[name]]


def default_database_url(instance_path: str | os.PathLike[str]) -> str:
    return f"sqlite:///{Path(instance_path) / 'changemakers.db'}"
