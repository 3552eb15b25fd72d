"""Training benchmarks: set logging under concurrent clients against the bare view, list query
counts against page size, and the time from a set logged to the coach's WebSocket message.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gym_live_bench \\
      .venv/bin/python bench/workouts_bench.py [--rounds 3] [--duration 6] [--connections 16]

Its own database (dropped and created afresh; the name must contain ``bench``), Redis keys under
``CACHE_KEY_PREFIX`` (default ``gymbench``). One uvicorn server of ``config.asgi`` with the bench
settings (as configured: pool, one Redis client per process) and ``--workers`` processes.

1. Throughput: a closed-loop keep-alive asyncio client (each connection sends its next request
   when the answer is in) loads, in alternating rounds, the bare view ``GET /api/bench/bare/``
   (the foundation's baseline: same middleware branches as the API) and
   ``POST /api/v1/workouts/sessions/<id>/sets/`` with a fresh client id per request. Each
   connection is its own member with their own session (a session's sets are serialised by its
   row lock), authenticated by a personal API token.
2. Query counts: in process, the list endpoints at page sizes 1, 10 and 50 over a member with
   60 sets in 12 sessions.
3. Live latency: the coach's WebSocket (session cookie) follows a member; one set at a time is
   logged over HTTP; the time from sending the POST to the message arriving, and from the POST's
   answer to the message.
Benchmarks are not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness, world

BARE = "/api/bench/bare/"


@dataclass
class Member:
    user_id: str
    token: str
    session_id: str


@dataclass
class TrainingWorld:
    gym: world.BenchGym
    exercise_id: str
    members: list[Member]
    coach_cookie: str
    watched: Member


def seed(gym: world.BenchGym, clients: int) -> TrainingWorld:
    """Members with tokens and an open session each, a trainer coaching the first one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    from apps.organizations.facade.contracts import Role
    from apps.organizations.models import Gym
    from apps.organizations.services import coaching_assign, membership_add
    from apps.users.facade import api as users
    from apps.users.facade.testing import mark_session_mfa_verified
    from apps.users.services import token_create
    from apps.workouts.models import Exercise
    from apps.workouts.services.sessions import session_start

    gym_row = Gym.objects.get(pk=gym.gym_id)
    trainer = users.user_ensure(email="coach@bench-gym.test", password=world.PASSWORD, full_name="Coach")
    membership_add(gym=gym_row, user_id=trainer.id, role=Role.TRAINER, actor_id=None)
    members: list[Member] = []
    with schema_context(gym.schema_name):
        exercise_id = str(Exercise.objects.get(name="Barbell Squat").pk)
    for i in range(clients):
        person = users.user_ensure(email=f"lifter-{i:03d}@bench-gym.test", full_name=f"Lifter {i}")
        membership_add(gym=gym_row, user_id=person.id, role=Role.MEMBER, actor_id=None)
        _, raw = token_create(user_id=person.id, gym_id=gym.gym_id, name="bench")
        with schema_context(gym.schema_name):
            session = session_start(member_id=person.id, started_by=person.id)
        members.append(Member(str(person.id), raw, str(session.pk)))
    coaching_assign(
        gym=gym_row,
        trainer_id=trainer.id,
        client_id=uuid.UUID(members[0].user_id),
        actor_id=None,
        actor_role=None,
    )
    user = get_user_model().objects.get(pk=trainer.id)
    with schema_context(gym.schema_name):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        mark_session_mfa_verified(store)  # trainers must verify MFA (ADR 0014)
        store.create()
        cookie = store.session_key
    assert cookie is not None
    return TrainingWorld(gym, exercise_id, members, cookie, members[0])


# --- load ----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return harness.percentile(self.latencies, q) * 1000 if self.latencies else 0.0


def _request(method: str, path: str, host: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _load(port: int, tw: TrainingWorld, *, post: bool, seconds: float, connections: int) -> Result:
    result = Result("set logging" if post else "bare view")
    deadline = time.perf_counter() + seconds

    async def worker(member: Member) -> None:
        reader, writer = await asyncio.open_connection(harness.LOOPBACK, port)
        headers = {"Authorization": f"Bearer {member.token}", "Accept": "application/json"}
        try:
            while time.perf_counter() < deadline:
                if post:
                    payload = {"id": str(uuid.uuid4()), "exercise": tw.exercise_id, "reps": 5, "load": "100"}
                    path = f"/api/v1/workouts/sessions/{member.session_id}/sets/"
                    data = _request("POST", path, tw.gym.host, headers, json.dumps(payload).encode())
                else:
                    data = _request("GET", BARE, tw.gym.host, headers)
                started = time.perf_counter()
                writer.write(data)
                status = await asyncio.wait_for(harness._read_response(reader), timeout=30)
                result.latencies.append(time.perf_counter() - started)
                if status >= 400:
                    result.errors += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(m) for m in tw.members[:connections]))
    result.seconds = time.perf_counter() - began
    result.requests = len(result.latencies)
    return result


def throughput(
    port: int, tw: TrainingWorld, *, rounds: int, duration: float, connections: int
) -> list[Result]:
    merged = {False: Result("bare view"), True: Result("set logging")}
    rps: dict[bool, list[float]] = {False: [], True: []}
    asyncio.run(_load(port, tw, post=False, seconds=2, connections=connections))  # warm-up
    asyncio.run(_load(port, tw, post=True, seconds=2, connections=connections))
    for index in range(rounds):
        for post in (index % 2 == 0, index % 2 == 1):  # alternate which goes first
            one = asyncio.run(_load(port, tw, post=post, seconds=duration, connections=connections))
            harness.log(f"round {index + 1}: {one.name} {one.rps:.0f} req/s p99 {one.pct(99):.1f} ms")
            target = merged[post]
            target.requests += one.requests
            target.seconds += one.seconds
            target.errors += one.errors
            target.latencies += one.latencies
            rps[post].append(one.rps)
    for post, result in merged.items():
        result.seconds = result.requests / statistics.median(rps[post]) if rps[post] else 0.0
    return [merged[False], merged[True]]


# --- query counts -------------------------------------------------------------------------


def query_counts(tw: TrainingWorld) -> dict[str, dict[int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context
    from rest_framework.test import APIClient

    from apps.workouts.services.sessions import SetInput, session_finish, session_log_set, session_start

    member = tw.members[-1]
    member_id = uuid.UUID(member.user_id)
    with schema_context(tw.gym.schema_name):
        for s in range(12):
            session = session_start(member_id=member_id, started_by=member_id)
            for r in range(5):
                session_log_set(
                    gym_id=tw.gym.gym_id,
                    session_id=session.pk,
                    set_id=uuid.uuid4(),
                    exercise_id=uuid.UUID(tw.exercise_id),
                    values=SetInput(reps=5 + r, load_kg=harness_decimal(60 + s * 2.5)),
                    broadcast=False,
                )
            session_finish(gym_id=tw.gym.gym_id, session_id=session.pk)
    client = APIClient(HTTP_HOST=tw.gym.host, HTTP_AUTHORIZATION=f"Bearer {member.token}")
    paths = {
        "GET /api/v1/workouts/sessions/": "/api/v1/workouts/sessions/",
        "GET /api/v1/workouts/sets/": "/api/v1/workouts/sets/",
        "GET /api/v1/workouts/records/": "/api/v1/workouts/records/",
        "GET /api/v1/workouts/progress/ (whole window)": "/api/v1/workouts/progress/",
    }
    out: dict[str, dict[int, int]] = {}
    for name, path in paths.items():
        out[name] = {}
        for size in (1, 10, 50):
            client.get(path, {"page_size": size})  # warm caches (routing, throttles)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {"page_size": size})
            assert response.status_code == 200, (path, response.status_code)
            out[name][size] = len(queries)
    return out


def harness_decimal(value: float) -> Any:
    from decimal import Decimal

    return Decimal(str(value))


# --- live latency ---------------------------------------------------------------------------


async def _live(port: int, tw: TrainingWorld, samples: int) -> tuple[list[float], list[float]]:
    import websockets

    member = tw.watched
    # The URL names the gym's host (the Host header); the socket goes to the loopback address.
    url = f"ws://{tw.gym.host}:{port}/ws/workouts/members/{member.user_id}/"
    headers = {"Origin": f"http://{tw.gym.host}:{port}", "Cookie": f"sessionid={tw.coach_cookie}"}
    from_send: list[float] = []
    from_answer: list[float] = []
    async with websockets.connect(
        url, additional_headers=headers, host=harness.LOOPBACK, port=port
    ) as socket:
        reader, writer = await asyncio.open_connection(harness.LOOPBACK, port)
        http_headers = {"Authorization": f"Bearer {member.token}", "Accept": "application/json"}
        try:
            for _ in range(samples):
                set_id = str(uuid.uuid4())
                payload = {"id": set_id, "exercise": tw.exercise_id, "reps": 3, "load": "80"}
                path = f"/api/v1/workouts/sessions/{member.session_id}/sets/"
                answered: list[float] = []

                async def answer(done: list[float] = answered) -> None:
                    await harness._read_response(reader)
                    done.append(time.perf_counter())

                sent = time.perf_counter()
                writer.write(_request("POST", path, tw.gym.host, http_headers, json.dumps(payload).encode()))
                pending = asyncio.ensure_future(answer())
                while True:
                    message = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
                    if message.get("set", {}).get("id") == set_id:
                        break
                arrived = time.perf_counter()
                await pending
                from_send.append(arrived - sent)
                from_answer.append(arrived - answered[0])  # negative: the message came first
                await asyncio.sleep(0.02)
        finally:
            writer.close()
    return from_send, from_answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--live-samples", type=int, default=200)
    args = parser.parse_args(argv)
    logdir = Path(tempfile.mkdtemp(prefix="gym-bench-workouts-"))
    harness.log(f"logs in {logdir}")
    load_before = harness.wait_quiet(30, 1.0)
    world.build_database()
    harness.setup_django()
    gym = world.seed_gym(members=2)
    tw = seed(gym, max(args.connections, 2))
    from django.db import connections

    counts = query_counts(tw)
    connections.close_all()
    server = harness.Server("workouts", {}, args.workers, logdir)
    with harness.servers([server], gym.host):
        bare, logging_ = throughput(
            server.port, tw, rounds=args.rounds, duration=args.duration, connections=args.connections
        )
        from_send, from_answer = asyncio.run(_live(server.port, tw, args.live_samples))
    ratio = logging_.rps / bare.rps if bare.rps else 0.0
    print(f"### Training: {args.workers} uvicorn workers, {args.connections} connections")
    print()
    print(
        f"Load average at start {load_before:.2f}; {args.rounds} rounds x {args.duration:.0f} s, alternating."
    )
    print()
    print("| case | req/s (median of rounds) | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for r in (bare, logging_):
        print(f"| {r.name} | {r.rps:.0f} | {r.pct(50):.1f} | {r.pct(99):.1f} | {r.errors} |")
    print()
    print(
        f"Set logging / bare view: throughput {ratio:.2f}, p99 {logging_.pct(99) / bare.pct(99):.2f}x, "
        f"p50 {logging_.pct(50) / bare.pct(50):.2f}x."
    )
    print()
    print("| list endpoint | queries at page size 1 | 10 | 50 |")
    print("|---|---:|---:|---:|")
    for name, by_size in counts.items():
        print(f"| `{name}` | {by_size[1]} | {by_size[10]} | {by_size[50]} |")
    print()
    send = harness.percentiles(from_send)
    after = harness.percentiles(from_answer)
    print(f"Set logged -> coach's WebSocket message, {len(from_send)} sets one after another:")
    print()
    print("| measured from | p50 ms | p95 ms | max ms |  (negative: the message arrived before the answer)")
    print("|---|---:|---:|---:|")
    for label, stats in (("sending the POST", send), ("the POST's answer", after)):
        print(f"| {label} | {stats['p50'] * 1e3:.1f} | {stats['p95'] * 1e3:.1f} | {stats['max'] * 1e3:.1f} |")
    env = harness.bench_env()
    harness.clear_redis(env["REDIS_URL"], f"{env['CACHE_KEY_PREFIX']}:*")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
