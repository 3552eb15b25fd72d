"""Reads of the exercise catalogue: visibility, search with typo tolerance, facets, tags."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone

from apps.common.health import ExerciseTags, TrainingConstraints
from apps.medical.facade import api as medical
from apps.workouts.models import Exercise, GymTrainingSetup, MemberTrainingProfile, RestrictionOverride
from apps.workouts.restrictions import Candidate, Decision, Overrides, Substitute, decide, substitutes
from apps.workouts.tags import main_pattern

# A name word this close to a query word counts as a match (pg_trgm word similarity).
TYPO_THRESHOLD = 0.45
FACETS = ("muscle", "equipment", "pattern", "level")


def exercises(*, include_hidden: bool = False) -> QuerySet[Exercise]:
    """Every exercise of the gym with its display name (the gym's rename, else the name)."""
    qs = Exercise.objects.select_related("override").annotate(
        display_name=Coalesce(NullIf(F("override__name"), Value("")), F("name")),
    )
    if not include_hidden:
        qs = qs.filter(Q(override__isnull=True) | Q(override__hidden=False))
    return qs


def exercise_get(*, exercise_id: UUID, include_hidden: bool = True) -> Exercise:
    return exercises(include_hidden=include_hidden).get(pk=exercise_id)


VOCABULARY_SQL = """
SELECT DISTINCT w FROM (
    SELECT regexp_split_to_table(lower(e.name || ' ' || coalesce(o.name, '') || ' '
        || array_to_string(e.primary_muscles, ' ') || ' ' || e.equipment), '[^a-z0-9]+') AS w
    FROM workouts_exercise e LEFT JOIN workouts_exerciseoverride o ON o.exercise_id = e.id
) words WHERE length(w) >= 3
"""


def corrected(q: str) -> str:
    """``q`` with each word of four letters or more that no exercise uses replaced by the
    closest word that one does (``sqaut`` -> ``squat``): typos that trigrams miss, such as
    swapped letters in a short word. One query."""
    words = re.findall(r"[a-z0-9]+", q.lower())
    if not any(len(w) >= 4 for w in words):
        return q
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_SQL)
        vocabulary = [w for (w,) in cursor.fetchall()]
    known = set(vocabulary)
    out = []
    for w in words:
        if len(w) >= 4 and w not in known:
            close = difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)
            out.append(close[0] if close else w)
        else:
            out.append(w)
    return " ".join(out)


@functools.cache
def _trigrams_available(database: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        row = cursor.fetchone()
    return bool(row and row[0])


def trigrams_available() -> bool:
    """Whether the database has pg_trgm (PostgreSQL's contrib module; the embedded development
    server lacks it). Checked once per process and database."""
    return _trigrams_available(str(connection.settings_dict["NAME"]))


def search(qs: QuerySet[Exercise], q: str, *, fixed: str | None = None) -> QuerySet[Exercise]:
    """Full-text match (stemmed, weighted: name, then muscles/equipment, then patterns) of the
    query with its misspelt words corrected, or a close spelling of a name word (pg_trgm), best
    first. Without pg_trgm the word correction alone gives the typo tolerance."""
    q = " ".join(q.split())[:100]
    if not q:
        return qs
    query = SearchQuery(q, config="english", search_type="websearch")
    fixed = corrected(q) if fixed is None else fixed
    if fixed != q.lower():
        query = query | SearchQuery(fixed, config="english", search_type="plain")
    if not trigrams_available():
        return (
            qs.annotate(rank=SearchRank(F("search_vector"), query))
            .filter(search_vector=query)
            .order_by(-F("rank"), "name")
        )
    return (
        qs.annotate(
            rank=SearchRank(F("search_vector"), query),
            similarity=Greatest(
                TrigramWordSimilarity(q, "name"),
                TrigramWordSimilarity(q, Coalesce(F("override__name"), Value(""))),
            ),
        )
        .filter(Q(search_vector=query) | Q(similarity__gte=TYPO_THRESHOLD))
        .order_by(-(F("rank") + F("similarity")), "name")
    )


def filtered(
    qs: QuerySet[Exercise],
    *,
    muscle: str = "",
    equipment: str = "",
    pattern: str = "",
    level: str = "",
    category: str = "",
    source: str = "",
) -> QuerySet[Exercise]:
    if muscle:
        qs = qs.filter(primary_muscles__contains=[muscle])
    if equipment:
        qs = qs.filter(equipment=equipment)
    if pattern:
        qs = qs.filter(patterns__contains=[pattern])
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category=category)
    if source:
        qs = qs.filter(source=source)
    return qs


def with_equipment(qs: QuerySet[Exercise], available: Collection[str] | None) -> QuerySet[Exercise]:
    """Only exercises the gym's equipment allows (body-weight and no-equipment ones always)."""
    if available is None:
        return qs
    return qs.filter(equipment__in=[*available, "", "body only"])


FACET_SQL = """
WITH f AS ({inner})
SELECT 'muscle', m, count(*) FROM workouts_exercise e, unnest(e.primary_muscles) m
    WHERE e.id IN (SELECT id FROM f) GROUP BY m
UNION ALL
SELECT 'equipment', e.equipment, count(*) FROM workouts_exercise e
    WHERE e.id IN (SELECT id FROM f) GROUP BY e.equipment
UNION ALL
SELECT 'pattern', p, count(*) FROM workouts_exercise e, unnest(e.patterns) p
    WHERE e.id IN (SELECT id FROM f) GROUP BY p
UNION ALL
SELECT 'level', e.level, count(*) FROM workouts_exercise e
    WHERE e.id IN (SELECT id FROM f) GROUP BY e.level
"""


def facets(qs: QuerySet[Exercise]) -> dict[str, dict[str, int]]:
    """Counts per muscle, equipment, movement pattern and level over ``qs``, in one query."""
    inner, params = qs.order_by().values("id").query.sql_with_params()
    out: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    with connection.cursor() as cursor:
        cursor.execute(FACET_SQL.format(inner=inner), params)
        for facet, value, count in cursor.fetchall():
            out[facet][value or "none"] = count
    return {
        name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for name, values in out.items()
    }


def tags_of(e: Any) -> ExerciseTags:
    return ExerciseTags(
        patterns=frozenset(e.patterns),
        positions=frozenset(e.positions),
        joints=frozenset(e.joints),
        impact=e.impact,
    )


def candidate(e: Exercise) -> Candidate:
    return Candidate(
        id=e.id,
        name=getattr(e, "display_name", e.name),
        tags=tags_of(e),
        primary_muscles=tuple(e.primary_muscles),
        equipment=e.equipment,
        variation_group=e.variation_group,
        main_pattern=main_pattern(e.patterns),
    )


def candidates(qs: QuerySet[Exercise]) -> list[Candidate]:
    """Every exercise of ``qs`` as restriction candidates, in one query of the needed columns."""
    fields = ("id", "name", "patterns", "positions", "joints", "impact", "primary_muscles", "equipment")
    return [
        candidate(e)
        for e in qs.only(*fields, "variation_group", "override__name", "override__hidden").order_by("name")
    ]


@dataclass(frozen=True, slots=True)
class Setup:
    unit: str
    available_equipment: tuple[str, ...] | None
    barbell_loading: dict[str, Any]
    dumbbell_loading: dict[str, Any]
    machine_loading: dict[str, Any]


def setup() -> Setup:
    """The gym's training set-up (defaults when the gym never stated one)."""
    row = GymTrainingSetup.objects.first()
    if row is None:
        return Setup("kg", None, {}, {}, {})
    equipment = None if row.available_equipment is None else tuple(row.available_equipment)
    return Setup(row.unit, equipment, row.barbell_loading, row.dumbbell_loading, row.machine_loading)


def profile_of(*, member_id: UUID) -> MemberTrainingProfile:
    """The member's training profile (unsaved defaults when they never set one)."""
    return MemberTrainingProfile.objects.filter(member_id=member_id).first() or MemberTrainingProfile(
        member_id=member_id
    )


def by_ids(ids: Iterable[UUID]) -> dict[UUID, Exercise]:
    return {e.id: e for e in exercises(include_hidden=True).filter(pk__in=list(ids))}


# --- what a member is offered ---------------------------------------------------------------


def constraints_for(*, gym_id: int, member_id: UUID) -> TrainingConstraints:
    """The member's clearance and restrictions, from the medical context."""
    return medical.training_constraints(gym_id=gym_id, member_id=member_id)


def overrides_for(*, member_id: UUID) -> Overrides:
    rows = RestrictionOverride.objects.filter(member_id=member_id, revoked_at__isnull=True).values_list(
        "exercise_id", "restriction_id", "reason"
    )
    return Overrides({(e, r): reason for e, r, reason in rows})


@dataclass
class Offering:
    """Restrictions, overrides and the gym's equipment, ready to judge exercises for one member."""

    member_id: UUID
    constraints: TrainingConstraints
    overrides: Overrides
    available_equipment: tuple[str, ...] | None
    now: datetime
    _pool: list[Candidate] | None = field(default=None, repr=False)

    def decide(self, e: Exercise | Candidate) -> Decision:
        tags = e.tags if isinstance(e, Candidate) else tags_of(e)
        return decide(self.constraints, e.id, tags, now=self.now, overrides=self.overrides)

    @property
    def pool(self) -> list[Candidate]:
        """Every exercise the gym offers (visible, its equipment available): one query."""
        if self._pool is None:
            self._pool = candidates(with_equipment(exercises(), self.available_equipment))
        return self._pool

    def excluded_ids(self) -> set[UUID]:
        if not self.constraints.restrictions:
            return set()
        return {c.id for c in self.pool if not self.decide(c).offered}

    def substitutes_for(self, e: Exercise | Candidate, *, limit: int = 3) -> list[Substitute]:
        target = e if isinstance(e, Candidate) else candidate(e)
        return substitutes(
            target,
            self.pool,
            self.constraints,
            now=self.now,
            available_equipment=self.available_equipment,
            overrides=self.overrides,
            limit=limit,
        )


def offering(*, gym_id: int, member_id: UUID) -> Offering:
    return Offering(
        member_id=member_id,
        constraints=constraints_for(gym_id=gym_id, member_id=member_id),
        overrides=overrides_for(member_id=member_id),
        available_equipment=setup().available_equipment,
        now=timezone.now(),
    )
