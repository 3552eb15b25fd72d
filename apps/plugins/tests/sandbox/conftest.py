"""Fixtures of the sandbox tests: real plugin bundles from plugins_src/, real sandboxes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.plugins.sandbox import (
    HostCallDenied,
    Limits,
    PluginBundle,
    SandboxKind,
    SandboxPool,
    availability,
)

PLUGINS_SRC = Path(__file__).resolve().parents[4] / "plugins_src"
BADGES_ENTRIES = {
    SandboxKind.WORKER: "plugin",
    SandboxKind.CONTAINER: "plugin",
    SandboxKind.WASM: "badges.wat",
    SandboxKind.V8: "badges.js",
}


class RecordingHost:
    """A host that grants the functions it is given and refuses every other one."""

    def __init__(self, granted: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None) -> None:
        self.granted = granted if granted is not None else {"badges.award": lambda args: {"awarded": True}}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, args))
        if name not in self.granted:
            raise HostCallDenied(f"{name} is not granted")
        return self.granted[name](args)


def require(kind: SandboxKind) -> None:
    state = availability(kind)
    if not state.available:
        pytest.skip(f"{kind} sandbox unavailable on this host: {state.reason}")


@pytest.fixture
def make_pool(tmp_path: Path) -> Iterator[Callable[..., SandboxPool]]:
    pools: list[SandboxPool] = []

    def make(
        plugin: str, entry: str, kind: SandboxKind, *, limits: Limits | None = None, size: int = 1
    ) -> SandboxPool:
        require(kind)
        scratch = tmp_path / f"scratch-{plugin}-{kind}-{len(pools)}"
        scratch.mkdir()
        bundle = PluginBundle(
            plugin_id=plugin,
            version="1.0.0",
            root=PLUGINS_SRC / plugin,
            entry=entry,
            kind=kind,
            scratch=scratch,
        )
        pool = SandboxPool(bundle, size=size, limits=limits or Limits(), backoff_base_s=0.01)
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        pool.close()


@pytest.fixture(scope="session")
def other_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[SandboxKind], SandboxPool]]:
    """One badges pool per kind for the whole session: the bystander every attack must spare."""
    pools: dict[SandboxKind, SandboxPool] = {}

    def get(kind: SandboxKind) -> SandboxPool:
        require(kind)
        if kind not in pools:
            scratch = tmp_path_factory.mktemp(f"bystander-{kind}")
            bundle = PluginBundle(
                plugin_id="badges",
                version="1.0.0",
                root=PLUGINS_SRC / "badges",
                entry=BADGES_ENTRIES[kind],
                kind=kind,
                scratch=scratch,
            )
            pools[kind] = SandboxPool(bundle, size=1)
        return pools[kind]

    yield get
    for pool in pools.values():
        pool.close()
