"""Restrictions applied to exercises: pure values in, decisions with reasons out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.common.health import (
    ClearanceStatus,
    ExerciseTags,
    Restriction,
    TrainingConstraints,
)
from apps.workouts.restrictions import Candidate, Overrides, Verdict, decide, equipment_available, substitutes

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MEMBER = uuid.uuid4()


def restriction(**kw):
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "region": None,
        "avoid": frozenset(),
        "action": "exclude",
        "severity": "moderate",
        "reason": "Protect the knee while it heals",
        "source": "clinician",
    }
    base.update(kw)
    return Restriction(**base)


def cand(
    name,
    patterns,
    positions=(),
    joints=(),
    muscles=("quadriceps",),
    equipment="barbell",
    group=None,
    impact="none",
):
    main = patterns[0]
    return Candidate(
        id=uuid.uuid5(uuid.NAMESPACE_DNS, name),
        name=name,
        tags=ExerciseTags(frozenset(patterns), frozenset(positions), frozenset(joints), impact),
        primary_muscles=tuple(muscles),
        equipment=equipment,
        variation_group=group or f"{main}:{muscles[0]}",
        main_pattern=main,
    )


SQUAT = cand("Barbell Full Squat", ["squat"], ["deep_knee_flexion", "axial_spinal_load"], ["knee", "hip"])
LEG_PRESS = cand("Leg Press", ["squat"], ["deep_knee_flexion"], ["knee", "hip"], equipment="machine")
LEG_EXT = cand("Leg Extensions", ["isolation_lower"], [], ["knee"], equipment="machine")
BOX_SQUAT = cand("Box Squat", ["squat"], ["axial_spinal_load"], ["knee", "hip"])
SPLIT = cand("Split Squat", ["lunge"], ["deep_knee_flexion"], ["knee"], equipment="dumbbell")
CURL = cand("Barbell Curl", ["isolation_upper"], [], ["elbow"], muscles=("biceps",))
POOL = [SQUAT, LEG_PRESS, LEG_EXT, BOX_SQUAT, SPLIT, CURL]


def constraints(*rs, clearance=ClearanceStatus.CLEARED):
    return TrainingConstraints(member_id=MEMBER, clearance=clearance, restrictions=tuple(rs))


def test_no_restrictions_allows_everything():
    d = decide(constraints(), SQUAT.id, SQUAT.tags, now=NOW)
    assert (d.verdict, d.reasons, d.offered) == (Verdict.ALLOW, (), True)


def test_exclude_by_position_names_the_reason_and_what_matched():
    r = restriction(avoid=frozenset({"deep_knee_flexion"}))
    d = decide(constraints(r), SQUAT.id, SQUAT.tags, now=NOW)
    assert d.verdict is Verdict.EXCLUDE
    assert d.reasons == ("Excluded: Protect the knee while it heals (deep knee flexion).",)
    assert d.restriction_ids == (r.id,)
    assert decide(constraints(r), CURL.id, CURL.tags, now=NOW).verdict is Verdict.ALLOW


def test_region_without_avoid_excludes_everything_loading_it():
    r = restriction(region="knee")
    assert decide(constraints(r), LEG_EXT.id, LEG_EXT.tags, now=NOW).verdict is Verdict.EXCLUDE
    assert decide(constraints(r), CURL.id, CURL.tags, now=NOW).verdict is Verdict.ALLOW


def test_caps_carry_the_lowest_value_and_exclusion_wins():
    load = restriction(action="cap_load", cap_load_kg=Decimal("60"), avoid=frozenset({"squat"}))
    lower = restriction(action="cap_load", cap_load_kg=Decimal("40"), avoid=frozenset({"squat"}))
    rpe = restriction(
        action="cap_rpe", cap_rpe=Decimal("7"), avoid=frozenset({"squat"}), reason="Easy does it"
    )
    d = decide(constraints(load, lower, rpe), SQUAT.id, SQUAT.tags, now=NOW)
    assert (d.verdict, d.cap_load_kg, d.cap_rpe) == (Verdict.CAP, Decimal("40"), Decimal("7"))
    assert "Load capped at 40 kg: Protect the knee while it heals (squat)." in d.reasons
    assert "Effort capped at RPE 7: Easy does it (squat)." in d.reasons
    ex = restriction(avoid=frozenset({"axial_spinal_load"}))
    assert decide(constraints(load, ex), SQUAT.id, SQUAT.tags, now=NOW).verdict is Verdict.EXCLUDE


def test_a_cap_without_a_value_excludes():
    r = restriction(action="cap_load", avoid=frozenset({"squat"}))
    assert decide(constraints(r), SQUAT.id, SQUAT.tags, now=NOW).verdict is Verdict.EXCLUDE


def test_require_clearance_excludes_while_the_restriction_is_active():
    # A screening can come out "cleared" (every follow-up answered no) and still leave a
    # "require clearance" restriction: only a clinician's clearance ends it (medical ends the
    # restriction), so the status alone never lets the exercise through.
    r = restriction(action="require_clearance", avoid=frozenset({"squat"}))
    for status in (ClearanceStatus.NEEDS_CLEARANCE, ClearanceStatus.CLEARED):
        d = decide(constraints(r, clearance=status), SQUAT.id, SQUAT.tags, now=NOW)
        assert d.verdict is Verdict.EXCLUDE
        assert d.reasons == (
            "Needs a professional's clearance first: Protect the knee while it heals (squat).",
        )
    assert decide(constraints(clearance=ClearanceStatus.CLEARED), SQUAT.id, SQUAT.tags, now=NOW).offered


def test_limit_range_allows_with_a_note():
    r = restriction(action="limit_range", avoid=frozenset({"deep_knee_flexion"}))
    d = decide(constraints(r), SQUAT.id, SQUAT.tags, now=NOW)
    assert d.verdict is Verdict.LIMIT
    assert d.reasons == ("Limit the range of motion: Protect the knee while it heals (deep knee flexion).",)


def test_expired_restrictions_do_not_apply():
    r = restriction(avoid=frozenset({"squat"}), expires_at=NOW - timedelta(days=1))
    assert decide(constraints(r), SQUAT.id, SQUAT.tags, now=NOW).verdict is Verdict.ALLOW


def test_impact_avoidance_matches_high_impact():
    jump = cand("Box Jump", ["jump"], [], ["knee"], impact="high")
    r = restriction(avoid=frozenset({"impact"}))
    assert decide(constraints(r), jump.id, jump.tags, now=NOW).verdict is Verdict.EXCLUDE


def test_an_override_lifts_one_restriction_for_one_exercise_with_its_reason():
    r = restriction(avoid=frozenset({"deep_knee_flexion"}))
    o = Overrides({(SQUAT.id, r.id): "Box height set by the physio"})
    d = decide(constraints(r), SQUAT.id, SQUAT.tags, now=NOW, overrides=o)
    assert d.verdict is Verdict.ALLOW
    assert d.overridden == (r.id,)
    assert d.reasons == (
        "Allowed by an override (Box height set by the physio) despite: Protect the knee while it heals",
    )
    assert (
        decide(constraints(r), LEG_PRESS.id, LEG_PRESS.tags, now=NOW, overrides=o).verdict is Verdict.EXCLUDE
    )


def test_substitutes_keep_the_muscle_skip_restricted_tags_and_prefer_the_group():
    r = restriction(avoid=frozenset({"deep_knee_flexion"}))
    subs = substitutes(SQUAT, POOL, constraints(r), now=NOW)
    assert [s.candidate.name for s in subs] == ["Box Squat", "Leg Extensions"]
    assert subs[0].reason == "Instead of Barbell Full Squat: same movement and muscle (squat:quadriceps)."
    assert subs[1].reason == "Instead of Barbell Full Squat: trains the same primary muscle (quadriceps)."


def test_substitutes_need_equipment_the_gym_has():
    subs = substitutes(SQUAT, POOL, constraints(), now=NOW, available_equipment=["dumbbell"])
    assert [s.candidate.name for s in subs] == ["Split Squat"]
    assert equipment_available("body only", ["dumbbell"])
    assert equipment_available("", ["dumbbell"])
    assert equipment_available("machine", None)
    assert not equipment_available("machine", ["dumbbell"])


PATTERN_VALUES = sorted({"squat", "hinge", "lunge", "isolation_lower", "isolation_upper", "jump"})
POSITION_VALUES = sorted({"deep_knee_flexion", "axial_spinal_load", "impact", "overhead"})


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    patterns = draw(st.lists(st.sampled_from(PATTERN_VALUES), min_size=1, max_size=2, unique=True))
    positions = draw(st.lists(st.sampled_from(POSITION_VALUES), max_size=2, unique=True))
    name = draw(st.text(alphabet="abcdefgh", min_size=3, max_size=8))
    impact = draw(st.sampled_from(["none", "high"]))
    made: Candidate = cand(name, patterns, positions, ["knee"], muscles=("quadriceps",), impact=impact)
    return made


@given(
    target=candidates(),
    pool=st.lists(candidates(), max_size=8),
    avoid=st.lists(st.sampled_from(PATTERN_VALUES + POSITION_VALUES), min_size=1, max_size=3, unique=True),
)
@settings(max_examples=150, deadline=None)
def test_property_no_substitute_carries_an_excluded_tag(target, pool, avoid):
    r = restriction(avoid=frozenset(avoid))
    subs = substitutes(target, pool, constraints(r), now=NOW, limit=10)
    for s in subs:
        tags = s.candidate.tags
        assert not (set(avoid) & (tags.patterns | tags.positions))
        assert not ("impact" in avoid and tags.impact == "high")
        assert s.candidate.id != target.id
    d = decide(constraints(r), target.id, target.tags, now=NOW)
    hit = set(avoid) & (target.tags.patterns | target.tags.positions) or (
        "impact" in avoid and target.tags.impact == "high"
    )
    assert d.offered is (not hit)
