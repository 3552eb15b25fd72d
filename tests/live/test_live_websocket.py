"""WebSockets on a gym's host: who may follow a member's training, against the real Redis
channel layer and the real ASGI application of config/asgi.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings

from apps.workouts.live.broadcast import send_now
from apps.workouts.live.consumers import CLOSE_FORBIDDEN
from apps.workouts.tests.live_support import Sessions, committed_sessions, own_channel_layer, run_async
from conftest import GymFixture, World

__all__ = ["committed_sessions", "own_channel_layer"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_channel_layer")]


def _app() -> Any:
    from config.asgi import application

    return application


def communicator(gym_host: str, member_id: UUID, cookie: str | None, origin: str | None = None) -> Any:
    headers = [(b"host", gym_host.encode()), (b"origin", (origin or f"http://{gym_host}").encode())]
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(_app(), f"/ws/workouts/members/{member_id}/", headers=headers)


def feed(gym: GymFixture) -> UUID:
    return UUID(str(gym.people["member"].id))


@pytest.mark.parametrize("who", ["trainer", "member", "owner", "admin"])
def test_allowed_viewers_receive_the_members_events(
    world: World, committed_sessions: Sessions, django_db_blocker: Any, who: str
) -> None:
    cookie = committed_sessions.cookie(world.a, who)
    payload = {"type": "set_logged", "set": {"reps": 5, "load": "100"}}

    async def scenario() -> Any:
        comm = communicator(world.a.host, feed(world.a), cookie)
        connected, _ = await comm.connect()
        assert connected
        from channels.db import database_sync_to_async

        await database_sync_to_async(send_now)(
            schema_name=world.a.schema_name, member_id=feed(world.a), payload=payload
        )
        message = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return message

    assert run_async(django_db_blocker, scenario) == payload


@pytest.mark.parametrize("who", ["trainer2", "clinician", "member2"])
def test_people_of_the_gym_who_may_not_see_the_member_are_refused(
    world: World, committed_sessions: Sessions, django_db_blocker: Any, who: str
) -> None:
    cookie = committed_sessions.cookie(world.a, who)

    async def scenario() -> Any:
        comm = communicator(world.a.host, feed(world.a), cookie)
        return await comm.connect()

    assert run_async(django_db_blocker, scenario) == (False, CLOSE_FORBIDDEN)


def test_another_gyms_trainer_is_refused_on_either_host(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    cookie_b = committed_sessions.cookie(world.b, "trainer")

    async def scenario() -> Any:
        # B's session on A's host: the session row does not exist in A's schema.
        on_a = await communicator(world.a.host, feed(world.a), cookie_b).connect()
        # On B's own host, following A's member: not someone B's trainer coaches in B.
        on_b = await communicator(world.b.host, feed(world.a), cookie_b).connect()
        return on_a, on_b

    on_a, on_b = run_async(django_db_blocker, scenario)
    assert on_a == (False, 1000)  # refused at the handshake (HTTP 403), before any consumer
    assert on_b == (False, CLOSE_FORBIDDEN)


def test_a_trainer_session_without_mfa_is_refused(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    """Trainers must verify MFA (ADR 0014): a session that has not cannot open the socket."""
    cookie = committed_sessions.cookie(world.a, "trainer", mfa=False)

    async def scenario() -> Any:
        return await communicator(world.a.host, feed(world.a), cookie).connect()

    assert run_async(django_db_blocker, scenario) == (False, 1000)


def test_trainer_in_a_who_is_a_member_in_b_cannot_follow_bs_member(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    cookie = committed_sessions.cookie(world.b, "both@example.test")

    async def scenario() -> Any:
        return await communicator(world.b.host, feed(world.b), cookie).connect()

    assert run_async(django_db_blocker, scenario) == (False, CLOSE_FORBIDDEN)


def test_anonymous_unknown_host_and_foreign_origin_are_refused(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    cookie = committed_sessions.cookie(world.a, "trainer")

    async def scenario() -> Any:
        return (
            await communicator(world.a.host, feed(world.a), None).connect(),
            await communicator(world.a.host, feed(world.a), "not-a-session").connect(),
            await communicator("nowhere.localhost", feed(world.a), cookie).connect(),
            await communicator(world.a.host, feed(world.a), cookie, origin="https://evil.example").connect(),
        )

    assert run_async(django_db_blocker, scenario) == ((False, 1000),) * 4


def test_events_of_one_gym_never_reach_a_follower_in_the_other(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    """Groups are per gym schema: the same member id in another gym is another group."""
    cookie_b = committed_sessions.cookie(world.b, "owner")
    both = UUID(str(world.both.id))  # a member in B, a trainer in A

    async def scenario() -> Any:
        from channels.db import database_sync_to_async

        comm = communicator(world.b.host, both, cookie_b)
        connected, _ = await comm.connect()
        assert connected
        await database_sync_to_async(send_now)(
            schema_name=world.a.schema_name, member_id=both, payload={"type": "set_logged"}
        )
        nothing = await comm.receive_nothing(timeout=0.5)
        await database_sync_to_async(send_now)(
            schema_name=world.b.schema_name, member_id=both, payload={"type": "in_b"}
        )
        got = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return nothing, got

    assert run_async(django_db_blocker, scenario) == (True, {"type": "in_b"})


def test_a_set_logged_reaches_the_coach_and_not_an_unassigned_trainer(
    world: World, committed_sessions: Sessions, django_db_blocker: Any
) -> None:
    """The whole path: the member logs a set through the API (committed), the coach's socket
    gets it after commit; trainer2 (coaches nobody) is refused at connect."""
    import uuid

    from django_tenants.utils import schema_context
    from rest_framework.test import APIClient

    from apps.common.models import OutboxEvent
    from apps.workouts.models import PersonalRecord, WorkoutSession
    from apps.workouts.tests.live_factories import catalogue

    member = world.a.people["member"]
    coach = committed_sessions.cookie(world.a, "trainer")
    unassigned = committed_sessions.cookie(world.a, "trainer2")
    mine = committed_sessions.cookie(world.a, "member")
    set_id = str(uuid.uuid4())

    def log_a_set() -> dict[str, Any]:
        client = APIClient(HTTP_HOST=world.a.host)
        client.cookies[settings.SESSION_COOKIE_NAME] = mine
        with schema_context(world.a.schema_name):
            squat = str(catalogue("Barbell Squat").pk)
        session = client.post("/api/v1/workouts/sessions/", {}, format="json").json()
        response = client.post(
            f"/api/v1/workouts/sessions/{session['id']}/sets/",
            {"id": set_id, "exercise": squat, "reps": 5, "load": "100"},
            format="json",
        )
        assert response.status_code == 201
        return response.json()  # type: ignore[no-any-return]

    async def scenario() -> Any:
        from channels.db import database_sync_to_async

        watching = communicator(world.a.host, feed(world.a), coach)
        assert (await watching.connect())[0]
        refused = await communicator(world.a.host, feed(world.a), unassigned).connect()
        logged = await database_sync_to_async(log_a_set)()
        message = await watching.receive_json_from(timeout=5)
        await watching.disconnect()
        return refused, logged, message

    try:
        refused, logged, message = run_async(django_db_blocker, scenario)
    finally:

        def clean() -> None:
            with schema_context(world.a.schema_name):
                PersonalRecord.objects.filter(member_id=member.id).delete()
                WorkoutSession.objects.filter(member_id=member.id).delete()
            OutboxEvent.objects.filter(
                schema_name=world.a.schema_name, payload__member_id=str(member.id)
            ).delete()

        from apps.workouts.tests.live_support import in_own_connection

        in_own_connection(django_db_blocker, clean)
    assert refused == (False, CLOSE_FORBIDDEN)
    assert message["type"] == "set_logged"
    assert message["set"] == logged["set"]
    assert [r["kind"] for r in message["records"]] == [r["kind"] for r in logged["records"]]


def test_an_unassigned_coach_loses_the_feed_at_the_next_event(
    world: World, committed_sessions: Sessions, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Access is re-checked while the socket is open (every ``RECHECK_SECONDS``; 0 here)."""
    from apps.organizations.models import CoachingAssignment, Gym
    from apps.organizations.services import coaching_assign
    from apps.workouts.live import consumers
    from apps.workouts.tests.live_support import in_own_connection

    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.0)
    cookie = committed_sessions.cookie(world.a, "trainer")
    trainer, member = world.a.people["trainer"].id, feed(world.a)
    first = {"type": "set_logged", "set": {"reps": 5}}

    def unassign() -> None:
        CoachingAssignment.objects.filter(gym_id=world.a.id, trainer_id=trainer, client_id=member).delete()

    def reassign() -> None:
        coaching_assign(
            gym=Gym.objects.get(pk=world.a.id),
            trainer_id=trainer,
            client_id=member,
            actor_id=None,
            actor_role=None,
        )

    async def scenario() -> Any:
        from channels.db import database_sync_to_async

        comm = communicator(world.a.host, member, cookie)
        connected, _ = await comm.connect()
        assert connected
        send = database_sync_to_async(send_now)
        await send(schema_name=world.a.schema_name, member_id=member, payload=first)
        received = await comm.receive_json_from(timeout=5)
        await database_sync_to_async(unassign)()
        await send(schema_name=world.a.schema_name, member_id=member, payload={"type": "set_logged"})
        closed = await comm.receive_output(timeout=5)
        return received, closed

    try:
        received, closed = run_async(django_db_blocker, scenario)
    finally:
        in_own_connection(django_db_blocker, reassign)
    assert received == first
    assert closed == {"type": "websocket.close", "code": consumers.CLOSE_FORBIDDEN}


def test_a_socket_past_the_idle_limit_closes_at_the_next_event(
    world: World,
    committed_sessions: Sessions,
    django_db_blocker: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    """A socket is not activity: once the session is idle past ADR 0014's limit, the feed ends."""
    from datetime import timedelta

    from apps.workouts.live import consumers

    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.0)
    cookie = committed_sessions.cookie(world.a, "trainer")

    async def scenario() -> Any:
        from channels.db import database_sync_to_async

        comm = communicator(world.a.host, feed(world.a), cookie)
        connected, _ = await comm.connect()
        assert connected
        settings.HEALTH_SESSION_IDLE_TIMEOUT = timedelta(seconds=-1)
        await database_sync_to_async(send_now)(
            schema_name=world.a.schema_name, member_id=feed(world.a), payload={"type": "set_logged"}
        )
        return await comm.receive_output(timeout=5)

    closed = run_async(django_db_blocker, scenario)
    assert closed == {"type": "websocket.close", "code": consumers.CLOSE_SESSION_ENDED}
