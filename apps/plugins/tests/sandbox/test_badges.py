"""The first-party badges sample gives the same answers in every kind that runs it."""

from __future__ import annotations

from typing import Any

import pytest

from apps.plugins.sandbox import ErrorKind, SandboxKind

from .conftest import BADGES_ENTRIES, RecordingHost

KINDS = [SandboxKind.WORKER, SandboxKind.WASM, SandboxKind.V8, SandboxKind.CONTAINER]


def events(*rows: tuple[int, int, int]) -> dict[str, Any]:
    return {"events": [{"day": d, "exercise": e, "load_g": load, "reps": 5} for d, e, load in rows]}


CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (events(), {"badges": [], "longest_streak": 0, "personal_records": 0}),
    (
        events((10, 1, 50_000), (11, 1, 55_000), (12, 2, 30_000), (14, 1, 55_000)),
        {"badges": ["streak-3", "first-pr"], "longest_streak": 3, "personal_records": 1},
    ),
    (
        events(*[(100 + d, d % 3, 1000 * d) for d in range(35)]),
        {
            "badges": ["streak-3", "streak-7", "streak-30", "first-pr", "pr-10"],
            "longest_streak": 35,
            "personal_records": 32,
        },
    ),
    (
        events((5, 7, 100), (5, 7, 100), (3, 7, 90), (4, 7, 101)),
        {"badges": ["streak-3", "first-pr"], "longest_streak": 3, "personal_records": 1},
    ),
]


@pytest.mark.parametrize("kind", KINDS)
def test_badges_same_answers_and_host_calls_in_every_kind(make_pool, kind):
    pool = make_pool("badges", BADGES_ENTRIES[kind], kind)
    for payload, expected in CASES:
        host = RecordingHost()
        result = pool.call("badges.evaluate", payload, host=host)
        assert result.error_message == ""
        assert result.ok is True
        assert result.value == expected
        assert host.calls == [("badges.award", {"badge": badge}) for badge in expected["badges"]]
        assert result.stats.host_calls == len(expected["badges"])
        assert result.stats.denials == 0


INVALID = [
    {"events": [{"day": -1, "exercise": 1, "load_g": 1, "reps": 1}]},
    {"events": [{"day": 1, "exercise": 4096, "load_g": 1, "reps": 1}]},
    {"events": [{"day": 1, "exercise": 1, "load_g": 1}]},
    {"events": [{"day": 1, "exercise": 1, "load_g": 1, "reps": 1, "set": 2}]},
    {"events": [{"day": "1", "exercise": 1, "load_g": 1, "reps": 1}]},
    {"events": {"day": 1}},
    {"workouts": []},
]


@pytest.mark.parametrize("kind", KINDS)
def test_badges_refuse_the_same_invalid_inputs_in_every_kind(make_pool, kind):
    pool = make_pool("badges", BADGES_ENTRIES[kind], kind)
    for payload in INVALID:
        result = pool.call("badges.evaluate", payload, host=RecordingHost())
        assert (result.ok, result.error_kind) == (False, ErrorKind.PLUGIN_ERROR), payload
    assert pool.call("badges.evaluate", events((1, 1, 1)), host=RecordingHost()).ok is True


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_award_fails_the_hook_as_denied(make_pool, kind):
    pool = make_pool("badges", BADGES_ENTRIES[kind], kind)
    host = RecordingHost(granted={})
    result = pool.call("badges.evaluate", events((1, 1, 1), (2, 1, 2), (3, 1, 3)), host=host)
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert host.calls == [("badges.award", {"badge": "streak-3"})]
    assert result.stats.denials == 1
    assert "badges.award" in result.error_message


@pytest.mark.parametrize("kind", KINDS)
def test_ping_answers_without_running_a_hook(make_pool, kind):
    pool = make_pool("badges", BADGES_ENTRIES[kind], kind)
    host = RecordingHost()
    first = pool.ping()
    assert (first.ok, first.value, first.error_kind, first.stats.cold_start) == (True, {}, None, True)
    second = pool.ping()
    assert (second.ok, second.stats.cold_start, second.stats.host_calls) == (True, False, 0)
    assert host.calls == []
