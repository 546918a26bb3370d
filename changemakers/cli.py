"""The ``changemakers`` command: demo, serve, database, staff accounts, and the commands each
area of the app registers (the SMS channel's, the surveys').

Every command but ``demo`` and ``serve`` runs on the app ``load_app`` builds: in the folder where
``changemakers demo`` ran, with the demo's settings; anywhere else, with the environment's.
``changemakers --help`` needs neither: the areas' commands are listed from an app built only for
that (``CommandLine``).

Flask's plugin commands are left out, among them Flask-Limiter's ``limiter`` group: it needs an
extra dependency (rich), and run as a command it would see only its own process's in-memory
store, not the limits the web processes keep (README.md, Settings, ``RATELIMIT_STORAGE_URI``).
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from changemakers import create_app, instance_path, navigation
from changemakers import demo as demo_content
from changemakers.accounts.models import Role
from changemakers.config import REQUIRED_SECRETS, SETTINGS, ConfigError
from changemakers.logs import configure_logging

if TYPE_CHECKING:
    from changemakers.safeguarding import Detector


class CannotStart(click.ClickException):
    """The settings are missing or malformed: the message names each, and what to do."""


def _start(config: Mapping[str, Any] | None = None) -> Flask:
    try:
        return create_app(config)
    except ConfigError as error:
        raise CannotStart(f"cannot start: {error}{_how_to_set_up(config or {})}") from None


def _how_to_set_up(config: Mapping[str, Any]) -> str:
    """After a missing secret, the two ways on: the demo, or real settings."""
    if all(os.environ.get(name) or config.get(name) for name in REQUIRED_SECRETS):
        return ""
    secrets_file = instance_path() / demo_content.SECRETS_FILE
    shown = (
        secrets_file.relative_to(Path.cwd())
        if secrets_file.is_relative_to(Path.cwd())
        else secrets_file
    )
    return (
        "\nTo try Changemakers on this machine, run `changemakers demo` in this folder: then the "
        f"commands run here (without DATABASE_URL) use the demo's settings ({shown}) and its "
        "database. To run it for real, set these settings in the environment (README.md, "
        "Settings)."
    )


def app_from_environment() -> Flask:
    """The app with the settings in the environment, as the production services run it."""
    return _start()


def load_app() -> Flask:
    """The app a command runs on: in the folder where ``changemakers demo`` ran (its secrets and
    its SQLite database in the instance folder), with the demo's settings, exactly as the demo
    uses them; anywhere else, with the environment's. Settings in the environment win in both.
    """
    secrets = demo_content.folder_secrets(instance_path(), os.environ)
    if secrets is None:
        return app_from_environment()
    return _start(demo_content.settings(secrets, os.environ))


@functools.cache
def _catalogue() -> Flask:
    """An app built only to list the areas' commands and show their help, so that needs no
    settings. It is never run: its keys are placeholders, its database is in memory and never
    opened, and no command runs in its context (``CommandLine.get_command``)."""
    from cryptography.fernet import Fernet

    return create_app(
        {
            **{setting.name: setting.default for setting in SETTINGS},  # not the environment's
            "SECRET_KEY": "listing commands only",
            "PSEUDONYM_KEY": "listing commands only",
            "CONTACT_KEY": Fernet.generate_key().decode(),
            "SMS_GATEWAY": "twilio",
            "TWILIO_ACCOUNT_SID": "listing commands only",
            "TWILIO_AUTH_TOKEN": "listing commands only",
            "TWILIO_FROM": "+447700900000",
            "DATABASE_URL": "sqlite://",
            "INSTANCE_PATH": tempfile.gettempdir(),  # creates no instance folder where it runs
        }
    )


class CommandLine(AppGroup):
    """The ``changemakers`` group: its own commands, and those the app's areas register.

    The list of commands comes from ``_catalogue``. A command is taken from the app
    ``load_app`` builds, as Flask's own group does; when that app cannot start, from the
    catalogue, so its ``--help`` still works, and running it stops where ``with_appcontext``
    (which every app command has) loads the app again, with the same message.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if "obj" not in extra and "obj" not in self.context_settings:
            # Asking for help needs no settings, however deep the command: a group such as
            # ``db`` loads its app before its subcommand sees ``--help``.
            options = args[: args.index("--")] if "--" in args else args
            wants_help = "--help" in options
            extra["obj"] = ScriptInfo(
                create_app=_catalogue if wants_help else load_app, set_debug_flag=False
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_catalogue().cli.list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except CannotStart:
            return _catalogue().cli.get_command(ctx, cmd_name)
        if not current_app or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)


@click.group(cls=CommandLine)
def cli() -> None:
    """Changemakers: young people's voice in child safeguarding.

    In the folder where `changemakers demo` ran, the commands use the demo's settings and
    database; anywhere else, the settings in the environment (README.md, Settings).
    """


def _redacted_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_database(app: Flask) -> None:
    """Stop with one clear line if the database cannot be reached or its schema is not current."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from changemakers import MIGRATIONS_DIRECTORY

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise click.ClickException(
            f"cannot reach the database at {_redacted_url(url)}: {reason}"
        ) from None
    finally:
        engine.dispose()
    heads = set(ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_heads())
    if current != heads:
        raise click.ClickException(
            "the database schema is not up to date: run `changemakers db upgrade` first"
        )


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data into the database and exit.")
@click.option("--new-passwords", is_flag=True, help="Give the demo accounts new passwords.")
def demo(host: str, port: int, no_serve: bool, new_passwords: bool) -> None:
    """Run everything on this machine: SQLite, console SMS, demo content and accounts.

    Settings given in the environment override the demo's defaults.
    """
    import flask_migrate

    secrets = demo_content.load_or_create_secrets(instance_path())
    app = _start(demo_content.settings(secrets, os.environ))
    configure_logging()
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
        accounts = demo_content.ensure_demo_accounts(new_passwords)
        demo_content.load_domain_content(app)

    click.echo("\nDemo staff accounts:")
    for account in accounts:
        shown = (
            account.password or "(set earlier; `changemakers demo --new-passwords` for new ones)"
        )
        click.echo(f"  {account.role.value:<12} {account.email:<40} {shown}")
    if no_serve:
        click.echo("Demo data loaded.")
        return

    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    for start in app.extensions.get("demo_background", []):
        start(app)
    click.echo(f"\nChangemakers demo on http://{host}:{port}/ (Ctrl+C to stop)")
    with app.test_request_context():
        for item in navigation.demo_items(app):
            click.echo(
                f"  {item.label}, open to anyone in the demo: http://{host}:{port}{url_for(item.endpoint)}"
            )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    type=int,
    default=lambda: int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))),
    help="Web processes [default: WEB_CONCURRENCY or twice the cores].",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the production web app with gunicorn (settings from the environment)."""
    from gunicorn.app.base import BaseApplication

    configure_logging()
    app = app_from_environment()
    check_database(app)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("accesslog", "-")
            # The path without its query string: a query may carry a one-time token.
            self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms')

        def load(self) -> Flask:
            return app

    Server().run()


@cli.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create a staff account with a password from a prompt or standard input."""
    from changemakers.accounts import services as accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, roles, actor=None, password=password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")


@cli.command()
@click.option("--dry-run", is_flag=True, help="Count what is due; delete nothing.")
def purge(dry_run: bool) -> None:
    """Delete what the retention settings no longer allow us to keep.

    Every `changemakers worker` does this once a day; this runs it now. Safe to stop and to run
    again: it deletes in small batches, each participant wholly or not at all.
    """
    from changemakers.database import utcnow
    from changemakers.retention import services as retention

    now = utcnow()
    try:
        counts = retention.count_due(now) if dry_run else retention.purge(now)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise click.ClickException(
            f"the purge stopped at a database error ({reason}); what it deleted before that "
            "stays deleted: run it again to finish"
        ) from None
    click.echo("Due for deletion (nothing deleted):" if dry_run else "Deleted:")
    width = max((len(name) for name in counts), default=0)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count}")


@cli.group()
def safeguarding() -> None:
    """The safeguarding detector: check messages, measure it against a labelled corpus."""


def _detector(rules: str | None) -> Detector:
    """The rules in force (approved by reviewers, or the shipped ones), or those in a file."""
    from flask import current_app

    from changemakers import safeguarding as detection

    if rules is not None:
        try:
            with open(rules, encoding="utf-8") as file:
                return detection.compile_rules(file.read())
        except (OSError, detection.RulesError) as error:
            raise click.ClickException(f"cannot use the rules in {rules}: {error}") from None
    from changemakers.alerts.rules import detector_in_force

    check_database(current_app)
    return detector_in_force()


RULES_OPTION = click.option(
    "--rules", type=click.Path(dir_okay=False), help="Use the rules in this YAML file instead."
)


def _language_code(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    """A language code as the detector files it ("pt-BR" → "pt"), or a usage error."""
    from changemakers import safeguarding as detection

    if value is None:
        return None
    code = detection.normalise_language(value)
    if code == detection.UNDETERMINED:
        raise click.BadParameter(f"'{value}' is not a language code such as en, es or pt.")
    return code


@safeguarding.command("check")
@click.argument("text")
@RULES_OPTION
@click.option(
    "--language",
    default="en",
    show_default=True,
    callback=_language_code,
    help="The language the messages are written in (en, es, pt; any other is not screened).",
)
def safeguarding_check(text: str, rules: str | None, language: str) -> None:
    """Print `alert` (a tab, then the category) or `no alert` for TEXT, or for each line of
    standard input if TEXT is -, with the rules in force. A text in a language the detector
    cannot screen alone alerts as `not_screened` when its rules catch nothing."""
    detector = _detector(rules)
    messages = sys.stdin.read().splitlines() if text == "-" else [text]
    for message in messages:
        verdict = detector.check(message, language)
        click.echo(f"alert\t{verdict.category}" if verdict else "no alert")


@safeguarding.command("evaluate")
@click.argument("corpus", type=click.File(encoding="utf-8"))
@RULES_OPTION
@click.option(
    "--language",
    callback=_language_code,
    help="Only the messages in this language (en, es, pt); all, each language apart, if left out.",
)
@click.option(
    "--part",
    type=click.Choice(["tune", "held-out"]),
    help="Only the messages the rules were tuned on, or only those held out to measure them.",
)
def safeguarding_evaluate(
    corpus: TextIO, rules: str | None, language: str | None, part: str | None
) -> None:
    """Recall per category, false alerts and every miss on CORPUS: one message a line,
    `label<TAB>text`, the label a category or `none` for a harmless message; then optionally
    its language, its part (`tune` or `held-out`) and `native review needed`, each after a
    tab. Each language is reported apart, by its own rules alone (without the "not screened"
    alerts)."""
    from changemakers import safeguarding as detection

    detector = _detector(rules)
    try:
        examples = detection.read_corpus(corpus, detector.categories)
    except detection.CorpusError as error:
        raise click.ClickException(f"cannot read the corpus: {error}") from None
    examples = detection.select(examples, language, part)
    if not examples:
        raise click.ClickException("the corpus holds no message in that language and part")
    for code in detection.languages_of(examples):
        if code not in detector.languages:
            click.echo(
                f"note: the rules have no {detection.language_name(code)} rules: they catch "
                "nothing in it, and every text in it raises a 'not screened' alert"
            )
    for line in detection.report_by_language(detection.evaluate(detector, examples)):
        click.echo(line)


if __name__ == "__main__":
    cli()
