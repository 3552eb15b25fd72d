"""`seed_demo_all` (what `make run` seeds): every context's demo data in both demo gyms, made
through the services, and a second run adds nothing.

The test runs in pytest-django's rolled-back transaction (plain ``django_db``), not
``transaction=True``: that flushes every table afterwards, deleting the session's committed
fixture gyms (see tests/events/conftest.py). Sign-up, schema claims and every row seeded here
are undone by the rollback.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def _counts(subdomain: str) -> dict[str, Any]:
    from apps.medical.models import Consent, Restriction, Screening
    from apps.organizations.facade import api as organizations
    from apps.organizations.models import CoachingAssignment
    from apps.plugins.models import PluginInstallation
    from apps.workouts.models import (
        GymTrainingSetup,
        LoggedSet,
        MemberTrainingProfile,
        PersonalRecord,
        ProgramAssignment,
        ProgressionState,
        WorkoutSession,
    )

    gym = next(g for g in organizations.demo_gyms() if g.route.subdomain == subdomain)
    member, trainer = gym.people["member"], gym.people["trainer"]
    with tenant_context(gym.route):
        assignment = ProgramAssignment.objects.select_related("program").get(member_id=member, active=True)
        return {
            "coached": CoachingAssignment.objects.filter(
                gym_id=gym.route.id, trainer_id=trainer, client_id=member
            ).count(),
            "setup": GymTrainingSetup.objects.filter(barbell_loading__kind="plates").count(),
            "profile": MemberTrainingProfile.objects.filter(member_id=member).count(),
            "program": (assignment.program.source, assignment.assigned_by == trainer),
            "finished_sessions": WorkoutSession.objects.filter(member_id=member, status="finished").count(),
            "sessions": WorkoutSession.objects.count(),
            "sets": LoggedSet.objects.filter(member_id=member).count(),
            "records": PersonalRecord.objects.filter(member_id=member).count(),
            "progressed": ProgressionState.objects.filter(member_id=member).count(),
            "screenings": Screening.objects.filter(member_id=member).count(),
            "restrictions": sorted(
                str(r.region) for r in Restriction.objects.filter(member_id=member, ended_at__isnull=True)
            ),
            "consents": Consent.objects.filter(
                member_id=member, grantee_kind="trainer", grantee_id=trainer, revoked_at__isnull=True
            ).count(),
            "plugins": sorted(PluginInstallation.objects.values_list("plugin_id", "status")),
        }


def test_seed_demo_all_seeds_every_context_once() -> None:
    out = StringIO()
    call_command("seed_demo_all", stdout=out)
    first = {subdomain: _counts(subdomain) for subdomain in ("ironworks", "harbour")}

    iron = first["ironworks"]
    assert iron["sets"] > 0
    assert iron["records"] > 0
    assert iron["progressed"] > 0
    assert iron == {
        "coached": 1,
        "setup": 1,
        "profile": 1,
        "program": ("recommendation", True),
        "finished_sessions": 9,
        "sessions": 9,
        "sets": iron["sets"],
        "records": iron["records"],
        "progressed": iron["progressed"],
        "screenings": 1,
        "restrictions": ["knee"],
        "consents": 1,
        "plugins": [("badges", "active")],
    }
    # The same seeding in the other gym, without the plugin.
    assert first["harbour"] == {**iron, "plugins": []}
    text = out.getvalue()
    assert "http://ironworks.localhost:8000/" in text
    assert "Chalk-Plates-Rack-2026" in text
    assert '"badges" 1.1.0: active' in text
    assert "9 finished sessions" in text

    again = StringIO()
    call_command("seed_demo_all", stdout=again)
    assert {subdomain: _counts(subdomain) for subdomain in ("ironworks", "harbour")} == first
    assert again.getvalue() == text
