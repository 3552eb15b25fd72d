"""A real headless Chromium logs a workout from today's page and sees it on the progress chart,
while the member's coach, on a second page, sees the set appear live (WebSocket, no reload).

The server is the project's ASGI application (config/asgi.py: HTTP and WebSockets) under
uvicorn in a thread on a free loopback port; its connections are its own, so everything it
writes is committed and removed afterwards (the member's sessions, records and events).
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from django.conf import settings
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django import DjangoDbBlocker

from apps.workouts.tests.live_support import (
    Sessions,
    committed_sessions,
    in_own_connection,
    own_channel_layer,
)
from conftest import PASSWORD, GymFixture, World
from tests.browser.test_sign_in import CHROMIUM, CHROMIUM_ARGS

__all__ = ["committed_sessions", "own_channel_layer"]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot own signal handlers
        pass


@pytest.fixture
def asgi_port(world: World, django_db_blocker: DjangoDbBlocker, own_channel_layer: None) -> Iterator[int]:
    from config.asgi import application

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(application, log_level="warning", lifespan="off", ws="websockets-sansio"))

    def serve() -> None:
        with django_db_blocker.unblock():
            asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    for _ in range(300):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture
def clean_training(world: World, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    yield

    def clean() -> None:
        from apps.common.models import OutboxEvent
        from apps.workouts.models import PersonalRecord, WorkoutSession

        member = world.a.people["member"].id
        with schema_context(world.a.schema_name):
            PersonalRecord.objects.filter(member_id=member).delete()
            WorkoutSession.objects.filter(member_id=member).delete()
        OutboxEvent.objects.filter(schema_name=world.a.schema_name, payload__member_id=str(member)).delete()

    in_own_connection(django_db_blocker, clean)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db
def test_member_logs_a_workout_coach_sees_it_live_and_the_chart_shows_it(
    asgi_port: int, clean_training: None, committed_sessions: Sessions, gym_a: GymFixture, tmp_path: Path
) -> None:
    base = f"http://{gym_a.subdomain}.localhost:{asgi_port}"
    member = gym_a.people["member"]
    coach_cookie = committed_sessions.cookie(gym_a, "trainer")
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        # A request the browser abandons because the page navigated on (a favicon still
        # loading when a form posts) is not a failure of the page.
        page.on(
            "requestfailed",
            lambda r: None if r.failure == "net::ERR_ABORTED" else problems.append(f"failed: {r.url}"),
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            coach = browser.new_context(viewport={"width": 1100, "height": 800})
            mine, theirs = phone.new_page(), coach.new_page()
            watch(mine)
            watch(theirs)

            sign_in(mine, base, member.email)
            mine.goto(f"{base}/workouts/today/")
            mine.get_by_label("Name").fill("Leg day")
            mine.get_by_role("button", name="Start").click()
            expect(mine.get_by_test_id("session-name")).to_have_text("Leg day")

            # Trainers must verify MFA (ADR 0014): the coach arrives with a verified session.
            coach.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": coach_cookie, "url": base}])
            theirs.goto(f"{base}/workouts/members/{member.id}/live/")
            expect(theirs.get_by_test_id("session-title")).to_have_text("Leg day")
            expect(theirs.locator("[data-live-member]")).to_have_attribute("data-live", "open")

            mine.get_by_label("Exercise").select_option(label="Barbell Squat")
            for reps, load in (("5", "100"), ("5", "105")):
                mine.get_by_label("Reps").fill(reps)
                mine.get_by_label("Load (kg)").fill(load)
                mine.get_by_label("RIR").fill("2")
                mine.get_by_role("button", name="Log set").click()
                expect(mine.get_by_test_id("log-status")).to_contain_text(
                    f"Logged Barbell Squat: {reps} \u00d7 {load} kg."
                )
            rows = mine.get_by_test_id("sets").locator("tbody tr")
            expect(rows).to_have_count(2)
            expect(mine.get_by_test_id("rest-timer")).not_to_have_text("0:00")

            live_rows = theirs.get_by_test_id("sets").locator("tbody tr")
            expect(live_rows).to_have_count(2)  # arrived over the WebSocket, no reload
            expect(live_rows.nth(1)).to_contain_text("105 kg")
            expect(theirs.get_by_test_id("live-feed")).to_contain_text("New record on Barbell Squat")
            theirs.screenshot(path=tmp_path / "coach.png", full_page=True)

            mine.get_by_label("Total (kg)").fill("102.5")
            mine.get_by_role("button", name="Plates").click()
            expect(mine.get_by_test_id("plates-result")).to_have_text(
                "102.5 kg: bar 20 kg + per side 25 + 15 + 1.25"
            )

            mine.get_by_test_id("finish").click()
            expect(mine).to_have_url(re.compile(rf"{re.escape(base)}/workouts/sessions/[0-9a-f-]+/"))

            mine.goto(f"{base}/workouts/progress/")
            chart = mine.get_by_test_id("chart-e1rm")
            expect(chart.locator("svg circle")).to_have_count(1)
            expect(chart).to_have_attribute("data-points", "1")
            expect(chart.locator("svg circle title")).to_have_text(re.compile(r": 129\.5 kg$"))
            expect(mine.get_by_test_id("chart-volume").locator("svg rect")).not_to_have_count(0)
            expect(mine.get_by_test_id("chart-hard-sets")).to_have_attribute("data-points", "1")
            mine.screenshot(path=tmp_path / "progress.png", full_page=True)
        finally:
            browser.close()

    assert problems == []
