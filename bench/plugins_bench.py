"""The plugin PDP's decision latency, as a ratio to an in-process pluggy hook call.

Both are timed in the same run, interleaved round by round, in batches (a single call is close to
the resolution of the clock): each sample is the mean of one batch of ``--batch`` calls, and p50
and p99 are over the samples. No Django, database or network: the PDP is a pure function of the
attributes the PIPs gathered, so this measures exactly the decision.

    .venv/bin/python bench/plugins_bench.py [--rounds 20] [--batch 200] [--samples 500]

Cases: the pluggy baseline (one plugin registered, ``on_member_joined``); an allowed host
function (``notifications.send`` for a member); an allowed ``http.fetch`` (URL parsed, host
checked); a denial for health data (the first rule); a denial for an ungranted capability.

``--full`` also prices the whole path through Django and PostgreSQL, one call per sample, in its
own database (``gym_plugins_bench`` on the server of ``DATABASE_URL``, dropped and created afresh;
``BENCH_DATABASE_URL`` overrides): the PIPs (one guardian query), one host function through its
PEP (decision and audit row), and the first-party badges sample's ``health_ping`` and
``on_personal_record_set`` through ``runtime.hook_run`` (PIPs, sandbox, metrics row) with warm
workers, in the worker kind (badges 1.0.0) and the V8 kind (badges 1.1.0).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.plugins.capabilities import Classification, PlanTier
from apps.plugins.hookspecs import hookimpl, plugin_manager
from apps.plugins.policy import Request, Subject, decide


class _Greeter:
    @hookimpl
    def on_member_joined(self, event: dict[str, Any]) -> Any:
        return event["user_id"]


def cases() -> dict[str, Callable[[], Any]]:
    pm = plugin_manager()
    pm.register(_Greeter())
    hook = pm.hook.on_member_joined
    event = {"user_id": "u-1", "gym_id": 1}
    subject = Subject(
        gym_id=1,
        plugin_id="badges",
        active=True,
        plan=PlanTier.PRO,
        declared=frozenset({"events.workout.read", "storage.kv", "notifications.send", "http.fetch"}),
        granted=frozenset(
            {"use_events_workout_read", "use_storage_kv", "use_notifications_send", "use_http_fetch"}
        ),
        http_hosts=frozenset({"api.example.com"}),
    )
    notify = Request("notifications.send", Classification.PERSONAL, member_role="member")
    fetch = Request("http.fetch", Classification.INTERNAL, url="https://api.example.com/v1/ping?x=1")
    health = Request("health.read", Classification.HEALTH)
    ungranted = Request("payments.charge", Classification.PERSONAL)
    if not (decide(subject, notify).allowed and decide(subject, fetch).allowed):
        raise SystemExit("the allowed cases are denied: the benchmark would time the wrong path")
    if decide(subject, health).allowed or decide(subject, ungranted).allowed:
        raise SystemExit("the denied cases are allowed: the benchmark would time the wrong path")
    return {
        "pluggy in-process hook call": lambda: hook(event=event),
        "PDP allow notifications.send": lambda: decide(subject, notify),
        "PDP allow http.fetch": lambda: decide(subject, fetch),
        "PDP deny health data": lambda: decide(subject, health),
        "PDP deny ungranted capability": lambda: decide(subject, ungranted),
    }


def sample(func: Callable[[], Any], batch: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(batch):
        func()
    return (time.perf_counter_ns() - start) / batch / 1000  # microseconds per call


def timed(func: Callable[[], Any], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter_ns()
        func()
        out.append((time.perf_counter_ns() - start) / 1000)
    return sorted(out)


def full_path(calls: int) -> dict[str, list[float]]:
    """Per-call times (us) of the PIPs, a PEP and sandboxed hooks, in a fresh bench database."""
    from psycopg.conninfo import make_conninfo

    from bench import harness, world

    if not os.environ.get("BENCH_DATABASE_URL"):
        os.environ["BENCH_DATABASE_URL"] = make_conninfo(
            harness.bench_database_url(), dbname="gym_plugins_bench"
        )
    world.build_database()
    harness.setup_django()
    from django_tenants.utils import schema_context

    from apps.plugins import pip, registry, runtime, services
    from apps.plugins.host import PluginHost
    from apps.users.facade.api import user_by_email

    gym = world.seed_gym(subdomain="plugins-bench", members=2)
    owner = user_by_email(email=world.OWNER_EMAIL)
    assert owner is not None
    out: dict[str, list[float]] = {}
    with schema_context(gym.schema_name):
        inst = services.plugin_install(
            gym_id=gym.gym_id,
            plugin_id="badges",
            version="1.0.0",
            granted=["events.workout.read", "storage.kv", "notifications.send"],
            actor_id=None,
        )
        inst = services.plugin_configure(installation=inst, values={"announce": False}, actor_id=None)
        inst = services.plugin_activate(installation=inst, actor_id=None)
        package = registry.package_get("badges", "1.0.0")
        assert package is not None
        context = pip.gym_context()
        subject = pip.subject_for(installation=inst, manifest=package.manifest, gym=context)
        host = PluginHost(installation=inst, subject=subject, hook="bench")
        out["PIPs: plan, grants (one guardian query)"] = timed(
            lambda: pip.subject_for(installation=inst, manifest=package.manifest, gym=context), calls
        )
        out["PEP storage.get (decision + audit row)"] = timed(
            lambda: host("storage.get", {"key": "k"}), calls
        )
        record = {"event": {"member_id": str(owner.id), "occurred_at": "2026-11-30T07:00:00+00:00"}}
        for version, kind in (("1.0.0", "worker"), ("1.1.0", "v8")):
            if version != inst.version:
                inst = services.plugin_version_change(
                    installation=inst, version=version, granted=None, actor_id=None
                )
            for _ in range(20):  # warm the pool
                runtime.hook_run(installation_id=inst.pk, hook="health_ping", payload={})
            pk = inst.pk
            out[f"hook_run {kind}: health_ping"] = timed(
                lambda pk=pk: runtime.hook_run(installation_id=pk, hook="health_ping", payload={}), calls
            )
            out[f"hook_run {kind}: on_personal_record_set (2 host calls)"] = timed(
                lambda pk=pk: runtime.hook_run(
                    installation_id=pk, hook="on_personal_record_set", payload=record
                ),
                calls,
            )
        runtime.pools_close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--samples", type=int, default=500, help="samples per case in total")
    parser.add_argument("--full", action="store_true", help="also time the path through Django (see above)")
    parser.add_argument("--calls", type=int, default=300, help="calls per case of --full")
    args = parser.parse_args()
    funcs = cases()
    for func in funcs.values():  # warm up
        sample(func, args.batch * 10)
    per_round = max(1, args.samples // args.rounds)
    results: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(args.rounds):
        for name, func in funcs.items():
            results[name].extend(sample(func, args.batch) for _ in range(per_round))
    base = statistics.median(results["pluggy in-process hook call"])
    load = os.getloadavg()[0]
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load {load:.2f}")
    print(f"{args.rounds} rounds, {per_round * args.rounds} samples of {args.batch} calls per case\n")
    print("| case | p50 (us) | p99 (us) | p50 / pluggy call |")
    print("|---|---|---|---|")
    for name, values in results.items():
        values.sort()
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"| {name} | {p50:.2f} | {p99:.2f} | {p50 / base:.2f}x |")
    if args.full:
        full = full_path(args.calls)
        print(f"\n--full: {args.calls} calls per case, one call per sample, load {os.getloadavg()[0]:.2f}\n")
        print("| case | p50 (us) | p99 (us) | p50 / pluggy call |")
        print("|---|---|---|---|")
        for name, values in full.items():
            p50 = statistics.median(values)
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
            print(f"| {name} | {p50:.1f} | {p99:.1f} | {p50 / base:.0f}x |")


if __name__ == "__main__":
    main()
