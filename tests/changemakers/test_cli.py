"""The `changemakers` command, run as a real process where start-up behaviour matters."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy import select

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.alerts import rules
from changemakers.cli import CannotStart, _catalogue, cli, load_app
from changemakers.extensions import db
from tests.support.detector_rules import with_rule

CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "SECRET_KEY",
        "PSEUDONYM_KEY",
        "CONTACT_KEY",
        "DATABASE_URL",
        "INSTANCE_PATH",
        "SMS_GATEWAY",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
        "TWILIO_MESSAGING_SERVICE_SID",
    }
}
MISSING = (
    "Error: cannot start: missing required setting(s): SECRET_KEY, PSEUDONYM_KEY, CONTACT_KEY;"
    " SMS_GATEWAY is not set: set SMS_GATEWAY=twilio"
)
HOW_TO_SET_UP = (
    "To try Changemakers on this machine, run `changemakers demo` in this folder: then the "
    "commands run here (without DATABASE_URL) use the demo's settings "
    "(instance/demo-secrets.json) and its database. To run it for real, set these settings in "
    "the environment (README.md, Settings)."
)
KEYS = {
    "SECRET_KEY": "s",
    "PSEUDONYM_KEY": "p",
    "CONTACT_KEY": "n6DLS5Yy0sQ7NHwI_4NozL1BLqgeNlQTxz3f8vqz5bw=",
}
TWILIO = {
    "SMS_GATEWAY": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
    "TWILIO_FROM": "+447700900000",
}


def run(args, cwd, env=None, input_=None):
    return subprocess.run(
        [sys.executable, "-m", "changemakers.cli", *args],
        cwd=cwd,
        env={**CLEAN_ENV, **(env or {})},
        input=input_,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """A folder where `changemakers demo --no-serve` ran, and what it printed."""
    folder = tmp_path_factory.mktemp("demo")
    result = run(["demo", "--no-serve"], folder)
    assert result.returncode == 0, result.stderr
    return folder, result


def test_help_lists_every_command_with_nothing_set_up(tmp_path):
    result = run(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed]
    assert names == [
        "contacts",
        "db",
        "demo",
        "findings",
        "flows",
        "purge",
        "reconcile",
        "safeguarding",
        "serve",
        "surveys",
        "users",
        "worker",
    ]
    assert all(len(line.split()) > 1 for line in listed), "each command has its description"
    assert os.listdir(tmp_path) == [], "listing the commands leaves the folder as it was"


def test_a_command_shows_its_help_with_nothing_set_up(tmp_path):
    result = run(["findings", "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "findings [OPTIONS] SLUG" in result.stdout.splitlines()[0]
    assert "--format [json|csv]" in result.stdout


def test_a_subcommand_of_a_group_shows_its_help_with_nothing_set_up(tmp_path):
    result = run(["db", "upgrade", "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "db upgrade [OPTIONS] [REVISION]" in result.stdout.splitlines()[0]


def test_help_after_a_double_dash_is_an_argument_not_a_request_for_help(tmp_path):
    result = run(["safeguarding", "check", "--", "--help"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [MISSING, HOW_TO_SET_UP]


def test_a_command_with_nothing_set_up_names_the_settings_and_the_two_ways_on(tmp_path):
    result = run(["findings", "what-matters"], tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [MISSING, HOW_TO_SET_UP]


def test_every_app_command_runs_only_on_the_real_settings(monkeypatch, tmp_path):
    """Help comes from an app built with placeholder settings; no command may run on it."""
    for name in ("SECRET_KEY", "PSEUDONYM_KEY", "CONTACT_KEY", "SMS_GATEWAY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("INSTANCE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    assert not current_app

    def leaves(command, path):
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from leaves(sub, [*path, name])
        else:
            yield path, command

    app_commands = _catalogue().cli.commands
    found = [leaf for name, command in app_commands.items() for leaf in leaves(command, [name])]
    assert len(found) > 10
    for path, command in found:
        context = click.Context(command, obj=ScriptInfo(create_app=load_app))
        with context, pytest.raises(CannotStart, match="missing required setting") as raised:
            context.invoke(command.callback, **{param.name: None for param in command.params})
        assert "changemakers demo" in raised.value.message, path


def test_limiter_is_not_a_command(app):
    result = app.test_cli_runner().invoke(cli, ["limiter", "limits"])
    assert result.exit_code == 2
    assert "No such command 'limiter'" in result.output


def test_serve_without_secrets_names_them_and_the_two_ways_on(tmp_path):
    result = run(["serve"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [MISSING, HOW_TO_SET_UP]


def test_serve_without_an_sms_gateway_stops_with_one_clear_line(tmp_path):
    result = run(["serve"], tmp_path, KEYS)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: cannot start: SMS_GATEWAY is not set: set SMS_GATEWAY=twilio"
    )


def test_serve_refuses_the_console_gateway_in_one_clear_line(tmp_path):
    for command in (["serve"], ["worker"], ["db", "upgrade"]):
        result = run(command, tmp_path, {**KEYS, "SMS_GATEWAY": "console"})
        assert result.returncode != 0
        assert result.stderr.strip() == (
            "Error: cannot start: SMS_GATEWAY=console takes unsigned webhooks and runs only in "
            "`changemakers demo`: set SMS_GATEWAY=twilio"
        ), command


def test_serve_with_an_unreachable_database_says_so(tmp_path):
    env = {
        **KEYS,
        **TWILIO,
        "DATABASE_URL": "postgresql+psycopg://someone:hunter2@127.0.0.1:1/nowhere",
    }
    result = run(["serve"], tmp_path, env)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: cannot reach the database at postgresql+psycopg://someone:***@127.0.0.1:1/nowhere"
    )
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_database_without_the_schema(tmp_path):
    result = run(["serve"], tmp_path, {**KEYS, **TWILIO})
    assert result.returncode == 1
    assert "run `changemakers db upgrade` first" in result.stderr


def test_demo_no_serve_creates_secrets_accounts_and_reuses_them(demo_folder):
    tmp_path, first = demo_folder
    secrets_file = Path(tmp_path, "instance", "demo-secrets.json")
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    secrets = json.loads(secrets_file.read_text())
    assert set(secrets) == {"SECRET_KEY", "PSEUDONYM_KEY", "CONTACT_KEY"}
    for role in Role:
        assert f"{role.value}@demo.changemakers.invalid" in first.stdout
    assert "Demo data loaded." in first.stdout

    second = run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(secrets_file.read_text()) == secrets
    assert "set earlier" in second.stdout


def test_commands_in_the_demo_folder_use_the_demos_settings(demo_folder):
    folder, _ = demo_folder
    result = run(["findings", "what-matters", "--format", "json"], folder)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings["title"] == "What matters to you?"
    assert findings["responses"]["completed"] > 0


def test_in_the_demo_folder_the_environment_wins_and_another_database_gets_no_demo_keys(
    demo_folder,
):
    folder, _ = demo_folder
    twilio = run(["db", "current"], folder, {"SMS_GATEWAY": "twilio"})
    assert twilio.returncode == 1
    assert twilio.stderr.splitlines() == [
        "Error: cannot start: SMS_GATEWAY=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
        "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM"
    ]
    elsewhere = run(["db", "current"], folder, {"DATABASE_URL": f"sqlite:///{folder / 'x.db'}"})
    assert elsewhere.returncode == 1
    assert elsewhere.stderr.splitlines() == [MISSING, HOW_TO_SET_UP]


def test_demo_settings_from_the_environment_win(tmp_path):
    database = tmp_path / "elsewhere.db"
    result = run(["demo", "--no-serve"], tmp_path, {"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    assert database.exists()
    assert not (tmp_path / "instance" / "changemakers.db").exists()


def test_users_create_reads_the_password_from_stdin(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli,
        [
            "users",
            "create",
            "--email",
            "Boss@Example.org",
            "--role",
            "admin",
            "--role",
            "board",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created boss@example.org (admin, board)." in result.output
    user = db.session.scalars(select(StaffUser).where(StaffUser.email == "boss@example.org")).one()
    assert accounts.authenticate(user.email, "a long enough password") == user


def test_users_create_explains_a_refusal(app, db_session):
    result = app.test_cli_runner().invoke(
        cli,
        ["users", "create", "--email", "a@example.org", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "Password must be at least 12 characters" in result.output


def test_safeguarding_check_one_message_or_many(tmp_path):
    env = {**KEYS, **TWILIO, "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}"}
    assert run(["db", "upgrade"], tmp_path, env).returncode == 0
    one = run(["safeguarding", "check", "I want to kill myself"], tmp_path, env)
    assert one.returncode == 0, one.stderr
    assert one.stdout == "alert\tself_harm\n"
    many = run(
        ["safeguarding", "check", "-"],
        tmp_path,
        env,
        input_="KNIFE\nhe made me do stuff to him\nwhat are the signs\nim scared 2 go home\n\n😀\n",
    )
    assert many.stdout.splitlines() == [
        "no alert",
        "alert\tsexual_abuse",
        "no alert",
        "alert\tother_danger",
        "no alert",
        "no alert",
    ]


def test_safeguarding_check_on_a_database_never_set_up_says_what_to_do(tmp_path):
    env = {**KEYS, **TWILIO, "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    result = run(["safeguarding", "check", "hello"], tmp_path, env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the database schema is not up to date: run `changemakers db upgrade` first"
    ]


def test_safeguarding_evaluate_prints_recall_false_alerts_and_misses(app, tmp_path):
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(
        "self_harm\ti took a whole box of pills\nneglect\tall good here\nnone\thello\n"
    )
    result = app.test_cli_runner().invoke(cli, ["safeguarding", "evaluate", str(corpus)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "recall 50.0% (1 of 2 disclosures)"
    assert "false alerts 0.0% (0 of 1 harmless messages)" in lines
    assert "MISSED neglect line 2: all good here" in lines
    broken = tmp_path / "broken.tsv"
    broken.write_text("oops\thello\n")
    refused = app.test_cli_runner().invoke(cli, ["safeguarding", "evaluate", str(broken)])
    assert refused.exit_code == 1
    assert "cannot read the corpus: line 1: unknown label 'oops'" in refused.output


def test_safeguarding_check_in_a_language(app):
    runner = app.test_cli_runner()

    def check(*arguments: str, input_: str | None = None) -> list[str]:
        result = runner.invoke(cli, ["safeguarding", "check", *arguments], input=input_)
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    assert check("me quiero matar", "--language", "es") == ["alert\tself_harm"]
    assert check("-", "--language", "pt", input_="nao tem comida em casa\noi, tudo bem?\n3\n") == [
        "alert\tneglect",
        "alert\tnot_screened",  # Portuguese is not screened alone: a person reads it
        "no alert",
    ]
    assert check("bonjour", "--language", "fr") == ["alert\tnot_screened"]
    assert check("hello there") == ["no alert"]
    refused = runner.invoke(cli, ["safeguarding", "check", "hi", "--language", "e$"])
    assert refused.exit_code == 2 and "not a language code" in refused.output


def test_safeguarding_evaluate_reports_each_language_and_part(app, tmp_path):
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(
        "self_harm\ti want to kill myself\n"
        "self_harm\tme quiero matar\tes\ttune\tnative review needed\n"
        "neglect\ttodo bien\tes\theld-out\tnative review needed\n"
        "none\tbonjour\tfr\theld-out\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    everything = runner.invoke(cli, ["safeguarding", "evaluate", str(corpus)])
    assert everything.exit_code == 0, everything.output
    lines = everything.output.splitlines()
    assert lines[0].startswith("note: the rules have no fr rules")
    assert "== English ==" in lines and "== Spanish (español) ==" in lines and "== fr ==" in lines
    held_out = runner.invoke(
        cli, ["safeguarding", "evaluate", str(corpus), "--language", "es", "--part", "held-out"]
    )
    assert held_out.exit_code == 0, held_out.output
    lines = held_out.output.splitlines()
    assert lines[:2] == ["== Spanish (español) ==", "recall 0.0% (0 of 1 disclosures)"]
    assert "MISSED* neglect line 3: todo bien" in lines
    empty = runner.invoke(cli, ["safeguarding", "evaluate", str(corpus), "--language", "pl"])
    assert empty.exit_code == 1 and "no message in that language" in empty.output


def test_safeguarding_check_uses_the_rules_in_force(app, make_staff):
    message = "im going to the woods"
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["safeguarding", "check", message]).output == "no alert\n"
    text = with_rule(rules.text_of(None), "woods", "going to the woods", "missing")
    proposer = make_staff(Role.REVIEWER, email="proposer@example.org")
    proposal = rules.propose(text, "The woods", proposer, rules.SHIPPED)
    rules.approve(proposal.id, make_staff(Role.REVIEWER, email="approver@example.org"))
    result = runner.invoke(cli, ["safeguarding", "check", message])
    assert result.output == "alert\tmissing\n"


def test_a_wsgi_server_refuses_the_console_gateway_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[2],
        env={**CLEAN_ENV, **KEYS, "SMS_GATEWAY": "console", "INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "cannot start: SMS_GATEWAY=console takes unsigned webhooks and runs only in "
        "`changemakers demo`: set SMS_GATEWAY=twilio"
    )
