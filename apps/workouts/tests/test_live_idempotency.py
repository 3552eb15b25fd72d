"""Concurrent retries of one set (real threads, committed rows): one set, one set of records."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from apps.common.models import OutboxEvent
from apps.workouts.models import LoggedSet, PersonalRecord, WorkoutSession
from apps.workouts.services.sessions import session_start
from apps.workouts.tests.live_factories import catalogue
from apps.workouts.tests.live_support import Sessions, committed_sessions, in_own_connection
from conftest import World, body

__all__ = ["committed_sessions"]

RETRIES = 6


@pytest.fixture
def committed_session(world: World, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    """A committed in-progress session of gym A's member2; everything it leaves is removed."""
    member = world.a.people["member2"].id

    def make() -> tuple[str, str]:
        with schema_context(world.a.schema_name):
            session = session_start(member_id=member, started_by=member)
            return str(session.pk), str(catalogue("Barbell Deadlift").pk)

    made = in_own_connection(django_db_blocker, make)
    yield made

    def clean() -> None:
        with schema_context(world.a.schema_name):
            PersonalRecord.objects.filter(member_id=member).delete()
            WorkoutSession.objects.filter(member_id=member).delete()
        OutboxEvent.objects.filter(schema_name=world.a.schema_name, payload__member_id=str(member)).delete()

    in_own_connection(django_db_blocker, clean)


@pytest.mark.django_db
def test_concurrent_retries_log_one_set(
    world: World, committed_session: tuple[str, str], committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    session_id, deadlift = committed_session
    cookie = committed_sessions.cookie(world.a, "member2")
    set_id = str(uuid.uuid4())
    payload = {"id": set_id, "exercise": deadlift, "reps": 3, "load": "140", "rpe": "8"}
    start = threading.Barrier(RETRIES)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def retry() -> None:
        client = APIClient(HTTP_HOST=world.a.host)
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        try:
            with django_db_blocker.unblock():
                start.wait(timeout=10)
                response = client.post(
                    f"/api/v1/workouts/sessions/{session_id}/sets/", payload, format="json"
                )
                with lock:
                    answers.append((response.status_code, body(response)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(RETRIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(code for code, _ in answers) == [200] * (RETRIES - 1) + [201]
    assert {a["set"]["id"] for _, a in answers} == {set_id}
    assert len({str(a["set"]) for _, a in answers}) == 1
    created = next(a for code, a in answers if code == 201)
    assert sorted(r["kind"] for r in created["records"]) == ["e1rm", "rep_max", "volume"]

    def rows() -> tuple[int, int, int]:
        with schema_context(world.a.schema_name):
            return (
                LoggedSet.objects.filter(session_id=uuid.UUID(session_id)).count(),
                PersonalRecord.objects.filter(member_id=world.a.people["member2"].id).count(),
                OutboxEvent.objects.filter(
                    event_type="workouts.PersonalRecordSet",
                    payload__member_id=str(world.a.people["member2"].id),
                ).count(),
            )

    assert in_own_connection(django_db_blocker, rows) == (1, 3, 3)


SESSIONS_RACING = 4


@pytest.fixture
def committed_sessions_of_one_member(world: World, django_db_blocker: Any) -> Iterator[tuple[list[str], str]]:
    """Several committed in-progress sessions of gym A's member2; removed afterwards."""
    member = world.a.people["member2"].id

    def make() -> tuple[list[str], str]:
        with schema_context(world.a.schema_name):
            ids = [str(session_start(member_id=member, started_by=member).pk) for _ in range(SESSIONS_RACING)]
            return ids, str(catalogue("Barbell Deadlift").pk)

    made = in_own_connection(django_db_blocker, make)
    yield made

    def clean() -> None:
        with schema_context(world.a.schema_name):
            PersonalRecord.objects.filter(member_id=member).delete()
            WorkoutSession.objects.filter(member_id=member).delete()
        OutboxEvent.objects.filter(schema_name=world.a.schema_name, payload__member_id=str(member)).delete()

    in_own_connection(django_db_blocker, clean)


def post_at_once(
    world: World, cookie: str, session_ids: list[str], payload: dict[str, Any], blocker: Any
) -> list[tuple[int, bytes]]:
    """POST ``payload`` to the sets of every session, all at once (one thread each)."""
    start = threading.Barrier(len(session_ids))
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def post(session_id: str) -> None:
        client = APIClient(HTTP_HOST=world.a.host)
        client.raise_request_exception = False
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        try:
            with blocker.unblock():
                start.wait(timeout=10)
                url = f"/api/v1/workouts/sessions/{session_id}/sets/"
                response = client.post(url, payload, format="json")
                with lock:
                    answers.append((response.status_code, response.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(s,)) for s in session_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


@pytest.mark.django_db
def test_one_set_id_posted_to_several_sessions_at_once_is_one_set_and_400s(
    world: World,
    committed_sessions_of_one_member: tuple[list[str], str],
    committed_sessions: Sessions,
    django_db_blocker: Any,
) -> None:
    session_ids, deadlift = committed_sessions_of_one_member
    cookie = committed_sessions.cookie(world.a, "member2")
    for _ in range(3):
        set_id = str(uuid.uuid4())
        payload = {"id": set_id, "exercise": deadlift, "reps": 3, "load": "140"}
        answers = post_at_once(world, cookie, session_ids, payload, django_db_blocker)

        assert sorted(code for code, _ in answers) == [201] + [400] * (len(session_ids) - 1), answers
        assert all(b"another session" in content for code, content in answers if code == 400)

        def rows(set_id: str = set_id) -> int:
            with schema_context(world.a.schema_name):
                return LoggedSet.objects.filter(pk=uuid.UUID(set_id)).count()

        assert in_own_connection(django_db_blocker, rows) == 1
