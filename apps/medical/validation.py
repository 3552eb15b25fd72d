"""Checks of structured health input against the shared vocabulary (apps/common/health.py).

Errors are ``django.core.exceptions.ValidationError`` keyed by field, with the allowed values in
the message, so the API answers 400 with a precise, fixable message. Messages never echo a
free-text health value back.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from apps.common import health

AVOIDABLE = [*health.vocabulary()["patterns"], *health.vocabulary()["positions"]]


def _allowed(name: str, values: Iterable[str]) -> str:
    return f"Unknown {name}. Allowed values: {', '.join(values)}."


def restriction_fields(
    *,
    region: str | None,
    avoid: Any,
    action: str,
    severity: str,
    cap_load_kg: Decimal | None,
    cap_rpe: Decimal | None,
) -> list[str]:
    """Validate a restriction's structure; returns ``avoid`` as a sorted, de-duplicated list."""
    vocab = health.vocabulary()
    errors: dict[str, list[str]] = {}
    if region is not None and region not in vocab["regions"]:
        errors["region"] = [_allowed("region", vocab["regions"])]
    if not isinstance(avoid, list) or not all(isinstance(v, str) for v in avoid):
        errors["avoid"] = ["A list of movement patterns and positions."]
        cleaned: list[str] = []
    else:
        unknown = sorted({v for v in avoid if v not in AVOIDABLE})
        if unknown:
            errors["avoid"] = [
                f"Unknown pattern or position: {', '.join(unknown)}. Allowed values: {', '.join(AVOIDABLE)}."
            ]
        cleaned = sorted(set(avoid))
    if action not in vocab["actions"]:
        errors["action"] = [_allowed("action", vocab["actions"])]
    if severity not in vocab["severities"]:
        errors["severity"] = [_allowed("severity", vocab["severities"])]
    if region is None and not avoid:
        errors.setdefault("region", []).append("Name a region, patterns or positions to avoid, or both.")
    if action == health.RestrictionAction.CAP_LOAD.value and cap_load_kg is None:
        errors["cap_load_kg"] = ["A load cap (kg) is required when the action is cap_load."]
    if action == health.RestrictionAction.CAP_RPE.value and cap_rpe is None:
        errors["cap_rpe"] = ["An RPE cap is required when the action is cap_rpe."]
    if cap_load_kg is not None and cap_load_kg < 0:
        errors["cap_load_kg"] = ["The load cap cannot be negative."]
    if cap_rpe is not None and not (Decimal(1) <= cap_rpe <= Decimal(10)):
        errors["cap_rpe"] = ["The RPE cap is between 1 and 10."]
    if errors:
        raise ValidationError(errors)
    return cleaned
