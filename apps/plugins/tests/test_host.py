"""Host functions called directly (no sandbox): how members.get reads and where http.fetch connects."""

from __future__ import annotations

import socket
from typing import Any
from unittest import mock

import httpx
import pytest
from django_tenants.utils import schema_context

from apps.plugins import pip, registry
from apps.plugins.host import PluginHost
from apps.plugins.tests.test_runtime import _sandbox_env, hostile  # noqa: F401

pytestmark = pytest.mark.django_db


def _host(world: Any, inst: Any) -> PluginHost:
    package = registry.package_get(inst.plugin_id, inst.version)
    assert package is not None
    subject = pip.subject_for(installation=inst, manifest=package.manifest, gym=pip.gym_context())
    return PluginHost(installation=inst, subject=subject, hook="on_member_joined")


def test_members_get_reads_one_membership_not_the_gyms_member_list(world, hostile):  # noqa: F811
    person = world.a.people["member"]
    with (
        schema_context(world.a.schema_name),
        mock.patch(
            "apps.organizations.facade.api.members_of_gym", side_effect=AssertionError("whole member list")
        ),
    ):
        value = _host(world, hostile)("members.get", {"member_id": str(person.id)})
    assert value == {"id": str(person.id), "role": "member", "full_name": "Member A"}


def test_http_fetch_connects_to_the_address_it_checked_not_a_rebound_one(world, hostile, settings):  # noqa: F811
    settings.PLUGINS_HTTP_BASE_URL = ""
    answers = iter([("93.184.216.34", 443), ("127.0.0.1", 443), ("10.0.0.5", 443)])

    def resolver(*args: Any, **kwargs: Any) -> list[Any]:
        # First answer public, every later one private: a rebinding name server.
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", next(answers))]

    seen: list[tuple[str, str, Any]] = []

    def network(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["host"], request.extensions.get("sni_hostname")))
        return httpx.Response(200, text="ok")

    real_client = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(network), **kwargs)

    with (
        schema_context(world.a.schema_name),
        mock.patch("socket.getaddrinfo", side_effect=resolver) as getaddrinfo,
        mock.patch("apps.plugins.host.httpx.Client", side_effect=client),
    ):
        value = _host(world, hostile)("http.fetch", {"url": "https://api.example.com/ping?x=1"})
    assert value["status"] == 200
    assert seen == [("93.184.216.34", "api.example.com", "api.example.com")]
    assert getaddrinfo.call_count == 1
