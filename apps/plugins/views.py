"""Server-rendered plugin pages: the gym's plugin screens (owners and admins), the public
catalogue, and the staff views (monitoring, compliance, Prometheus metrics)."""

from __future__ import annotations

import hmac
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.organizations.facade.contracts import MembershipInfo
from apps.plugins import metrics, platform, registry, selectors, services
from apps.plugins.models import PluginInstallation


def _manager(request: HttpRequest) -> MembershipInfo:
    membership: MembershipInfo | None = getattr(request, "membership", None)
    route = getattr(request, "tenant", None)
    if route is None or getattr(route, "is_public", True) or membership is None:
        raise Http404
    if not membership.role.manages_gym:
        raise PermissionDenied
    return membership


def _flash_refusal(request: HttpRequest, exc: services.PluginRefusedError) -> None:
    for field, problems in exc.reasons.items():
        for problem in problems:
            messages.error(request, f"{field}: {problem}")


@never_cache
@require_http_methods(["GET", "POST"])
def gym_plugins(request: HttpRequest) -> HttpResponse:
    """Installed plugins and the catalogue; installing shows and asks for each capability."""
    membership = _manager(request)
    if request.method == "POST":
        try:
            installation = services.plugin_install(
                gym_id=membership.gym_id,
                plugin_id=request.POST.get("plugin_id", ""),
                version=request.POST.get("version", ""),
                granted=request.POST.getlist("granted"),
                actor_id=membership.user_id,
            )
        except services.PluginRefusedError as exc:
            _flash_refusal(request, exc)
            return redirect("plugins")
        messages.success(request, f"{installation.plugin_id} {installation.version} installed (inactive).")
        return redirect("plugin-detail", installation_id=installation.pk)
    installed = list(selectors.installations())
    taken = {i.plugin_id for i in installed}
    available = [
        registry.package_summary(p) for p in registry.catalogue().latest() if p.manifest.id not in taken
    ]
    return render(
        request,
        "plugins/gym_plugins.html",
        {"installed": installed, "available": available, "notices": selectors.notices_for_admins()[:10]},
    )


def _config_from_post(request: HttpRequest, schema: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        raw = request.POST.get(f"config-{name}", "")
        kind = spec.get("type") if isinstance(spec, dict) else None
        secret = isinstance(spec, dict) and (spec.get("x-secret") is True or spec.get("writeOnly") is True)
        if kind == "boolean":
            values[name] = raw == "on"
        elif raw == "" and (secret or name not in (schema.get("required") or [])):
            continue
        elif kind in ("integer", "number"):
            try:
                values[name] = int(raw) if kind == "integer" else float(raw)
            except ValueError:
                values[name] = raw  # the schema check names the field
        else:
            values[name] = raw
    return values


@never_cache
@require_http_methods(["GET", "POST"])
def gym_plugin_detail(request: HttpRequest, installation_id: UUID) -> HttpResponse:
    """One installation: configure, activate, deactivate, change version, uninstall, audit."""
    membership = _manager(request)
    try:
        installation = selectors.installation_get(installation_id=installation_id)
    except PluginInstallation.DoesNotExist as exc:
        raise Http404 from exc
    package = registry.package_get(installation.plugin_id, installation.version)
    if request.method == "POST":
        op = request.POST.get("op", "")
        actor = membership.user_id
        try:
            if op == "configure" and package is not None:
                values = _config_from_post(request, package.manifest.config_schema)
                services.plugin_configure(installation=installation, values=values, actor_id=actor)
            elif op == "activate":
                services.plugin_activate(installation=installation, actor_id=actor)
            elif op == "deactivate":
                services.plugin_deactivate(installation=installation, actor_id=actor)
            elif op == "version":
                services.plugin_version_change(
                    installation=installation,
                    version=request.POST.get("version", ""),
                    granted=None,
                    actor_id=actor,
                )
            elif op == "uninstall":
                services.plugin_uninstall(installation=installation, actor_id=actor)
                messages.success(
                    request, f"{installation.plugin_id} uninstalled; its data and grants are gone."
                )
                return redirect("plugins")
            else:
                messages.error(request, "Unknown action.")
        except services.PluginRefusedError as exc:
            _flash_refusal(request, exc)
        else:
            if op in ("configure", "activate", "deactivate", "version"):
                messages.success(request, "Saved.")
        return redirect("plugin-detail", installation_id=installation.pk)
    schema = package.manifest.config_schema if package else {}
    fields = [
        {
            "name": name,
            "type": spec.get("type", "string"),
            "title": spec.get("title", name),
            "secret": spec.get("x-secret") is True or spec.get("writeOnly") is True,
            "value": installation.config.get(name, ""),
            "is_set": name in installation.secret_names,
        }
        for name, spec in (schema.get("properties") or {}).items()
        if isinstance(spec, dict)
    ]
    return render(
        request,
        "plugins/gym_plugin_detail.html",
        {
            "installation": installation,
            "package": registry.package_summary(package) if package else None,
            "fields": fields,
            "versions": [p.manifest.version for p in registry.catalogue().versions(installation.plugin_id)],
            "audit": selectors.audit_of(plugin_id=installation.plugin_id)[:50],
            "stats": selectors.call_stats(plugin_id=installation.plugin_id),
        },
    )


@require_GET
def public_catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue page: every plugin, its versions and what each asks for."""
    cat = registry.catalogue()
    plugins = [
        {"latest": registry.package_summary(versions[0]), "versions": [p.manifest.version for p in versions]}
        for versions in (cat.versions(pid) for pid in sorted(cat.packages))
    ]
    return render(request, "plugins/public_catalogue.html", {"plugins": plugins})


@never_cache
@require_GET
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition of every gym's plugin metrics. Staff, or the bearer token of
    ``PLUGINS_METRICS_TOKEN``; anyone else gets 404."""
    token = settings.PLUGINS_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    by_token = bool(token) and hmac.compare_digest(header.encode(), f"Bearer {token}".encode())
    if not by_token and not (request.user.is_authenticated and request.user.is_staff):
        raise Http404
    return HttpResponse(metrics.prometheus_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _admin_context(request: HttpRequest, title: str) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": title}


@require_GET
def staff_monitoring(request: HttpRequest) -> HttpResponse:
    """Calls, outcomes, latency, CPU, memory and fuel per gym, plugin and hook (admin page)."""
    context = {**_admin_context(request, "Plugin monitoring"), "rows": platform.monitoring_rows()}
    return render(request, "plugins/staff_monitoring.html", context)


@require_GET
def staff_compliance(request: HttpRequest) -> HttpResponse:
    """Which plugin holds which capabilities in which gym; refused plugins with reasons."""
    context = {
        **_admin_context(request, "Plugin compliance"),
        "rows": platform.compliance_rows(),
        "refused": registry.catalogue().refused,
    }
    return render(request, "plugins/staff_compliance.html", context)
