"""The plugin platform's facade: what the edge (or a later context above plugins) may call."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from apps.plugins import runtime
from apps.plugins.facade.contracts import ServiceAnswer
from apps.plugins.hookspecs import HOOKS


def service_call(*, hook: str, arguments: dict[str, Any]) -> list[ServiceAnswer]:
    """Ask every active plugin of the current gym that implements ``hook`` (a service hookspec
    such as ``program_recommend`` or ``payments_charge``), one after another, each in its own
    sandbox. Plugins whose grant for the hook is missing are not asked; one failing never stops
    the others. Must run inside the gym's schema. Raises ``ValueError`` for an unknown hook or
    arguments that do not match its hookspec."""
    info = HOOKS.get(hook)
    if info is None:
        raise ValueError(f"no hook {hook!r}")
    if set(arguments) != set(info.argnames):
        raise ValueError(f"{hook} takes {list(info.argnames)}")
    return [
        ServiceAnswer(plugin_id=run.plugin_id, outcome=run.outcome, value=run.value or {})
        for run in runtime.hook_run_all(hook=hook, payload=arguments)
        if run.outcome != "skipped"
    ]


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Demo data of this context in a demo gym (run in the gym's tenant context): the signed
    first-party "badges" plugin, installed, configured and active.
    Idempotent; returns what is there, one line each."""
    from apps.plugins import demo

    return demo.demo_seed(gym_id=gym_id, people=people)
