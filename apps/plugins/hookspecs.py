"""The hooks a plugin may implement: pluggy hookspecs, the contract the manifest is checked against.

A manifest lists each hook it implements with its argument names; validation compares them with
the spec below (name and argument names, in order). Every hook is called with keyword arguments
whose values are JSON (the sandbox boundary), one plugin at a time, each in its own sandbox, so
one failing plugin never stops the others (pluggy#419 is why the host never calls them together).

``HOST_API_VERSION`` is the version of this contract and of the host functions. A manifest names
the range of host-API versions it works with; a plugin outside it is refused at load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pluggy

PROJECT = "gymplatform"
HOST_API_VERSION = "1.2.0"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class IntegrationEventSpecs:
    """Hooks called when something happened in a gym. ``event`` is the integration event's
    JSON form (its fields, never health data)."""

    @hookspec
    def on_member_joined(self, event: dict[str, Any]) -> Any:
        """A person became a member of the gym."""

    @hookspec
    def on_workout_completed(self, event: dict[str, Any]) -> Any:
        """A member finished a workout session."""

    @hookspec
    def on_personal_record_set(self, event: dict[str, Any]) -> Any:
        """A member set a personal record."""

    @hookspec
    def on_booking_made(self, event: dict[str, Any]) -> Any:
        """A member booked a class or a session."""


class ServiceSpecs:
    """Hooks through which a plugin provides a service to the gym."""

    @hookspec(firstresult=True)
    def payments_charge(self, member_id: str, amount_cents: int, currency: str, description: str) -> Any:
        """Charge a member; returns ``{"charge_id": str, "status": str}``."""

    @hookspec(firstresult=True)
    def payments_refund(self, charge_id: str, amount_cents: int) -> Any:
        """Refund (part of) a charge; returns ``{"refund_id": str, "status": str}``."""

    @hookspec
    def analytics_track(self, name: str, properties: dict[str, Any]) -> Any:
        """Record an analytics event."""

    @hookspec
    def notification_send(self, member_id: str, title: str, body: str) -> Any:
        """Deliver a notification through the plugin's channel (e-mail, SMS, push)."""

    @hookspec(firstresult=True)
    def program_recommend(self, member_id: str, goal: str) -> Any:
        """Recommend a training program; returns ``{"program": str, "reason": str}``."""

    @hookspec(firstresult=True)
    def health_ping(self) -> Any:
        """Answer the host's health checker; returns ``"pong"``."""


@dataclass(frozen=True, slots=True)
class HookInfo:
    name: str
    argnames: tuple[str, ...]
    # The capability a gym must grant before the host calls this hook (None: always callable).
    capability: str | None


HOOK_CAPABILITY: dict[str, str | None] = {
    "on_member_joined": "events.member.read",
    "on_workout_completed": "events.workout.read",
    "on_personal_record_set": "events.workout.read",
    "on_booking_made": "events.booking.read",
    "payments_charge": "payments.charge",
    "payments_refund": "payments.charge",
    "analytics_track": "analytics.track",
    "notification_send": "notifications.deliver",
    "program_recommend": "programs.recommend",
    "health_ping": None,
}


def plugin_manager() -> pluggy.PluginManager:
    """A manager holding every hookspec (used for validation and as the in-process baseline)."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(IntegrationEventSpecs)
    pm.add_hookspecs(ServiceSpecs)
    return pm


def _hooks() -> dict[str, HookInfo]:
    pm = plugin_manager()
    out: dict[str, HookInfo] = {}
    for name in HOOK_CAPABILITY:
        caller = getattr(pm.hook, name)
        assert caller.spec is not None
        out[name] = HookInfo(
            name=name, argnames=tuple(caller.spec.argnames), capability=HOOK_CAPABILITY[name]
        )
    return out


HOOKS: dict[str, HookInfo] = _hooks()
