"""axe-core in Chromium, against WCAG 2.2 A and AA, for the browser tests and the journeys.

axe-core comes from PyPI: the ``axe-playwright-python`` package (in the ``test`` extra) ships
its ``axe.min.js``, which is injected into each page checked and run against the tags below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.requirements import requirement_missing

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: JSON.stringify(n.target), summary: n.failureSummary})),
  }));
}"""


def axe_script() -> Path:
    """axe-core's ``axe.min.js``, as the ``axe-playwright-python`` package installs it."""
    try:
        import axe_playwright_python
    except ImportError:
        requirement_missing(
            "the accessibility checks need axe-core from the axe-playwright-python package: "
            "pip install -e '.[test]'"
        )
    script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    if not script.exists():
        requirement_missing(f"no axe-core at {script}: reinstall axe-playwright-python")
    return script


def describe_violations(url: str, title: str, violations: list[dict[str, Any]]) -> str:
    """One line a violation (its rule, impact and help), then each element it found."""
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {url} ({title}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def violations(page: Any, script: Path | None = None) -> list[dict[str, Any]]:
    """What axe finds on the page as it is now, once it has loaded. axe is evaluated as the
    test's own script, which the page's Content-Security-Policy does not cover (a script tag
    would be refused); it needs the page's JavaScript turned on."""
    page.wait_for_load_state()
    page.evaluate((script or axe_script()).read_text())
    return page.evaluate(RUN_AXE, AXE_TAGS)


def check_page(page: Any, script: Path | None = None) -> None:
    """Run axe on the page as it is now; fail on any violation, naming each."""
    found = violations(page, script)
    if found:
        pytest.fail(describe_violations(page.url, page.title(), found))
