"""Health pages: the screening form (built from the questionnaire data, fit for a phone), the
member's own record with consent management and export, and the clearance and restrictions view
for trainers and clinicians. Same rules as the API: MFA where the role needs it, access entries
for every read, ``Cache-Control: no-store`` on every response.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.common import health
from apps.medical import clock, export, guard, selectors, services, trail
from apps.medical.models import Consent, GranteeKind
from apps.organizations.facade import api as organizations
from apps.users.facade import api as users

View = Callable[..., HttpResponse]


def health_page(view: View) -> View:
    """Signed-in active member, MFA verified where needed, never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request, "membership", None)
        route = getattr(request, "tenant", None)
        if route is None or getattr(route, "is_public", True) or membership is None:
            raise Http404
        if guard.mfa_missing(request, str(membership.role)):
            return guard.no_store(HttpResponseRedirect(f"/mfa/verify/?next={request.path}"))
        return guard.no_store(view(request, *args, **kwargs))

    return wrapped


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    rules = guard.gym_policy(request)
    return {"hipaa": rules, "role": str(request.membership.role), **extra}  # type: ignore[attr-defined]


def _uid(request: HttpRequest) -> UUID:
    return UUID(str(request.user.pk))


def _form_answers(definition: dict[str, Any], post: Any) -> dict[str, Any]:
    """The posted radio buttons as answers: "yes"/"no" become booleans, unanswered stays out."""
    answers: dict[str, Any] = {}
    ids = [q["id"] for q in definition["general"]] + [q["id"] for q in definition["delay"]]
    ids.append(definition["advice_question"]["id"])
    for section in definition["followup"]:
        ids.append(section["id"])
        ids.extend(q["id"] for q in section["questions"])
    for qid in ids:
        value = post.get(qid)
        if value in ("yes", "no"):
            answers[qid] = value == "yes"
    regions = post.getlist(definition["regions"]["id"])
    if regions:
        answers[definition["regions"]["id"]] = regions
    return answers


@require_http_methods(["GET", "POST"])
@health_page
def screening(request: HttpRequest) -> HttpResponse:
    form = services.questionnaire_current()
    definition = form.definition
    errors: dict[str, list[str]] = {}
    result = None
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = _form_answers(definition, request.POST)
        try:
            born = date.fromisoformat(request.POST.get("date_of_birth", ""))
        except ValueError:
            errors["date_of_birth"] = ["Enter your date of birth."]
        if not errors:
            try:
                result = services.screening_submit(
                    member_id=_uid(request),
                    answers=posted,
                    signed_name=request.POST.get("signed_name", ""),
                    date_of_birth=born,
                    guardian_name=request.POST.get("guardian_name", ""),
                    questionnaire_version=request.POST.get("questionnaire_version"),
                    meta=trail.meta_for(request),
                )
            except ValidationError as exc:
                errors = exc.message_dict
    error_by_question = {k.removeprefix("answers."): v for k, v in errors.items()}
    return render(
        request,
        "medical/screening.html",
        _ctx(
            request,
            form=form,
            d=definition,
            regions=health.vocabulary()["regions"],
            errors=error_by_question,
            posted=posted,
            result=result,
            status=400 if errors else 200,
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@health_page
def my_record(request: HttpRequest) -> HttpResponse:
    me = _uid(request)
    gym_id = int(request.tenant.id)  # type: ignore[attr-defined]
    message = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "grant":
            errors = _grant(request, me, gym_id)
            message = "" if errors else "Consent granted."
        elif action == "revoke":
            consent_id = _uuid_or_none(request.POST.get("consent"))
            consent = (
                None if consent_id is None else Consent.objects.filter(pk=consent_id, member_id=me).first()
            )
            if consent is None:
                raise Http404
            services.consent_revoke(consent=consent, meta=trail.meta_for(request))
            message = "Consent revoked."
    record = selectors.record_full(member_id=me, now=clock.now())
    trail.read(
        meta=trail.meta_for(request),
        rows=record.rows(),
        action=trail.AccessAction.VIEW,
        purpose=trail.Purpose.SELF_ACCESS,
    )
    staff = [
        m for m in organizations.members_of_gym(gym_id=gym_id) if str(m.role) in ("trainer", "clinician")
    ]
    names = {m.user_id: m.full_name or m.email for m in staff}
    consents = [
        {"row": c, "who": names.get(c.grantee_id, "every clinician") if c.grantee_id else "every clinician"}
        for c in selectors.consents_of_member(member_id=me)
    ]
    return render(
        request,
        "medical/record.html",
        _ctx(
            request,
            record=record,
            consents=consents,
            staff=staff,
            message=message,
            errors=errors,
            now=clock.now(),
        ),
        status=400 if errors else 200,
    )


def _uuid_or_none(value: str | None) -> UUID | None:
    try:
        return UUID(value or "")
    except ValueError:
        return None


def _grant(request: HttpRequest, me: UUID, gym_id: int) -> dict[str, list[str]]:
    kind_raw = request.POST.get("grantee_kind", "")
    if kind_raw not in GranteeKind.values:
        return {"grantee_kind": ["Choose who may see your record."]}
    kind = GranteeKind(kind_raw)
    grantee = _uuid_or_none(request.POST.get("grantee_id")) if kind != GranteeKind.CLINICIANS else None
    if kind != GranteeKind.CLINICIANS:
        info = None if grantee is None else organizations.active_membership(gym_id=gym_id, user_id=grantee)
        if info is None or str(info.role) != kind.value:
            return {"grantee_id": [f"Choose a {kind.value} of this gym."]}
    try:
        days = int(request.POST.get("days", ""))
        services.consent_grant(
            member_id=me,
            grantee_kind=kind,
            grantee_id=grantee,
            days=days,
            rules=guard.gym_policy(request),
            meta=trail.meta_for(request),
        )
    except ValueError:
        return {"days": ["Enter a number of days."]}
    except ValidationError as exc:
        return exc.message_dict
    return {}


@require_http_methods(["GET"])
@health_page
def my_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404
    rules = guard.gym_policy(request)
    if not users.recently_authenticated(request, within_seconds=rules.export_reauth_seconds):
        return HttpResponseRedirect(f"/mfa/reauth/?next={request.path}")
    made = services.export_for_self(
        member_id=_uid(request),
        gym_id=int(request.tenant.id),  # type: ignore[attr-defined]
        meta=trail.meta_for(request),
    )
    if fmt == "pdf":
        response = HttpResponse(export.as_pdf(made), content_type="application/pdf")
    else:
        response = HttpResponse(export.as_json(made), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="health-record.{fmt}"'
    return response


@require_http_methods(["GET"])
@health_page
def clients(request: HttpRequest) -> HttpResponse:
    role = str(request.membership.role)  # type: ignore[attr-defined]
    if role not in ("trainer", "clinician"):
        raise Http404
    found = services.client_summaries_read(
        gym_id=int(request.tenant.id),  # type: ignore[attr-defined]
        actor_id=_uid(request),
        role=role,
        meta=trail.meta_for(request),
    )
    rows = [{"name": c.full_name or c.email, "summary": c.summary} for c in found]
    return render(
        request, "medical/clients.html", _ctx(request, rows=rows, record_url=reverse("medical-page-record"))
    )
