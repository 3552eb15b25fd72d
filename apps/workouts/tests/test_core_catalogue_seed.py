"""The catalogue is seeded into every gym's schema, tags derived, corrections kept."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.workouts.models import Exercise
from apps.workouts.services.catalogue import catalogue_id, catalogue_seed

pytestmark = pytest.mark.django_db


def test_every_gym_has_the_whole_catalogue_with_the_same_ids(world):
    for gym in (world.a, world.b):
        with schema_context(gym.schema_name):
            assert Exercise.objects.filter(source="catalogue").count() == 873
            squat = Exercise.objects.get(slug="Barbell_Full_Squat")
            assert squat.id == catalogue_id("Barbell_Full_Squat")
            assert squat.patterns == ["squat"]
            assert squat.positions == ["axial_spinal_load", "deep_knee_flexion"]
            assert squat.joints == ["hip", "knee", "lower_back"]
            assert squat.variation_group == "squat:quadriceps"
            assert squat.search_vector is not None


def test_reseeding_keeps_a_staff_correction_and_restores_the_rest(world):
    with schema_context(world.a.schema_name):
        squat = Exercise.objects.get(slug="Barbell_Full_Squat")
        squat.joints = ["knee"]
        squat.tags_edited = ["joints"]
        squat.impact = "high"  # not marked edited: re-seeding restores it
        squat.save()
        counts = catalogue_seed()
        squat.refresh_from_db()
        assert counts == {"created": 0, "updated": 1}
        assert squat.joints == ["knee"]
        assert squat.impact == "none"
