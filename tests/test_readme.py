"""The README stays true to the code."""

from pathlib import Path

from changemakers.config import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme_table():
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in README, setting.name


def test_readme_leads_with_the_demo_and_the_test_commands():
    commands = [line for line in README.splitlines() if line.startswith("python3 -m venv")]
    assert commands[:2] == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/changemakers demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert commands[1] in ci
