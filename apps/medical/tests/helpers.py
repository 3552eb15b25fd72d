"""Shared inputs of the medical tests."""

from __future__ import annotations

from typing import Any

ALL_NO: dict[str, Any] = {f"g{i}": False for i in range(1, 8)} | {"d1": False, "d2": False, "d3": False}

# A knee problem (g6) with arthritis follow-ups, one of which is yes: needs clearance.
KNEE_YES: dict[str, Any] = {
    **ALL_NO,
    "g6": True,
    "g6_regions": ["knee"],
    "f1": True,
    "f1a": False,
    "f1b": True,
    "f1c": False,
    **{f"f{i}": False for i in range(2, 11)},
}

ADULT = "1990-04-02"


def screening_body(answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"answers": answers, "signed_name": "Member Person", "date_of_birth": ADULT, **extra}


def grant_consent(api: Any, gym: Any, *, kind: str, grantee: str | None, days: int = 30) -> Any:
    payload: dict[str, Any] = {"grantee_kind": kind, "days": days}
    if grantee is not None:
        payload["grantee_id"] = str(gym.people[grantee].id)
    return api(gym, "member").post("/api/v1/medical/consents/", payload, format="json")
