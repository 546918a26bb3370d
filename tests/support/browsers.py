"""Debian's Chromium, as Playwright drives it for the browser tests and the journeys."""

CHROMIUM = "/usr/bin/chromium"
# As root in a sandbox with no network: no Chromium sandbox, and nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
