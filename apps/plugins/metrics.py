"""Plugin metrics in the Prometheus text format, per gym, plugin and hook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from apps.plugins import platform

_COUNTERS = (
    ("calls", "Hook calls"),
    ("ok", "Hook calls that succeeded"),
    ("failed", "Hook calls the plugin failed"),
    ("timeouts", "Hook calls stopped by a wall-time, CPU or fuel limit"),
    ("crashes", "Hook calls whose sandbox died"),
    ("unavailable", "Hook calls whose sandbox kind is unavailable on this host"),
    ("denials", "Host-function calls the policy denied"),
    ("egress_violations", "Outbound HTTP requests to hosts outside the manifest"),
)


class _PluginCollector(Collector):
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def collect(self) -> Iterator[Metric]:
        labels = ["gym", "plugin", "hook"]
        counters = {
            key: CounterMetricFamily(f"gymstack_plugin_{key}", help_text, labels=labels)
            for key, help_text in _COUNTERS
        }
        latency = GaugeMetricFamily(
            "gymstack_plugin_latency_ms", "Hook call wall time percentiles", labels=[*labels, "quantile"]
        )
        cpu = CounterMetricFamily("gymstack_plugin_cpu_ms", "CPU time of hook calls", labels=labels)
        memory = GaugeMetricFamily(
            "gymstack_plugin_peak_memory_kb", "Peak memory of a hook call", labels=labels
        )
        fuel = CounterMetricFamily("gymstack_plugin_fuel", "Wasm fuel consumed", labels=labels)
        for row in self.rows:
            values = [row["gym"], row["plugin_id"], row["hook"]]
            for key, family in counters.items():
                family.add_metric(values, row[key])
            for q, field in (("0.5", "p50_ms"), ("0.95", "p95_ms"), ("0.99", "p99_ms")):
                latency.add_metric([*values, q], row[field])
            cpu.add_metric(values, row["cpu_ms_total"])
            memory.add_metric(values, row["peak_memory_kb"])
            fuel.add_metric(values, row["fuel_total"])
        yield from counters.values()
        yield from (latency, cpu, memory, fuel)


def prometheus_text(rows: list[dict[str, Any]] | None = None) -> bytes:
    registry = CollectorRegistry()
    registry.register(_PluginCollector(platform.monitoring_rows() if rows is None else rows))
    return generate_latest(registry)
