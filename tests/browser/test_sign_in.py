"""A real headless Chromium signs in on a gym's own host and lands on the dashboard.

The server is Django's ``LiveServerThread`` started here, not pytest-django's ``live_server``:
that fixture (like ``transaction=True``) flushes every table afterwards, which would delete the
session's committed gyms. The page reads only those committed rows, so the server thread's own
connections see them; the sign-in writes (session, access log) stay in the test database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect, sync_playwright
from pytest_django import DjangoDbBlocker

from conftest import PASSWORD, GymFixture, World

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def server_port(world: World, django_db_blocker: DjangoDbBlocker) -> Iterator[int]:
    """A threaded WSGI server on 127.0.0.1 and a free port, serving the app and its static files."""
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        assert thread.is_ready.wait(timeout=30), "server thread did not start"
        if thread.error:
            raise thread.error
        try:
            yield thread.port
        finally:
            thread.terminate()


@pytest.mark.browser
@pytest.mark.django_db  # makes pytest-django create the test database when run on its own
def test_owner_signs_in_and_sees_the_dashboard(server_port: int, gym_a: GymFixture, tmp_path: Path) -> None:
    base = f"http://{gym_a.subdomain}.localhost:{server_port}"
    problems: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 800})
            # CSP violations and failed loads (the stylesheet) show up as console errors.
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))

            page.goto(f"{base}/")
            expect(page).to_have_url(f"{base}/login/?next=/")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            expect(page).to_have_title("Sign in · Alpha Barbell")
            page.screenshot(path=tmp_path / "sign-in.png", full_page=True)

            page.get_by_label("Email").fill(gym_a.people["owner"].email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()

            expect(page).to_have_url(f"{base}/")
            expect(page.get_by_test_id("brand")).to_have_text(re.compile(r"Alpha Barbell"))
            expect(page.get_by_test_id("who")).to_contain_text(gym_a.people["owner"].email)
            expect(page.get_by_test_id("role")).to_have_text("Owner")
            expect(page.get_by_test_id("section-manage")).to_be_visible()
            expect(page.get_by_role("link", name="API documentation")).to_have_attribute("href", "/api/docs/")
            # The gym's brand colour (#1f6feb) paints the top bar: the stylesheet loaded and applied.
            topbar = page.locator("header.topbar")
            expect(topbar).to_have_css("background-color", "rgb(31, 111, 235)")
            page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
        finally:
            browser.close()

    assert problems == []
