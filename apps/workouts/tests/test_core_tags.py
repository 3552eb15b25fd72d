"""The tag rules: what each kind of exercise is tagged with, from the catalogue's facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apps.common.health import BodyRegion, ImpactLevel, MovementPattern, Position
from apps.workouts import tags
from apps.workouts.tags import ExerciseFacts, derive

DATA = json.loads((Path(tags.__file__).parent / "data" / "exercises.json").read_text())
BY_NAME = {r["name"]: r for r in DATA}


def of(name: str) -> tags.DerivedTags:
    return derive(tags.facts_from_record(BY_NAME[name]))


@pytest.mark.parametrize(
    ("name", "patterns", "positions", "joints", "impact", "group"),
    [
        (
            "Barbell Full Squat",
            ("squat",),
            ("axial_spinal_load", "deep_knee_flexion"),
            ("hip", "knee", "lower_back"),
            "none",
            "squat:quadriceps",
        ),
        ("Leg Press", ("squat",), ("deep_knee_flexion",), ("hip", "knee"), "none", "squat:quadriceps"),
        (
            "Barbell Deadlift",
            ("hinge",),
            ("axial_spinal_load",),
            ("hip", "lower_back"),
            "none",
            "hinge:lower_back",
        ),
        (
            "Standing Military Press",
            ("vertical_push",),
            ("axial_spinal_load", "overhead"),
            ("elbow", "lower_back", "shoulder"),
            "none",
            "vertical_push:shoulders",
        ),
        (
            "Dumbbell Bench Press",
            ("horizontal_push",),
            (),
            ("chest", "elbow", "shoulder"),
            "none",
            "horizontal_push:chest",
        ),
        (
            "Wide-Grip Lat Pulldown",
            ("vertical_pull",),
            ("overhead",),
            ("elbow", "shoulder", "upper_back"),
            "none",
            "vertical_pull:lats",
        ),
        (
            "Seated Cable Rows",
            ("horizontal_pull",),
            (),
            ("elbow", "shoulder", "upper_back"),
            "none",
            "horizontal_pull:middle_back",
        ),
        (
            "Crunches",
            ("core",),
            ("loaded_spinal_flexion",),
            ("abdomen", "lower_back"),
            "none",
            "core:abdominals",
        ),
        ("Front Box Jump", ("jump",), ("impact",), ("ankle", "hip", "knee"), "high", "jump:hamstrings"),
        ("Barbell Curl", ("isolation_upper",), (), ("elbow",), "none", "isolation_upper:biceps"),
        ("Lying Leg Curls", ("isolation_lower",), (), ("hip", "knee"), "none", "isolation_lower:hamstrings"),
    ],
)
def test_well_known_lifts(name, patterns, positions, joints, impact, group):
    t = of(name)
    assert (t.patterns, t.positions, t.joints, t.impact, t.variation_group) == (
        patterns,
        positions,
        joints,
        impact,
        group,
    )


def test_stretches_are_only_stretches_and_never_overhead():
    t = derive(
        ExerciseFacts(name="Overhead Triceps Stretch", category="stretching", primary_muscles=("triceps",))
    )
    assert t.patterns == ("stretch",)
    assert "overhead" not in t.positions
    assert t.joints == ("elbow",)


def test_body_weight_squats_are_not_axially_loaded_but_barbell_ones_are():
    bw = derive(ExerciseFacts(name="Bodyweight Squat", category="strength", equipment="body only"))
    bb = derive(ExerciseFacts(name="Front Squat", category="strength", equipment="barbell"))
    assert "axial_spinal_load" not in bw.positions
    assert "axial_spinal_load" in bb.positions


def test_lying_hinges_do_not_load_the_spine_axially():
    t = derive(ExerciseFacts(name="Barbell Hip Thrust", category="strength", equipment="barbell"))
    assert t.patterns == ("hinge",)
    assert "axial_spinal_load" not in t.positions


def test_fallback_from_mechanic_and_muscles_when_no_keyword_matches():
    t = derive(
        ExerciseFacts(
            name="Frobnicator",
            category="strength",
            mechanic="compound",
            force="pull",
            primary_muscles=("lats",),
        )
    )
    assert t.patterns == ("vertical_pull",)
    assert t.variation_group == "vertical_pull:lats"


def test_running_is_high_impact_and_cycling_none():
    run = derive(ExerciseFacts(name="Running, Treadmill", category="cardio", primary_muscles=("quadriceps",)))
    bike = derive(
        ExerciseFacts(name="Bicycling, Stationary", category="cardio", primary_muscles=("quadriceps",))
    )
    assert (run.impact, bike.impact) == ("high", "none")
    assert "impact" in run.positions
    assert run.patterns == bike.patterns == ("locomotion",)


def test_every_catalogue_exercise_gets_valid_vocabulary():
    patterns = {p.value for p in MovementPattern}
    positions = {p.value for p in Position}
    regions = {r.value for r in BodyRegion}
    impacts = {i.value for i in ImpactLevel}
    for record in DATA:
        t = derive(tags.facts_from_record(record))
        assert t.patterns, record["name"]
        assert set(t.patterns) <= patterns
        assert set(t.positions) <= positions
        assert set(t.joints) <= regions
        assert t.impact in impacts
        assert t.variation_group.split(":")[0] in patterns


def test_tag_counts_over_the_catalogue_are_stable():
    counts: dict[str, int] = {}
    for record in DATA:
        for p in derive(tags.facts_from_record(record)).patterns:
            counts[p] = counts.get(p, 0) + 1
    assert counts["squat"] == 63
    assert counts["hinge"] == 54
    assert counts["stretch"] == 123
    assert counts["vertical_pull"] == 25


def test_merge_keeps_corrected_fields_only():
    derived = derive(ExerciseFacts(name="Barbell Squat", category="strength", equipment="barbell"))
    current = {"patterns": ["lunge"], "joints": ["knee"], "impact": "high"}
    merged = tags.merge(derived, current, ["joints"])
    assert merged["joints"] == ["knee"]
    assert merged["patterns"] == ["squat"]
    assert merged["impact"] == "none"
