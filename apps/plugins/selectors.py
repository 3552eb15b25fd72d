"""Reads of the plugin platform (the current gym's schema)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from apps.plugins.models import (
    InstallationStatus,
    PluginAuditEntry,
    PluginCall,
    PluginInstallation,
    PluginNotice,
)


def installations() -> QuerySet[PluginInstallation]:
    return PluginInstallation.objects.all()


def installation_get(*, installation_id: UUID) -> PluginInstallation:
    """Raises ``PluginInstallation.DoesNotExist`` (404 at the API)."""
    return PluginInstallation.objects.get(pk=installation_id)


def installations_active_with_hook(*, hook: str) -> list[PluginInstallation]:
    """Active installations; the caller checks each one's manifest and grants for ``hook``."""
    return list(PluginInstallation.objects.filter(status=InstallationStatus.ACTIVE).order_by("plugin_id"))


def audit_of(*, plugin_id: str) -> QuerySet[PluginAuditEntry]:
    return PluginAuditEntry.objects.filter(plugin_id=plugin_id)


def notices_for_admins() -> QuerySet[PluginNotice]:
    return PluginNotice.objects.filter(audience=PluginNotice.Audience.ADMINS)


def bad_calls_since(*, plugin_id: str, seconds: int, not_before: datetime | None = None) -> int:
    """Calls of the plugin in the window (and after ``not_before``: its last activation) that
    ended badly or were refused something."""
    since = timezone.now() - timedelta(seconds=seconds)
    if not_before is not None:
        since = max(since, not_before)
    calls = PluginCall.objects.filter(plugin_id=plugin_id, at__gte=since)
    bad = 0
    # An egress violation is also a denial: counted once.
    for outcome, denials in calls.values_list("outcome", "denials"):
        bad += int(outcome in ("timeout", "crash")) + denials
    return bad


_STATS_SQL = """
SELECT plugin_id, hook, count(*),
       count(*) FILTER (WHERE outcome = 'ok'),
       count(*) FILTER (WHERE outcome = 'error'),
       count(*) FILTER (WHERE outcome = 'timeout'),
       count(*) FILTER (WHERE outcome = 'crash'),
       count(*) FILTER (WHERE outcome = 'unavailable'),
       coalesce(sum(denials), 0), coalesce(sum(egress_violations), 0),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY wall_ms),
       percentile_cont(0.99) WITHIN GROUP (ORDER BY wall_ms),
       coalesce(sum(wall_ms), 0), coalesce(sum(cpu_ms), 0), coalesce(max(peak_memory_kb), 0),
       coalesce(sum(fuel), 0)
FROM plugins_plugincall
{where}
GROUP BY plugin_id, hook
ORDER BY plugin_id, hook
"""

STAT_FIELDS = (
    "plugin_id",
    "hook",
    "calls",
    "ok",
    "failed",
    "timeouts",
    "crashes",
    "unavailable",
    "denials",
    "egress_violations",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "wall_ms_total",
    "cpu_ms_total",
    "peak_memory_kb",
    "fuel_total",
)


def call_stats(*, plugin_id: str | None = None) -> list[dict[str, Any]]:
    """Per plugin and hook in this gym: calls by outcome, latency percentiles, CPU, memory, fuel."""
    where, params = ("WHERE plugin_id = %s", [plugin_id]) if plugin_id else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL.format(where=where), params)
        rows = cursor.fetchall()
    return [
        {name: (round(v, 3) if isinstance(v, float) else v) for name, v in zip(STAT_FIELDS, row, strict=True)}
        for row in rows
    ]
