"""The plugin PDP's decision latency, as a ratio to an in-process pluggy hook call.

Both are timed in the same run, interleaved round by round, in batches (a single call is close to
the resolution of the clock): each sample is the mean of one batch of ``--batch`` calls, and p50
and p99 are over the samples. No Django, database or network: the PDP is a pure function of the
attributes the PIPs gathered, so this measures exactly the decision.

    .venv/bin/python bench/plugins_bench.py [--rounds 20] [--batch 200] [--samples 500]

Cases: the pluggy baseline (one plugin registered, ``on_member_joined``); an allowed host
function (``notifications.send`` for a member); an allowed ``http.fetch`` (URL parsed, host
checked); a denial for health data (the first rule); a denial for an ungranted capability.
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--samples", type=int, default=500, help="samples per case in total")
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


if __name__ == "__main__":
    main()
