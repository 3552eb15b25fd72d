"""Badges for streaks and personal records (first-party sample plugin, Python version).

The same rules are implemented in badges.js (V8) and badges.wat (Wasm); a test proves that the
three give the same answers and make the same host calls.

Input: ``{"events": [{"day": int, "exercise": int, "load_g": int, "reps": int}, ...]}``, one
event per completed set, in the order they happened (``day`` counts days since an epoch).
Output: ``{"badges": [...], "longest_streak": int, "personal_records": int}``.
- longest_streak: the longest run of consecutive days with at least one event;
- personal_records: how many events lift more than every earlier event of the same exercise
  (the first event of an exercise sets the baseline and is not a record);
- badges, in this order: "streak-3", "streak-7", "streak-30" (longest streak at least 3, 7, 30),
  "first-pr" (at least one record), "pr-10" (at least ten).
Each badge is announced to the host with ``badges.award`` ``{"badge": name}``.
Anything else is refused (the hook fails): an event with other keys, a value that is not an
integer, or out of range (day < 2**20, exercise < 4096, load_g < 10**12, reps < 10**6).
"""

from gymplugin import call_host, hook

BOUNDS = {"day": 2**20, "exercise": 4096, "load_g": 10**12, "reps": 10**6}


def validate(payload: dict) -> list[dict]:
    events = payload["events"]
    if not isinstance(events, list):
        raise TypeError("events must be a list")
    for event in events:
        if not isinstance(event, dict) or sorted(event) != sorted(BOUNDS):
            raise ValueError("each event has exactly day, exercise, load_g and reps")
        for key, bound in BOUNDS.items():
            value = event[key]
            if type(value) is not int or not 0 <= value < bound:
                raise ValueError(f"{key} must be an integer in [0, {bound})")
    return events


def evaluate_events(events: list[dict]) -> dict:
    days = sorted({int(event["day"]) for event in events})
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day == previous + 1 else 1
        longest = max(longest, run)
        previous = day
    best: dict[int, int] = {}
    records = 0
    for event in events:
        exercise, load = int(event["exercise"]), int(event["load_g"])
        if exercise in best and load > best[exercise]:
            records += 1
        if exercise not in best or load > best[exercise]:
            best[exercise] = load
    badges = [
        name
        for name, threshold in (("streak-3", 3), ("streak-7", 7), ("streak-30", 30))
        if longest >= threshold
    ]
    if records >= 1:
        badges.append("first-pr")
    if records >= 10:
        badges.append("pr-10")
    return {"badges": badges, "longest_streak": longest, "personal_records": records}


@hook("badges.evaluate")
def evaluate(payload: dict) -> dict:
    result = evaluate_events(validate(payload))
    for badge in result["badges"]:
        call_host("badges.award", {"badge": badge})
    return result
