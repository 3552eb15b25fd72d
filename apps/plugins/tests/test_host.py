"""Host functions called directly (no sandbox): how members.get reads and where http.fetch connects."""

from __future__ import annotations

from typing import Any
from unittest import mock

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
