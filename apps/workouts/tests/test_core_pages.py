"""The library and program-builder pages, and the gym's training admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.workouts.models import Exercise, Program
from conftest import login

pytestmark = pytest.mark.django_db


def page(world, who):
    client = Client(HTTP_HOST=world.a.host)
    return login(client, world.a, world.a.people[who].email)


def test_library_searches_with_typos_and_facets(world):
    r = page(world, "member").get("/training/library/", {"q": "sqaut"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Showing results for <strong>squat</strong>" in html
    assert "Barbell Full Squat" in html
    assert 'data-facet="muscle"' in html


def test_builder_writes_a_template_and_previews_it(world):
    client = page(world, "trainer")
    form = {
        "days": "1",
        "rows": "2",
        "name": "Page-built",
        "unit": "kg",
        "weeks": "2",
        "d1_name": "Legs",
        "d1r1_exercise": "Barbell Full Squat",
        "d1r1_progression": "linear",
        "d1r1_sets": "3",
        "d1r1_reps_low": "5",
        "d1r1_basis": "absolute",
        "d1r1_load": "80",
        "d1r2_exercise": "Leg Extensions",
        "d1r2_progression": "fixed",
        "d1r2_sets": "2",
        "d1r2_reps_low": "10",
        "d1r2_reps_high": "15",
        "d1r2_basis": "rpe",
        "d1r2_load": "8",
    }
    r = client.post("/training/programs/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    with schema_context(world.a.schema_name):
        program = Program.objects.get(name="Page-built")
        assert program.is_template
        assert program.weeks.count() == 2
    r = client.get(r["Location"])
    html = r.content.decode()
    assert "Preview: the weeks ahead" in html
    assert "Barbell Full Squat: 5 @ 80 kg, 5 @ 80 kg, 5 @ 80 kg" in html
    assert "Barbell Full Squat: 5 @ 82.5 kg, 5 @ 82.5 kg, 5 @ 82.5 kg" in html
    assert 'value="Leg Extensions"' in html


def test_builder_shows_errors_and_writes_nothing(world):
    client = page(world, "owner")
    r = client.post(
        "/training/programs/new/",
        {"days": "1", "rows": "1", "name": "Bad", "d1r1_exercise": "No Such Lift", "d1r1_reps_low": "5"},
    )
    assert r.status_code == 200
    assert "No exercise &#x27;No Such Lift&#x27; in this gym." in r.content.decode()
    with schema_context(world.a.schema_name):
        assert not Program.objects.filter(name="Bad").exists()


def test_members_do_not_get_the_builder(world):
    assert page(world, "member").get("/training/programs/new/").status_code == 404


def test_the_gyms_training_admin_is_for_its_managers(world):
    client = page(world, "owner")
    assert client.get("/manage/training/").status_code == 200
    with schema_context(world.a.schema_name):
        squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    r = client.get(f"/manage/training/workouts/exercise/{squat.pk}/change/")
    assert r.status_code == 200
    assert page(world, "member").get("/manage/training/").status_code == 302  # to the admin's login


def test_a_tag_corrected_in_the_admin_is_marked_and_kept(world):
    from apps.workouts.services.catalogue import catalogue_seed

    client = page(world, "owner")
    with schema_context(world.a.schema_name):
        squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    r = client.post(
        f"/manage/training/workouts/exercise/{squat.pk}/change/",
        {
            "patterns": "squat",
            "positions": "deep_knee_flexion,axial_spinal_load",
            "joints": "knee,hip",
            "impact": "none",
            "variation_group": "squat:quadriceps",
            "override-TOTAL_FORMS": "0",
            "override-INITIAL_FORMS": "0",
            "override-MIN_NUM_FORMS": "0",
            "override-MAX_NUM_FORMS": "1",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    with schema_context(world.a.schema_name):
        squat.refresh_from_db()
        assert (squat.joints, squat.tags_edited) == (["knee", "hip"], ["joints"])
        catalogue_seed()
        squat.refresh_from_db()
        assert squat.joints == ["knee", "hip"]
