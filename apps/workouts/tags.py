"""Rules that derive the tags restrictions need from what the exercise data states.

free-exercise-db has muscles, equipment, category, mechanic and force, but no movement pattern,
joint load or impact level. These rules derive them from the name (keywords), the category, the
mechanic, the force and the primary muscles, in the vocabulary of ``apps/common/health.py``.
They are deliberately conservative: a tag that is wrongly present hides an exercise from a
restricted member (staff can remove it); a tag wrongly absent could offer a contraindicated one.
Pure functions, no Django; staff corrections are kept apart (``Exercise.tags_edited``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apps.common.health import BodyRegion, ExerciseTags, ImpactLevel, MovementPattern, Position

P = MovementPattern
R = BodyRegion

TAG_FIELDS = ("patterns", "positions", "joints", "impact", "variation_group")


@dataclass(frozen=True, slots=True)
class ExerciseFacts:
    """What the data states about an exercise (free-exercise-db field names, lower case)."""

    name: str
    category: str
    mechanic: str = ""
    force: str = ""
    equipment: str = ""
    primary_muscles: tuple[str, ...] = ()
    secondary_muscles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DerivedTags:
    patterns: tuple[str, ...]
    positions: tuple[str, ...]
    joints: tuple[str, ...]
    impact: str
    variation_group: str

    def as_exercise_tags(self) -> ExerciseTags:
        return ExerciseTags(
            patterns=frozenset(self.patterns),
            positions=frozenset(self.positions),
            joints=frozenset(self.joints),
            impact=self.impact,
        )


def _has(name: str, *words: str) -> bool:
    """Whether any of ``words`` occurs in ``name`` as whole words (a word may be a phrase)."""
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", name) for w in words)


UPPER_MUSCLES = frozenset(
    {"biceps", "triceps", "shoulders", "chest", "forearms", "lats", "middle back", "traps", "neck"}
)
LOWER_MUSCLES = frozenset({"quadriceps", "hamstrings", "calves", "glutes", "abductors", "adductors"})

MUSCLE_JOINTS: dict[str, tuple[BodyRegion, ...]] = {
    "abdominals": (R.ABDOMEN,),
    "abductors": (R.HIP,),
    "adductors": (R.HIP,),
    "biceps": (R.ELBOW,),
    "calves": (R.ANKLE,),
    "chest": (R.CHEST, R.SHOULDER),
    "forearms": (R.WRIST, R.ELBOW),
    "glutes": (R.HIP,),
    "hamstrings": (R.HIP,),
    "lats": (R.SHOULDER,),
    "lower back": (R.LOWER_BACK,),
    "middle back": (R.UPPER_BACK,),
    "neck": (R.NECK,),
    "quadriceps": (R.KNEE,),
    "shoulders": (R.SHOULDER,),
    "traps": (R.UPPER_BACK, R.NECK),
    "triceps": (R.ELBOW,),
}

PATTERN_JOINTS: dict[MovementPattern, tuple[BodyRegion, ...]] = {
    P.SQUAT: (R.KNEE, R.HIP),
    P.LUNGE: (R.KNEE, R.HIP, R.ANKLE),
    P.HINGE: (R.HIP, R.LOWER_BACK),
    P.HORIZONTAL_PUSH: (R.SHOULDER, R.ELBOW, R.CHEST),
    P.VERTICAL_PUSH: (R.SHOULDER, R.ELBOW),
    P.HORIZONTAL_PULL: (R.SHOULDER, R.ELBOW, R.UPPER_BACK),
    P.VERTICAL_PULL: (R.SHOULDER, R.ELBOW, R.UPPER_BACK),
    P.CARRY: (R.SHOULDER, R.WRIST, R.LOWER_BACK, R.HIP),
    P.ROTATION: (R.LOWER_BACK, R.ABDOMEN),
    P.CORE: (R.ABDOMEN,),
    P.JUMP: (R.KNEE, R.ANKLE, R.HIP),
    P.OLYMPIC: (R.KNEE, R.HIP, R.LOWER_BACK, R.SHOULDER, R.WRIST),
    P.LOCOMOTION: (),
    P.ISOLATION_UPPER: (),
    P.ISOLATION_LOWER: (),
    P.STRETCH: (),
}

# The order in which a pattern is "the" pattern of an exercise (variation groups use it).
PATTERN_PRIORITY: tuple[MovementPattern, ...] = (
    P.OLYMPIC,
    P.JUMP,
    P.LUNGE,
    P.SQUAT,
    P.HINGE,
    P.VERTICAL_PUSH,
    P.HORIZONTAL_PUSH,
    P.VERTICAL_PULL,
    P.HORIZONTAL_PULL,
    P.CARRY,
    P.ROTATION,
    P.CORE,
    P.ISOLATION_UPPER,
    P.ISOLATION_LOWER,
    P.LOCOMOTION,
    P.STRETCH,
)

FREE_WEIGHTS = frozenset({"barbell", "dumbbell", "kettlebells", "other", "e-z curl bar"})
NOT_AXIAL = (
    "hip thrust",
    "glute bridge",
    "bridge",
    "hyperextension",
    "hyperextensions",
    "back extension",
    "reverse hyper",
    "leg press",
    "pull through",
    "lying",
    "pullover",
)


def _keyword_patterns(n: str) -> set[MovementPattern]:
    out: set[MovementPattern] = set()
    if _has(n, "clean", "snatch", "jerk", "high pull"):
        out.add(P.OLYMPIC)
    if _has(n, "jerk", "push press", "thruster", "thrusters"):
        out.add(P.VERTICAL_PUSH)
    if _has(
        n,
        "jump",
        "jumps",
        "jumping",
        "hop",
        "hops",
        "bound",
        "bounds",
        "burpee",
        "burpees",
        "skip",
        "skipping",
    ):
        out.add(P.JUMP)
    if _has(n, "lunge", "lunges", "split squat", "step-up", "step-ups", "step up", "bulgarian", "split jump"):
        out.add(P.LUNGE)
    if _has(
        n, "squat", "squats", "thruster", "thrusters", "leg press", "hack squat", "pistol", "sissy"
    ) and not _has(n, "split squat", "squat thrust"):
        out.add(P.SQUAT)
    if _has(
        n,
        "deadlift",
        "deadlifts",
        "good morning",
        "good mornings",
        "romanian",
        "rdl",
        "hip thrust",
        "glute bridge",
        "swing",
        "swings",
        "pull through",
        "hyperextension",
        "hyperextensions",
        "back extension",
        "reverse hyper",
        "rack pull",
        "rack pulls",
        "stiff-legged",
        "stiff legged",
    ):
        out.add(P.HINGE)
    if _has(
        n,
        "overhead press",
        "military press",
        "shoulder press",
        "push press",
        "arnold press",
        "handstand",
        "bradford",
        "seated press",
        "standing press",
        "landmine press",
    ):
        out.add(P.VERTICAL_PUSH)
    if (
        _has(
            n,
            "bench press",
            "chest press",
            "floor press",
            "push-up",
            "push-ups",
            "pushup",
            "pushups",
            "push up",
            "push ups",
            "dip",
            "dips",
            "decline press",
            "incline press",
            "board press",
            "close-grip press",
        )
        and P.VERTICAL_PUSH not in out
    ):
        out.add(P.HORIZONTAL_PUSH)
    if _has(n, "pull-up", "pull-ups", "pullup", "pullups", "chin-up", "chin-ups", "chinup", "chinups"):
        out.add(P.VERTICAL_PULL)
    if _has(n, "pulldown", "pulldowns", "pull-down", "lat pull", "muscle up", "rope climb"):
        out.add(P.VERTICAL_PULL)
    if _has(n, "row", "rows", "inverted row", "face pull", "seal row") and not _has(
        n, "upright row", "rower", "rowing"
    ):
        out.add(P.HORIZONTAL_PULL)
    if _has(n, "upright row"):
        out.add(P.ISOLATION_UPPER)
    if _has(n, "carry", "farmer", "farmers", "yoke", "suitcase", "walk", "drag") and not _has(
        n, "walking lunge"
    ):
        out.add(P.CARRY)
    if _has(
        n,
        "twist",
        "twists",
        "woodchop",
        "woodchoppers",
        "wood chop",
        "russian",
        "rotation",
        "rotational",
        "oblique",
        "side bend",
        "side bends",
    ):
        out.add(P.ROTATION)
    if _has(
        n,
        "plank",
        "crunch",
        "crunches",
        "sit-up",
        "sit-ups",
        "situp",
        "sit up",
        "leg raise",
        "leg raises",
        "knee raise",
        "ab roller",
        "rollout",
        "v-up",
        "jackknife",
        "hollow",
        "dead bug",
        "flutter kick",
        "mountain climber",
        "toe touchers",
        "ab ",
    ):
        out.add(P.CORE)
    if _has(n, "curl", "curls") and not _has(n, "leg curl", "leg curls", "hamstring curl", "glute ham"):
        out.add(P.ISOLATION_UPPER)
    if _has(
        n,
        "leg curl",
        "leg curls",
        "hamstring curl",
        "leg extension",
        "leg extensions",
        "calf raise",
        "calf raises",
        "calf press",
        "adductor",
        "abductor",
        "hip adduction",
        "hip abduction",
    ):
        out.add(P.ISOLATION_LOWER)
    if _has(
        n,
        "fly",
        "flye",
        "flyes",
        "flys",
        "crossover",
        "lateral raise",
        "front raise",
        "rear delt",
        "kickback",
        "pushdown",
        "pushdowns",
        "skullcrusher",
        "triceps extension",
        "tricep extension",
        "shrug",
        "shrugs",
    ):
        out.add(P.ISOLATION_UPPER)
    return out


def _fallback_patterns(f: ExerciseFacts) -> set[MovementPattern]:
    """Patterns from mechanic, force and muscles when no keyword matched."""
    primary = set(f.primary_muscles)
    if f.category == "cardio":
        return {P.LOCOMOTION}
    if f.category == "plyometrics":
        return (
            {P.JUMP}
            if primary & LOWER_MUSCLES
            else {P.ROTATION if "abdominals" in primary else P.HORIZONTAL_PUSH}
        )
    if primary <= {"abdominals"} and primary:
        return {P.CORE}
    if f.mechanic == "compound":
        if "quadriceps" in primary:
            return {P.SQUAT}
        if primary & {"hamstrings", "glutes", "lower back"}:
            return {P.HINGE}
        if "chest" in primary:
            return {P.HORIZONTAL_PUSH}
        if "shoulders" in primary:
            return {P.VERTICAL_PUSH if f.force == "push" else P.HORIZONTAL_PULL}
        if "lats" in primary:
            return {P.VERTICAL_PULL}
        if "middle back" in primary:
            return {P.HORIZONTAL_PULL}
    if primary & LOWER_MUSCLES or "lower back" in primary:
        return {P.ISOLATION_LOWER}
    return {P.ISOLATION_UPPER}


def derive_patterns(f: ExerciseFacts) -> tuple[str, ...]:
    n = f.name.lower()
    if f.category == "stretching" or _has(n, "stretch", "smr"):
        return (P.STRETCH.value,)
    out = _keyword_patterns(n)
    if f.category == "olympic weightlifting":
        out.add(P.OLYMPIC)
    if f.category == "cardio":
        out = {P.LOCOMOTION} | (out & {P.JUMP})
    if not out:
        out = _fallback_patterns(f)
    return tuple(sorted(p.value for p in out))


def derive_impact(f: ExerciseFacts, patterns: Iterable[str]) -> str:
    n = f.name.lower()
    pats = set(patterns)
    if (
        f.category == "plyometrics" and (P.JUMP.value in pats or set(f.primary_muscles) & LOWER_MUSCLES)
    ) or P.JUMP.value in pats:
        return ImpactLevel.HIGH.value
    if _has(
        n,
        "run",
        "running",
        "sprint",
        "sprints",
        "jog",
        "jogging",
        "treadmill",
        "rope jumping",
        "skipping",
        "slam",
        "slams",
    ):
        return ImpactLevel.HIGH.value
    if f.category in {"strongman", "olympic weightlifting"} or P.OLYMPIC.value in pats:
        return ImpactLevel.LOW.value
    if f.category in {"plyometrics", "cardio"} and not _has(
        n, "bike", "bicycling", "cycling", "rowing", "rower", "elliptical", "recumbent"
    ):
        return ImpactLevel.LOW.value
    return ImpactLevel.NONE.value


def derive_positions(f: ExerciseFacts, patterns: Iterable[str], impact: str) -> tuple[str, ...]:
    n = f.name.lower()
    pats = set(patterns)
    out: set[Position] = set()
    if (
        pats & {P.VERTICAL_PUSH.value, P.VERTICAL_PULL.value}
        or _has(
            n,
            "overhead",
            "snatch",
            "jerk",
            "handstand",
            "pullover",
            "pullovers",
            "behind the head",
            "behind neck",
        )
    ) and P.STRETCH.value not in pats:
        out.add(Position.OVERHEAD)
    if pats & {P.SQUAT.value, P.LUNGE.value} or _has(n, "pistol", "sissy", "squat clean", "deep"):
        out.add(Position.DEEP_KNEE_FLEXION)
    if _has(
        n,
        "crunch",
        "crunches",
        "sit-up",
        "sit-ups",
        "situp",
        "sit up",
        "v-up",
        "jackknife",
        "good morning",
        "good mornings",
        "jefferson",
        "toes to bar",
        "knees to chest",
    ):
        out.add(Position.LOADED_SPINAL_FLEXION)
    axial_patterns = {
        P.SQUAT.value,
        P.HINGE.value,
        P.LUNGE.value,
        P.CARRY.value,
        P.OLYMPIC.value,
        P.VERTICAL_PUSH.value,
    }
    if (
        f.equipment in FREE_WEIGHTS
        and (pats & axial_patterns or _has(n, "shrug", "shrugs"))
        and not _has(n, *NOT_AXIAL)
        and P.STRETCH.value not in pats
    ):
        out.add(Position.AXIAL_SPINAL_LOAD)
    if _has(n, "handstand", "headstand", "inversion", "inverted") and not _has(n, "inverted row"):
        out.add(Position.INVERTED)
    if impact == ImpactLevel.HIGH.value:
        out.add(Position.IMPACT)
    return tuple(sorted(p.value for p in out))


def derive_joints(f: ExerciseFacts, patterns: Iterable[str], positions: Iterable[str]) -> tuple[str, ...]:
    n = f.name.lower()
    out: set[BodyRegion] = set()
    for p in patterns:
        out.update(PATTERN_JOINTS[MovementPattern(p)])
    for m in f.primary_muscles:
        out.update(MUSCLE_JOINTS.get(m, ()))
    pos = set(positions)
    if Position.AXIAL_SPINAL_LOAD.value in pos or Position.LOADED_SPINAL_FLEXION.value in pos:
        out.add(R.LOWER_BACK)
    if Position.OVERHEAD.value in pos:
        out.add(R.SHOULDER)
    if _has(n, "push-up", "push-ups", "pushup", "pushups", "push up", "plank", "handstand", "wrist"):
        out.add(R.WRIST)
    if _has(n, "leg curl", "leg curls", "hamstring curl", "glute ham"):
        out.add(R.KNEE)
    return tuple(sorted(r.value for r in out))


def main_pattern(patterns: Iterable[str]) -> str:
    pats = set(patterns)
    for p in PATTERN_PRIORITY:
        if p.value in pats:
            return p.value
    return P.ISOLATION_UPPER.value


def derive_variation_group(f: ExerciseFacts, patterns: Iterable[str]) -> str:
    """Exercises in one group substitute for each other: the main pattern and the first
    primary muscle (``"squat:quadriceps"``, ``"isolation_upper:biceps"``)."""
    muscle = f.primary_muscles[0] if f.primary_muscles else "general"
    return f"{main_pattern(patterns)}:{muscle.replace(' ', '_')}"


def derive(f: ExerciseFacts) -> DerivedTags:
    patterns = derive_patterns(f)
    impact = derive_impact(f, patterns)
    positions = derive_positions(f, patterns, impact)
    return DerivedTags(
        patterns=patterns,
        positions=positions,
        joints=derive_joints(f, patterns, positions),
        impact=impact,
        variation_group=derive_variation_group(f, patterns),
    )


def facts_from_record(record: dict[str, object]) -> ExerciseFacts:
    """``ExerciseFacts`` from a free-exercise-db record."""

    def text(key: str) -> str:
        value = record.get(key)
        return str(value).lower() if value else ""

    def names(key: str) -> tuple[str, ...]:
        value = record.get(key) or []
        assert isinstance(value, list)
        return tuple(str(v).lower() for v in value)

    return ExerciseFacts(
        name=str(record["name"]),
        category=text("category"),
        mechanic=text("mechanic"),
        force=text("force"),
        equipment=text("equipment"),
        primary_muscles=names("primaryMuscles"),
        secondary_muscles=names("secondaryMuscles"),
    )


def merge(derived: DerivedTags, current: Mapping[str, object], edited: Iterable[str]) -> dict[str, object]:
    """The tag values to store: derived ones, except the fields staff corrected (``edited``),
    which keep their ``current`` value."""
    keep = set(edited)
    out: dict[str, object] = {}
    for name in TAG_FIELDS:
        value = getattr(derived, name)
        out[name] = (
            current[name]
            if name in keep and name in current
            else (list(value) if isinstance(value, tuple) else value)
        )
    return out
