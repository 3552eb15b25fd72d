"""Badges for streaks and personal records: the first-party sample plugin (worker kind).

Hooks (apps/plugins/hookspecs.py): each receives the hookspec's arguments and ``config`` in one
JSON object and returns a JSON object.
- on_workout_completed: a member's streak of consecutive training days; badges at 3, 7 and 30.
- on_personal_record_set: counts a member's records; badges "first-pr" and "pr-10".
- health_ping: answers the host's health checker.
State lives in the host's key-value storage (``storage.kv``); badges are announced to the member
with ``notifications.send`` unless the gym turned ``announce`` off.
"""

from datetime import date

from gymplugin import HostError, call_host, hook

STREAK_BADGES = ((3, "streak-3"), (7, "streak-7"), (30, "streak-30"))


def _member(event):
    member = event.get("member_id") or event.get("user_id")
    if not isinstance(member, str):
        raise ValueError("the event names no member")
    return member


def _load(key, default):
    found = call_host("storage.get", {"key": key})
    return found["value"] if found["found"] else default


def _announce(config, member, badge):
    if not config.get("announce", True):
        return False
    prefix = config.get("title_prefix") or "New badge"
    try:
        call_host(
            "notifications.send",
            {"member_id": member, "title": f"{prefix}: {badge}", "body": f"You earned {badge}."},
        )
    except HostError:
        return False  # not granted or not a member any more: the badge still counts
    return True


@hook("on_workout_completed")
def on_workout_completed(payload):
    event, config = payload["event"], payload.get("config") or {}
    member = _member(event)
    day = date.fromisoformat(str(event["occurred_at"])[:10]).toordinal()
    key = f"streak:{member}"
    state = _load(key, {"last_day": None, "run": 0, "badges": []})
    if state["last_day"] == day:
        return {"member_id": member, "run": state["run"], "awarded": []}
    state["run"] = state["run"] + 1 if state["last_day"] == day - 1 else 1
    state["last_day"] = day
    awarded = [
        name for threshold, name in STREAK_BADGES if state["run"] >= threshold and name not in state["badges"]
    ]
    state["badges"] += awarded
    call_host("storage.set", {"key": key, "value": state})
    announced = [badge for badge in awarded if _announce(config, member, badge)]
    return {"member_id": member, "run": state["run"], "awarded": awarded, "announced": announced}


@hook("on_personal_record_set")
def on_personal_record_set(payload):
    event, config = payload["event"], payload.get("config") or {}
    member = _member(event)
    key = f"records:{member}"
    count = _load(key, 0) + 1
    call_host("storage.set", {"key": key, "value": count})
    awarded = [name for threshold, name in ((1, "first-pr"), (10, "pr-10")) if count == threshold]
    announced = [badge for badge in awarded if _announce(config, member, badge)]
    return {"member_id": member, "records": count, "awarded": awarded, "announced": announced}


@hook("health_ping")
def health_ping(payload):
    return {"status": "pong"}
