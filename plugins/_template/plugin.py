"""Template plugin: welcomes new members and tells an external service (see docs/plugins.md)."""

import json

from gymplugin import HostError, call_host, hook


@hook("on_member_joined")
def on_member_joined(payload):
    event, config = payload["event"], payload["config"]
    title = config.get("welcome_title") or "Welcome!"
    try:
        call_host(
            "notifications.send", {"member_id": event["user_id"], "title": title, "body": "Glad you joined."}
        )
    except HostError as error:
        return {"welcomed": False, "reason": str(error)}
    answer = call_host(
        "http.fetch",
        {
            "url": "https://api.example.com/members",
            "method": "POST",
            "headers": {"Authorization": f"Bearer {config['api_token']}", "Content-Type": "application/json"},
            "body": json.dumps({"joined": event["user_id"]}),
        },
    )
    return {"welcomed": True, "service_status": answer["status"]}


@hook("health_ping")
def health_ping(payload):
    return {"status": "pong"}
