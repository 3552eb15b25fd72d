"""Architecture rules that import checks cannot see (STYLE.md, SECURITY.md 3)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

# ARCHITECTURE.md section 2, upstream first; the edge sits on top.
CONTEXT_ORDER = [
    "common",
    "users",
    "organizations",
    "medical",
    "workouts",
    "trainers",
    "notifications",
    "analytics",
    "plugins",
    "edge",
]


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in CONTEXT_ORDER]


def relations():
    for model in our_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                yield model, field


def test_cross_context_foreign_keys_point_upstream_without_reverse_accessors():
    problems = []
    for model, field in relations():
        source = model._meta.app_label
        target = field.related_model._meta.app_label
        if target == source or target not in CONTEXT_ORDER:
            continue
        if CONTEXT_ORDER.index(target) > CONTEXT_ORDER.index(source):
            problems.append(f"{model.__name__}.{field.name}: {source} -> downstream {target}")
        if field.remote_field.related_name != "+":
            problems.append(f"{model.__name__}.{field.name}: cross-context FK needs related_name='+'")
    assert problems == []


def test_public_tables_never_point_into_gym_schemas():
    shared = {a.rsplit(".", 1)[-1] for a in settings.SHARED_APPS}
    tenant_only = {a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS} - shared
    problems = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model, field in relations()
        if model._meta.app_label in shared and field.related_model._meta.app_label in tenant_only
    ]
    assert problems == []


def test_architecture_rules_can_fail():
    """The walk above sees real relations (guards against a vacuous pass)."""
    labels = {(m._meta.label, f.name) for m, f in relations()}
    assert ("organizations.Membership", "user") in labels
    assert ("users.ApiToken", "user") in labels


PUBLIC_VIEWS = {
    "SessionView",  # sign-in itself
    "SignUpView",  # gym sign-up on the public host
    "SpectacularAPIView",
    "SpectacularSwaggerView",
    "SpectacularRedocView",  # API docs
    "PublicCatalogueView",  # the plugin catalogue on the public host
    "ValidateView",  # plugin authors check a package (no writes)
}


def api_views(urlconf: str):
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                view = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
                if view is not None and issubclass(view, APIView):
                    yield view

    return set(walk(get_resolver(urlconf).url_patterns))


@pytest.mark.parametrize("urlconf", ["config.urls_tenant", "config.urls_public"])
def test_deny_by_default(urlconf):
    views = api_views(urlconf)
    assert views, "no API views found: the walk is broken"
    offenders = [
        v.__name__
        for v in views
        if any(issubclass(p, AllowAny) for p in v.permission_classes) and v.__name__ not in PUBLIC_VIEWS
    ]
    assert offenders == []
    default = settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]
    assert default == ["apps.common.api.permissions.IsActiveGymMember"]


def test_serializers_name_their_fields():
    """No ``fields = "__all__"``: every serializer lists what it exposes (SECURITY.md 4)."""
    import inspect

    from rest_framework import serializers

    import apps.organizations.api.serializers as org
    import apps.users.api.serializers as usr

    found = 0
    for module in (org, usr):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.ModelSerializer) and cls.__module__ == module.__name__:
                found += 1
                assert cls.Meta.fields != "__all__", cls.__name__
                assert not getattr(cls.Meta, "exclude", None), cls.__name__
    assert found >= 4


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """Every model change has its migration (a forgotten one would break fresh gym schemas)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
