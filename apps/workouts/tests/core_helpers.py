"""Builders shared by the core training tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_started
from django.db import connection, reset_queries

from apps.workouts.services.catalogue import catalogue_id

SQUAT = str(catalogue_id("Barbell_Full_Squat"))
BENCH = str(catalogue_id("Barbell_Bench_Press_-_Medium_Grip"))
ROW = str(catalogue_id("Bent_Over_Barbell_Row"))
CURL = str(catalogue_id("Barbell_Curl"))
LEG_PRESS = str(catalogue_id("Leg_Press"))


def program(name: str = "Base strength", **extra: Any) -> dict[str, Any]:
    """Two days: a linear squat, and a bench + row superset with fixed sets."""
    body: dict[str, Any] = {
        "name": name,
        "unit": "kg",
        "weeks": [
            {
                "number": 1,
                "days": [
                    {
                        "number": 1,
                        "name": "Squat day",
                        "slots": [
                            {
                                "exercises": [
                                    {
                                        "exercise_id": SQUAT,
                                        "progression_key": "squat",
                                        "scheme": {
                                            "kind": "linear",
                                            "sets": 3,
                                            "reps": 5,
                                            "increment": "2.5",
                                        },
                                        "start": {"load": "100"},
                                    }
                                ]
                            }
                        ],
                    },
                    {
                        "number": 2,
                        "name": "Upper",
                        "slots": [
                            {
                                "note": "superset",
                                "exercises": [
                                    {
                                        "exercise_id": BENCH,
                                        "sets": [
                                            {"set_type": "warm_up", "reps_low": 5, "load_value": "40"},
                                            {
                                                "reps_low": 8,
                                                "reps_high": 12,
                                                "load_value": "60",
                                                "rest_seconds": 90,
                                            },
                                        ],
                                    },
                                    {
                                        "exercise_id": ROW,
                                        "sets": [{"reps_low": 8, "load_basis": "rpe", "load_value": "8"}],
                                    },
                                ],
                            }
                        ],
                    },
                ],
            }
        ],
    }
    body.update(extra)
    return body


@contextmanager
def query_log_kept() -> Iterator[None]:
    """Django empties the query log when a request starts, so counting the queries of a
    test-client request (``django_assert_num_queries``) sees nothing; keep the log meanwhile."""
    request_started.disconnect(reset_queries)
    try:
        yield
    finally:
        request_started.connect(reset_queries)


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL of every query run inside, whatever Django's query log does meanwhile."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen
