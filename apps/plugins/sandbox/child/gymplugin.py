"""The plugin SDK inside a sandboxed worker (stdlib only).

A plugin module registers its hooks and calls host functions::

    from gymplugin import call_host, hook

    @hook("badges.evaluate")
    def evaluate(payload: dict) -> dict:
        call_host("badges.award", {"badge": "streak-3"})
        return {"badges": ["streak-3"]}

A hook takes the JSON payload and returns a JSON object. ``call_host`` raises
:class:`HostError` when the host refuses the call; the plugin may catch it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HookFunction = Callable[[dict[str, Any]], dict[str, Any]]

HOOKS: dict[str, HookFunction] = {}
_transport: list[Callable[[str, dict[str, Any]], dict[str, Any]]] = []


class HostError(Exception):
    """The host refused or failed a host function call."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def hook(name: str) -> Callable[[HookFunction], HookFunction]:
    def register(function: HookFunction) -> HookFunction:
        HOOKS[name] = function
        return function

    return register


def call_host(name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Invoke the host function ``name``; returns its JSON result or raises HostError."""
    return _transport[0](name, dict(args or {}))
