"""Pages: today's workout (log sets from a phone, rest timer, plate calculator), a member's live
training for their coaches, the progress page with charts, and history import/export.

Writes of sets go through the JSON API from static/workouts/today.js (idempotent ids, retried on
a bad connection); starting and finishing a session are plain form posts. Whose training a page
shows follows apps/workouts/live/access.py; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.organizations.facade.contracts import MembershipInfo
from apps.workouts import engine
from apps.workouts.importers import MAX_FILE_BYTES, HistoryFormat
from apps.workouts.live.access import may_view_member, may_write_member
from apps.workouts.models import Exercise, ProgramAssignment, ProgramDay, WorkoutSession
from apps.workouts.selectors import sessions as selectors
from apps.workouts.services import imports, metrics
from apps.workouts.services import sessions as services


def _membership(request: HttpRequest) -> MembershipInfo:
    membership: MembershipInfo | None = getattr(request, "membership", None)
    if membership is None:  # MembershipMiddleware lets only active members of this gym here
        raise Http404
    return membership


def _member(request: HttpRequest, raw: str | UUID | None) -> UUID:
    membership = _membership(request)
    if raw in (None, ""):
        return membership.user_id
    try:
        member = raw if isinstance(raw, UUID) else UUID(str(raw))
    except ValueError:
        raise Http404 from None
    allowed = may_view_member(
        gym_id=membership.gym_id,
        viewer_id=membership.user_id,
        viewer_role=membership.role.value,
        member_id=member,
    )
    if not allowed:
        raise Http404
    return member


def _session_context(session: WorkoutSession, unit: engine.Unit) -> dict[str, Any]:
    from apps.workouts.api.sessions import session_data

    return session_data(session, unit, detail=True)


def _program_days(member_id: UUID) -> list[ProgramDay]:
    assignment = ProgramAssignment.objects.filter(member_id=member_id, active=True).first()
    if assignment is None:
        return []
    return list(
        ProgramDay.objects.filter(week__program_id=assignment.program_id)
        .select_related("week")
        .order_by("week__number", "number")
    )


@never_cache
def today(request: HttpRequest) -> HttpResponse:
    """The member's open session (or the start form), with the set logger, rest timer and plates."""
    membership = _membership(request)
    member = membership.user_id
    prefs = services.member_prefs(member_id=member)
    open_session = selectors.latest_open_session(member_id=member)
    context: dict[str, Any] = {"unit": prefs.unit.value, "member_id": member, "days": _program_days(member)}
    if open_session is not None:
        session = selectors.session_with_sets(session_id=open_session.pk)
        assert session is not None
        context["session"] = _session_context(session, prefs.unit)
        context["exercises"] = list(Exercise.objects.only("id", "name").order_by("name"))
        context["bar"] = services.barbell_loading(services.gym_setup())
    return render(request, "workouts/today.html", context)


@require_POST
def session_start(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    raw_day = request.POST.get("program_day", "")
    try:
        services.session_start(
            member_id=membership.user_id,
            started_by=membership.user_id,
            program_day_id=int(raw_day) if raw_day.isdigit() else None,
            name=request.POST.get("name", "")[:120],
        )
    except ValidationError:
        raise Http404 from None
    return HttpResponseRedirect(reverse("workouts-today"))


@require_POST
def session_finish(request: HttpRequest, session_id: UUID) -> HttpResponse:
    membership = _membership(request)
    session = WorkoutSession.objects.filter(pk=session_id).only("id", "member_id", "status").first()
    if session is None:
        raise Http404
    _member(request, session.member_id)
    if not may_write_member(
        gym_id=membership.gym_id,
        writer_id=membership.user_id,
        writer_role=membership.role.value,
        member_id=session.member_id,
    ):
        raise PermissionDenied
    if session.status == "in_progress":
        services.session_finish(gym_id=membership.gym_id, session_id=session.pk)
    return HttpResponseRedirect(reverse("workouts-session", args=[session.pk]))


@never_cache
def session_page(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """One session; while it is in progress it updates live as sets are logged."""
    session = selectors.session_with_sets(session_id=session_id)
    if session is None:
        raise Http404
    member = _member(request, session.member_id)
    prefs = services.member_prefs(member_id=member)
    return render(
        request,
        "workouts/session.html",
        {"session": _session_context(session, prefs.unit), "member_id": member, "unit": prefs.unit.value},
    )


@never_cache
def member_live(request: HttpRequest, member_id: UUID) -> HttpResponse:
    """A coach's view of a client: their latest session, updating live."""
    member = _member(request, member_id)
    prefs = services.member_prefs(member_id=member)
    latest = selectors.sessions_of_member(member_id=member).first()
    session = selectors.session_with_sets(session_id=latest.pk) if latest is not None else None
    return render(
        request,
        "workouts/session.html",
        {
            "session": _session_context(session, prefs.unit) if session is not None else None,
            "member_id": member,
            "unit": prefs.unit.value,
            "watching": True,
        },
    )


@never_cache
def progress(request: HttpRequest) -> HttpResponse:
    member = _member(request, request.GET.get("member"))
    data = metrics.progress(member_id=member, weeks=8)
    trend = data["e1rm_trend"][0] if data["e1rm_trend"] else {"exercise_name": "", "points": []}
    return render(
        request,
        "workouts/progress.html",
        {
            "data": data,
            "member_id": member,
            "trend": {"unit": data["unit"], "points": trend["points"]},
            "trend_name": trend["exercise_name"],
            "trends": data["e1rm_trend"],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def history(request: HttpRequest) -> HttpResponse:
    """Import a Strong or Hevy CSV; the report lists every bad row by line; export link."""
    membership = _membership(request)
    context: dict[str, Any] = {
        "formats": [f.value for f in HistoryFormat],
        "max_mib": MAX_FILE_BYTES // 2**20,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "")
        mode = request.POST.get("mode", imports.ImportMode.ALL_OR_NOTHING)
        problems: list[str] = []
        if upload is None:
            problems.append("Choose a file.")
        elif upload.size is not None and upload.size > MAX_FILE_BYTES:
            problems.append("The file is larger than 5 MiB.")
        if fmt not in context["formats"]:
            problems.append("Choose Strong or Hevy.")
        if mode not in (imports.ImportMode.ALL_OR_NOTHING, imports.ImportMode.GOOD_ROWS):
            problems.append("Choose what to do with bad rows.")
        if not problems and upload is not None:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                problems.append("The file is not UTF-8 text.")
            else:
                import zoneinfo

                try:
                    report = imports.history_import(
                        member_id=membership.user_id,
                        text=text,
                        fmt=HistoryFormat(fmt),
                        mode=mode,
                        tz=zoneinfo.ZoneInfo("UTC"),
                        started_by=membership.user_id,
                    )
                    context["report"] = report
                except ValidationError as exc:
                    problems += exc.message_dict.get("file", exc.messages)
        context["problems"] = problems
        return render(request, "workouts/import.html", context, status=400 if problems else 200)
    return render(request, "workouts/import.html", context)
