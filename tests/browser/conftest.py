"""A live server for Debian's Chromium, driven by Playwright (no browser is ever downloaded).

The ``browser`` fixture is in ``tests/conftest.py``: one Chromium for the whole run, which the
journeys in ``tests/journeys`` share.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role
from tests.support.apps import dispose_engines, migrated_app
from tests.support.web import TEST_PASSWORD


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask

    def staff_email(self, role: Role) -> str:
        return f"{role.value}@example.org"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("live")
    app = migrated_app(f"sqlite:///{instance / 'live.db'}", instance, TESTING=False, DEMO=True)
    with app.app_context():
        for role in Role:
            accounts.create_user(f"{role.value}@example.org", [role], None, TEST_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join()
    server.server_close()
    dispose_engines(app)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()
