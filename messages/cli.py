"""Commands of the SMS channel, registered on the app by the factory."""

from __future__ import annotations

import re
import signal
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from changemakers.config import missing_whatsapp_templates
from changemakers.content import files
from changemakers.content.cli import import_content
from changemakers.database import utcnow
from changemakers.logs import configure_logging
from messages import outbox
from messages import reconcile as reconciling
from messages.contacts import rotate_contact_key
from messages.flows import services as flow_services
from messages.gateways import GatewayUnavailable, gateway_from_config
from messages.worker import Dispatcher

contacts = AppGroup("contacts", help="Participants' contact records.")


@contacts.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored number with the newest CONTACT_KEY (the first listed).

    Rotation: put a new key first in CONTACT_KEY, keep the old one after it, run this, then
    remove the old key.
    """
    count = rotate_contact_key()
    click.echo(
        f"Re-encrypted {count} stored number{'' if count == 1 else 's'} with the newest key."
    )


def _require_whatsapp_templates() -> None:
    missing = missing_whatsapp_templates(current_app.config)
    if missing:
        raise click.ClickException(
            "cannot start: WhatsApp is on (WHATSAPP_FROM) but "
            + " and ".join(missing)
            + " "
            + ("is" if len(missing) == 1 else "are")
            + " not set: each must be the ContentSid (HX…) of an approved template"
        )


def _require_callback_address() -> None:
    config = current_app.config
    if config["SMS_GATEWAY"] == "twilio" and not config["PUBLIC_BASE_URL"]:
        raise click.ClickException(
            "cannot start: SMS_GATEWAY=twilio needs PUBLIC_BASE_URL, the address Twilio "
            "reports delivery to (PUBLIC_BASE_URL/sms/status)"
        )


@click.command("worker")
@click.option("--concurrency", default=8, show_default=True, help="Messages sent at once.")
@click.option("--batch-size", default=32, show_default=True, help="Messages claimed at once.")
@click.option(
    "--lease",
    default=int(outbox.SENDING_LEASE.total_seconds()),
    show_default=True,
    help="Seconds after which a message left 'sending' by a stopped worker is checked.",
)
@with_appcontext
def worker(concurrency: int, batch_size: int, lease: int) -> None:
    """Send what the outbox holds; run one or more, on any machines. Stops cleanly on SIGTERM."""
    from changemakers.cli import check_database

    configure_logging()
    _require_callback_address()
    _require_whatsapp_templates()
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    check_database(app)
    dispatcher = Dispatcher(
        app,
        gateway_from_config(app.config),
        concurrency=concurrency,
        batch_size=batch_size,
        lease=timedelta(seconds=lease),
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: dispatcher.stop())
    dispatcher.run()


_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime) -> datetime:
    """``90m``, ``6h``, ``2d`` ago, or an ISO 8601 date or time (UTC unless it says)."""
    match = _DURATION.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            "give a time such as 2026-11-26T09:30 or a span such as 90m, 6h, 2d"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("reconcile")
@click.option("--since", "since_text", default="24h", show_default=True, metavar="T")
@with_appcontext
def reconcile(since_text: str) -> None:
    """Handle inbound messages Twilio has that never reached the app (after an outage)."""
    since = parse_since(since_text, utcnow())
    try:
        report = reconciling.reconcile(gateway_from_config(current_app.config), since)
    except GatewayUnavailable as error:
        raise click.ClickException(f"could not list messages at Twilio ({error})") from None
    click.echo(
        f"Checked {report.listed} inbound message{'' if report.listed == 1 else 's'} since "
        f"{since:%Y-%m-%d %H:%M} UTC: {report.missing} had not reached us and are now "
        f"handled (their replies are in the outbox)"
        + (f"; {report.unreadable} had no usable sender" if report.unreadable else "")
        + "."
    )


flows = AppGroup("flows", help="Message flows as files: export to keep or review, import.")


@flows.command("export")
@click.argument("keyword")
@click.option("--format", "file_format", type=click.Choice(files.FORMATS), default="yaml")
@click.option("--output", type=click.File("w"), default="-", help="A file (default: stdout).")
def export_flow(keyword: str, file_format: str, output: Any) -> None:
    """Write the flow with KEYWORD (its published version, else its latest draft)."""
    data = flow_services.export_data(keyword)
    if data is None:
        raise click.ClickException(f"no flow has the keyword {keyword.upper()}")
    output.write(files.dump(data, file_format))


@flows.command("import")
@click.argument("source", type=click.File("r"))
def import_flow(source: Any) -> None:
    """Read a flow from a YAML or JSON file into a new draft, ready to submit for review.

    A file that does not validate is refused with every problem listed, and nothing changes.
    """
    version = import_content(source, flow_services.import_flow, "flow")
    click.echo(f"Imported as draft version {version.number} of flow {version.content['name']!r}.")
