"""The operations guide stays true to the code: its commands exist, its settings are known."""

import re
from pathlib import Path

import click
import pytest
from flask.cli import ScriptInfo

from changemakers.cli import cli
from changemakers.config import REQUIRED_SECRETS, SETTING_NAMES

ROOT = Path(__file__).parent.parent
GUIDE = (ROOT / "docs" / "operations.md").read_text()

# Code as the guide shows it: fenced blocks and `inline code`.
FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
# `changemakers` run as a command: at the start of a line of code or of a code span, or by path
# (`…/bin/changemakers`); then its words, up to the end of the line.
COMMAND = re.compile(r"(?:^\s*|/bin/)changemakers(?![\w.-])([^\n]*)", re.MULTILINE)
SHELL_BREAKS = {"&&", "||", "|", ";"}
SHELL_WORD = re.compile(r"[#\"'$]")  # a comment, a quoted or expanded word: not ours
# A setting is an upper-case name with an underscore (DATABASE_URL), in prose or code.
SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
ASSIGNMENT = re.compile(r"^\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
ENVIRONMENT_READ = re.compile(r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def code_snippets() -> list[str]:
    blocks = FENCED.findall(GUIDE)
    prose = FENCED.sub("", GUIDE)
    return blocks + INLINE.findall(prose)


def command_lines() -> list[list[str]]:
    """Each `changemakers …` command line in the guide, as its words and options."""
    lines = []
    for snippet in code_snippets():
        for rest in COMMAND.findall(snippet):
            tokens = []
            for token in rest.split():
                if token in SHELL_BREAKS or SHELL_WORD.match(token):
                    break
                tokens.append(token)
            lines.append(tokens)
    return lines


def known_settings() -> set[str]:
    """The settings the app reads: ``SETTINGS``, and the few read straight from the environment
    (such as ``WEB_CONCURRENCY`` for ``changemakers serve``)."""
    read = set(SETTING_NAMES)
    for package in ("changemakers", "messages", "surveys"):
        for source in (ROOT / package).rglob("*.py"):
            read.update(ENVIRONMENT_READ.findall(source.read_text()))
    return read


@pytest.fixture
def resolve(app):
    """The click command a command line names, and the words that are its arguments."""
    context = click.Context(cli, obj=ScriptInfo(create_app=lambda: app))

    def resolve(tokens: list[str]) -> tuple[click.Command, list[str]]:
        command: click.Command = cli
        words = [t for t in tokens if not t.startswith("-")]
        for index, word in enumerate(words):
            if not isinstance(command, click.Group):
                return command, words[index:]
            found = command.get_command(context, word)
            assert found is not None, f"`changemakers {' '.join(tokens)}`: no command {word!r}"
            command = found
        return command, []

    with context:
        yield resolve


def test_the_guide_shows_commands_and_settings():
    assert len(command_lines()) >= 10
    assert SETTING.findall(GUIDE)


def test_every_command_in_the_guide_exists_with_its_options(resolve):
    for tokens in command_lines():
        command, _ = resolve(tokens)
        options = {opt for param in command.params for opt in param.opts + param.secondary_opts}
        for token in tokens:
            if token.startswith("--"):
                option = token.split("=", 1)[0]
                assert option in options | {"--help"}, (
                    f"`changemakers {' '.join(tokens)}`: {command.name} has no {option}"
                )


def test_the_guide_covers_running_the_service():
    named = {" ".join(tokens) for tokens in command_lines()}
    for needed in (
        "db upgrade",
        "users create",
        "serve",
        "worker",
        "contacts rotate-key",
        "purge",
        "purge --dry-run",
        "reconcile",
    ):
        assert any(line == needed or line.startswith(needed + " ") for line in named), needed


def test_every_setting_in_the_guide_is_one_the_app_reads():
    known = known_settings()
    named = set(SETTING.findall(GUIDE))
    for snippet in code_snippets():
        named.update(ASSIGNMENT.findall(snippet))
    assert named - known == set()


def test_the_guide_says_how_to_make_every_required_secret():
    for name in REQUIRED_SECRETS:
        assert f"| `{name}` |" in GUIDE, name
