"""Server-rendered training pages: the exercise library (search, facets, restrictions applied)
and the program builder (templates and members' programs, with the engine's preview)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.common.tenancy import current_gym_id as _gym_id
from apps.workouts import engine
from apps.workouts.facade.contracts import EQUIPMENT, LEVELS, MUSCLES
from apps.workouts.models import Program
from apps.workouts.selectors import catalogue as selectors
from apps.workouts.selectors import programs as program_selectors
from apps.workouts.services import programs as services

STAFF = frozenset({"owner", "admin", "trainer"})
PAGE_SIZE = 30
ROWS_PER_DAY = 6
PROGRESSIONS = (
    ("fixed", "Fixed sets"),
    ("linear", "Linear (+2.5 each session)"),
    ("double_progression", "Double progression"),
    ("rpe", "RPE (load value = target RPE)"),
)
BASES = (
    ("absolute", "kg/lb"),
    ("percent_1rm", "% 1RM"),
    ("percent_tm", "% TM"),
    ("rpe", "RPE"),
    ("rir", "RIR"),
)


def _membership(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    route = getattr(request, "tenant", None)
    if route is None or getattr(route, "is_public", True) or membership is None:
        raise Http404
    return membership


@never_cache
def library(request: HttpRequest) -> HttpResponse:
    """Search the library; a member sees what they are offered, with each exercise's reasons."""
    membership = _membership(request)
    role, me = str(membership.role), UUID(str(request.user.pk))
    q = request.GET.get("q", "")[:100]
    chosen = {k: request.GET.get(k, "") for k in ("muscle", "equipment", "pattern", "level")}
    allowed = {"muscle": MUSCLES, "equipment": EQUIPMENT, "level": LEVELS}
    for key, values in allowed.items():
        if chosen[key] and chosen[key] not in values:
            chosen[key] = ""
    qs = selectors.exercises().defer("search_vector", "instructions")
    offering = None
    if role not in STAFF:
        offering = selectors.offering(gym_id=_gym_id(request), member_id=me)
        qs = selectors.with_equipment(qs, offering.available_equipment)
        excluded = offering.excluded_ids()
        if excluded:
            qs = qs.exclude(pk__in=excluded)
    fixed = selectors.corrected(q) if q else ""
    qs = selectors.filtered(qs, **chosen)
    qs = selectors.search(qs, q, fixed=fixed) if q else qs.order_by("display_name", "id")
    facets = selectors.facets(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"exercise": e, "decision": offering.decide(e) if offering else None} for e in page.object_list]
    params = {k: v for k, v in {"q": q, **chosen}.items() if v}
    return render(
        request,
        "workouts/library.html",
        {
            "q": q,
            "corrected": fixed if fixed and fixed != q.lower() else "",
            "chosen": chosen,
            "facets": facets,
            "page": page,
            "rows": rows,
            "params": params,
            "member_view": offering is not None,
        },
    )


def _program_data(post: Any, days: int, rows: int) -> dict[str, Any]:
    """The builder form as the written program: the week is repeated ``weeks`` times."""
    pairs = selectors.exercises().values_list("id", "display_name")  # type: ignore[misc]
    names = {str(n).lower(): str(i) for i, n in pairs}
    week_days = []
    for d in range(1, days + 1):
        slots: dict[str, list[dict[str, Any]]] = {}
        order: list[str] = []
        for r in range(1, rows + 1):
            field = f"d{d}r{r}"
            name = post.get(f"{field}_exercise", "").strip()
            if not name:
                continue
            group = post.get(f"{field}_group", "").strip().upper()[:2] or f"#{r}"
            if group not in slots:
                slots[group] = []
                order.append(group)
            slots[group].append(_row(post, field, name, names))
        if order:
            week_days.append(
                {
                    "number": d,
                    "name": post.get(f"d{d}_name", "")[:80],
                    "slots": [{"exercises": slots[g]} for g in order],
                }
            )
    weeks = _int(post.get("weeks"), 1)
    return {
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "unit": post.get("unit", "kg"),
        "weeks": [{"number": w, "days": week_days} for w in range(1, max(1, min(weeks, 52)) + 1)]
        if week_days
        else [],
    }


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _row(post: Any, field: str, name: str, names: dict[str, str]) -> dict[str, Any]:
    sets = max(1, min(_int(post.get(f"{field}_sets"), 3), 10))
    low = _int(post.get(f"{field}_reps_low"), 0)
    high = _int(post.get(f"{field}_reps_high"), low) or low
    basis = post.get(f"{field}_basis", "absolute")
    value = post.get(f"{field}_load", "") or "0"
    rest = post.get(f"{field}_rest", "")
    kind = post.get(f"{field}_progression", "fixed")
    item: dict[str, Any] = {"exercise_id": names.get(name.lower(), name)}
    rest_value = _int(rest, -1) if rest else None
    if kind == "linear":
        item["scheme"] = {"kind": "linear", "sets": sets, "reps": low, "rest_seconds": rest_value}
        item["start"] = {"load": value}
    elif kind == "double_progression":
        item["scheme"] = {
            "kind": "double_progression",
            "sets": sets,
            "rep_low": low,
            "rep_high": high,
            "rest_seconds": rest_value,
        }
        item["start"] = {"load": value}
    elif kind == "rpe":
        item["scheme"] = {
            "kind": "rpe",
            "sets": sets,
            "reps": low,
            "target_rpe": value,
            "rest_seconds": rest_value,
        }
    else:
        item["sets"] = [
            {
                "reps_low": low,
                "reps_high": high,
                "load_basis": basis,
                "load_value": value,
                "rest_seconds": rest_value,
            }
            for _ in range(sets)
        ]
    return item


def _form_from_program(program: Program) -> tuple[dict[str, str], int, int]:
    """The builder's fields for a program (its first week)."""
    data = services.program_as_data(program)
    values: dict[str, str] = {
        "name": data["name"],
        "description": data["description"],
        "unit": data["unit"],
        "weeks": str(len(data["weeks"])),
    }
    full = program_selectors.program_full(program_id=program.pk)
    week = full.weeks.all()[0] if full.weeks.all() else None
    days = rows = 0
    if week is not None:
        for d in week.days.all():
            days = max(days, d.number)
            values[f"d{d.number}_name"] = d.name
            r = 0
            for s_index, slot in enumerate(d.slots.all(), start=1):
                items = list(slot.exercises.all())
                for e in items:
                    r += 1
                    field = f"d{d.number}r{r}"
                    values[f"{field}_exercise"] = e.exercise.name
                    values[f"{field}_group"] = chr(64 + s_index) if len(items) > 1 else ""
                    values[f"{field}_progression"] = e.scheme.get("kind", "fixed")
                    sets = list(e.sets.all())
                    values[f"{field}_sets"] = str(len(sets))
                    if sets:
                        first = sets[-1]
                        values[f"{field}_reps_low"] = str(first.reps_low)
                        values[f"{field}_reps_high"] = str(first.reps_high)
                        values[f"{field}_basis"] = first.load_basis
                        values[f"{field}_load"] = format(first.load_value.normalize(), "f")
                        values[f"{field}_rest"] = (
                            "" if first.rest_seconds is None else str(first.rest_seconds)
                        )
                    if e.scheme.get("kind") == "rpe":
                        values[f"{field}_load"] = str(e.scheme.get("target_rpe", ""))
            rows = max(rows, r)
    return values, max(days, 1), max(rows, ROWS_PER_DAY)


def _require_staff(request: HttpRequest) -> Any:
    membership = _membership(request)
    if str(membership.role) not in STAFF:
        raise Http404
    return membership


@never_cache
def programs(request: HttpRequest) -> HttpResponse:
    """The gym's templates and the programs of members the caller may manage."""
    membership = _require_staff(request)
    qs = program_selectors.programs_visible(
        gym_id=_gym_id(request), role=str(membership.role), user_id=UUID(str(request.user.pk))
    ).exclude(status="archived")
    return render(request, "workouts/programs.html", {"programs": qs.order_by("-is_template", "name")[:200]})


@never_cache
@require_http_methods(["GET", "POST"])
def program_builder(request: HttpRequest, program_id: UUID | None = None) -> HttpResponse:
    """Write a program week by week: days, exercises (a shared group letter makes a superset),
    sets, reps, load and progression; saving validates it whole, and the preview shows the
    weeks ahead once progression applies."""
    membership = _require_staff(request)
    role, me = str(membership.role), UUID(str(request.user.pk))
    program = None
    if program_id is not None:
        visible = program_selectors.programs_visible(gym_id=_gym_id(request), role=role, user_id=me)
        program = visible.filter(pk=program_id).first()
        if program is None:
            raise Http404
    days = max(1, min(_int(request.GET.get("days"), 3), 7))
    rows = max(1, min(_int(request.GET.get("rows"), ROWS_PER_DAY), 12))
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        days = max(1, min(_int(request.POST.get("days"), days), 7))
        rows = max(1, min(_int(request.POST.get("rows"), rows), 12))
        values = {k: str(v) for k, v in request.POST.dict().items() if k != "csrfmiddlewaretoken"}
        data = _program_data(request.POST, days, rows)
        try:
            if program is None:
                program = services.program_create(
                    gym_id=_gym_id(request), data=data, actor_id=me, actor_role=role, is_template=True
                )
            else:
                services.program_replace(
                    gym_id=_gym_id(request), program=program, data=data, actor_id=me, actor_role=role
                )
            return HttpResponseRedirect(f"/training/programs/{program.pk}/")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        except services.ProgramDeniedError as exc:
            errors = {"non_field_errors": [str(exc)]}
    elif program is not None:
        values, form_days, form_rows = _form_from_program(program)
        days = max(days if "days" in request.GET else form_days, form_days)
        rows = max(rows if "rows" in request.GET else form_rows, form_rows)
    preview: dict[str, Any] | None = None
    if program is not None and not errors:
        try:
            full = program_selectors.program_full(program_id=program.pk)
            if full.weeks.exists():
                result = services.program_preview(program=full, weeks=max(4, full.weeks.count()))
                preview = {"unit": full.unit, "weeks": _preview_weeks(result)}
        except (ValidationError, engine.EngineError):
            preview = None  # a program the engine cannot preview still opens for editing
    keys = ("exercise", "group", "progression", "sets", "reps_low", "reps_high", "basis", "load", "rest")
    grid = [
        {
            "number": d,
            "name_field": f"d{d}_name",
            "name": values.get(f"d{d}_name", ""),
            "rows": [
                {"field": f"d{d}r{r}", **{k: values.get(f"d{d}r{r}_{k}", "") for k in keys}}
                for r in range(1, rows + 1)
            ],
        }
        for d in range(1, days + 1)
    ]
    return render(
        request,
        "workouts/program_builder.html",
        {
            "program": program,
            "values": values,
            "errors": sorted(errors.items()),
            "grid": grid,
            "days": days,
            "rows": rows,
            "preview": preview,
            "progressions": PROGRESSIONS,
            "bases": BASES,
            "exercise_names": list(selectors.exercises().order_by("name").values_list("name", flat=True)),
        },
    )


def _preview_weeks(result: engine.Preview) -> list[dict[str, Any]]:
    weeks: dict[int, list[dict[str, Any]]] = {}
    for day in result.days:
        weeks.setdefault(day.week, []).append(
            {
                "name": day.name or f"Day {day.day}",
                "items": [
                    {
                        "exercise": i.exercise,
                        "describe": i.prescription.describe(),
                        "reason": i.reason,
                        "superset": i.superset,
                    }
                    for i in day.items
                ],
            }
        )
    return [{"week": w, "days": d} for w, d in sorted(weeks.items())]
