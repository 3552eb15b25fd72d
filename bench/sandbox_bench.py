"""Plugin sandboxes: cold start, warm call latency and busy throughput per kind (ADR 0015).

Every figure is for the same hook (``badges.evaluate`` of the first-party sample, 30 events and
two host calls per call) and is published next to an in-process pluggy call of the same Python
implementation measured in the same run. Run: ``.venv/bin/python -m bench.sandbox_bench``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pluggy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apps.plugins.sandbox import (  # noqa: E402
    Limits,
    PluginBundle,
    SandboxKind,
    SandboxPool,
    availability,
)

BADGES = ROOT / "plugins_src" / "badges"
ENTRIES = {
    SandboxKind.WORKER: "plugin",
    SandboxKind.CONTAINER: "plugin",
    SandboxKind.WASM: "badges.wat",
    SandboxKind.V8: "badges.js",
}
PAYLOAD = {
    "events": [
        {"day": 1000 + d // 2, "exercise": d % 4, "load_g": 20_000 + 500 * d, "reps": 5} for d in range(30)
    ]
}
EXPECTED = {
    "badges": ["streak-3", "streak-7", "first-pr", "pr-10"],
    "longest_streak": 15,
    "personal_records": 26,
}
hookspec = pluggy.HookspecMarker("gymbench")
hookimpl = pluggy.HookimplMarker("gymbench")


def log(message: str) -> None:
    print(f"[sandbox-bench] {message}", file=sys.stderr, flush=True)


def host(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"awarded": True}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def in_process_pluggy() -> Any:
    """The same Python hook, loaded in this process and called through pluggy."""
    sdk_spec = importlib.util.spec_from_file_location(
        "gymplugin", ROOT / "apps" / "plugins" / "sandbox" / "child" / "gymplugin.py"
    )
    assert sdk_spec is not None
    assert sdk_spec.loader is not None
    sdk = importlib.util.module_from_spec(sdk_spec)
    sys.modules["gymplugin"] = sdk
    sdk_spec.loader.exec_module(sdk)
    sdk._transport.append(host)
    spec = importlib.util.spec_from_file_location("badges_in_process", BADGES / "plugin.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class Spec:
        @hookspec
        def badges_evaluate(self, payload: dict[str, Any]) -> dict[str, Any]:  # type: ignore[empty-body]
            ...

    class Impl:
        @hookimpl
        def badges_evaluate(self, payload: dict[str, Any]) -> dict[str, Any]:
            return module.evaluate(payload)

    manager = pluggy.PluginManager("gymbench")
    manager.add_hookspecs(Spec)
    manager.register(Impl())
    return manager.hook.badges_evaluate


def time_calls(function: Any, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def make_pool(kind: SandboxKind, scratch_root: Path, size: int) -> SandboxPool:
    scratch = Path(tempfile.mkdtemp(dir=scratch_root))
    bundle = PluginBundle("badges", "1.0.0", BADGES, ENTRIES[kind], kind, scratch)
    return SandboxPool(bundle, size=size, limits=Limits(wall_ms=10_000, cpu_ms=10_000))


def bench_kind(kind: SandboxKind, scratch_root: Path, args: argparse.Namespace) -> dict[str, float]:
    cold = []
    for _ in range(args.cold):
        pool = make_pool(kind, scratch_root, 1)
        started = time.perf_counter()
        result = pool.call("badges.evaluate", PAYLOAD, host=host)
        cold.append((time.perf_counter() - started) * 1e6)
        assert result.value == EXPECTED, result
        pool.close()
    pool = make_pool(kind, scratch_root, 1)
    warm_count = args.warm if kind is not SandboxKind.V8 else max(200, args.warm // 4)
    for _ in range(20):
        pool.call("badges.evaluate", PAYLOAD, host=host)
    warm = time_calls(lambda: pool.call("badges.evaluate", PAYLOAD, host=host), warm_count)
    pool.close()
    busy = make_pool(kind, scratch_root, args.threads)
    busy.warm(args.threads)
    done = [0] * args.threads
    deadline = time.perf_counter() + args.busy_s

    def worker(index: int) -> None:
        while time.perf_counter() < deadline:
            result = busy.call("badges.evaluate", PAYLOAD, host=host)
            assert result.ok, result
            done[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    busy.close()
    return {
        "cold_p50_us": statistics.median(cold),
        "warm_p50_us": percentile(warm, 50),
        "warm_p99_us": percentile(warm, 99),
        "busy_calls_per_s": sum(done) / elapsed,
    }


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("wasmtime", "mini-racer"))
    return (
        f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()},"
        f" Python {platform.python_version()}, {versions}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold", type=int, default=10, help="cold starts per kind")
    parser.add_argument("--warm", type=int, default=2000, help="warm calls per kind (V8: a quarter)")
    parser.add_argument("--threads", type=int, default=4, help="threads (and pool size) when busy")
    parser.add_argument("--busy-s", type=float, default=2.0, help="seconds of busy load per kind")
    args = parser.parse_args()

    load_at_start = os.getloadavg()
    hook = in_process_pluggy()
    for _ in range(200):
        hook(payload=PAYLOAD)
    baseline = time_calls(lambda: hook(payload=PAYLOAD), args.warm * 5)
    base_p50 = percentile(baseline, 50)
    base_p99 = percentile(baseline, 99)
    rows = []
    scratch_root = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    try:
        for kind in (SandboxKind.WORKER, SandboxKind.CONTAINER, SandboxKind.WASM, SandboxKind.V8):
            state = availability(kind)
            if not state.available:
                rows.append(f"| {kind} | unavailable: {state.reason} | | | | |")
                continue
            log(f"{kind} ...")
            r = bench_kind(kind, scratch_root, args)
            rows.append(
                f"| {kind} | {r['cold_p50_us'] / 1000:.1f} ms ({r['cold_p50_us'] / base_p50:,.0f}x)"
                f" | {r['warm_p50_us']:.0f} us ({r['warm_p50_us'] / base_p50:.0f}x)"
                f" | {r['warm_p99_us']:.0f} us ({r['warm_p99_us'] / base_p99:.0f}x)"
                f" | {r['busy_calls_per_s']:,.0f} |"
            )
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    print(f"Machine: {machine()}")
    print(f"Load average (1, 5, 15 min) at start: {load_at_start}, at end: {os.getloadavg()}")
    print(
        f"Baseline, in-process pluggy call of the same Python hook: p50 {base_p50:.1f} us,"
        f" p99 {base_p99:.1f} us"
    )
    print()
    print(
        "| kind | cold start p50 (x pluggy p50) | warm call p50 (x pluggy p50)"
        f" | warm call p99 (x pluggy p99) | calls/s, {args.threads} threads |"
    )
    print("|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
