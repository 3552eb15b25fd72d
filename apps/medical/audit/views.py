"""The compliance officer's audit page (server-rendered); reading it is itself recorded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.medical.audit import api, selectors
from apps.medical.audit.contracts import AccessAction, Purpose
from apps.medical.audit.forms import AuditFilterForm
from apps.medical.audit.officers import is_compliance_officer
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import MembershipInfo

PAGE_SIZE = 50


@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    membership: MembershipInfo | None = getattr(request, "membership", None)
    route = getattr(request, "tenant", None)
    if membership is None or route is None:
        raise Http404
    if not is_compliance_officer(role=membership.role.value, user_id=membership.user_id):
        raise PermissionDenied(
            "Only the gym's owners and its designated compliance officer see the audit trail."
        )
    form = AuditFilterForm(request.GET or None)
    f: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.entries(
        subject_id=f.get("subject"),
        actor_id=f.get("actor"),
        action=f.get("action") or None,
        kind=f.get("kind") or None,
        since=f.get("since"),
        until=f.get("until"),
    ).order_by("-seq")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {m.user_id: m.full_name or m.email for m in organizations.members_of_gym(gym_id=route.id)}
    rows = [
        {
            "entry": e,
            "actor_name": names.get(e.actor_id, "") if e.actor_id else "",
            "subject_name": names.get(e.subject_id, "") if e.subject_id else "",
        }
        for e in page
    ]
    api.access_record(
        request_meta=api.audit_meta(request),
        subject_id=f.get("subject"),
        object_type="medical_audit.auditentry",
        object_id="",
        action=AccessAction.AUDIT_VIEW,
        purpose=Purpose.COMPLIANCE,
        detail={"actor": str(f["actor"]) if f.get("actor") else None, "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "medical_audit/audit.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "role": membership.role.value},
    )
    response["Cache-Control"] = "no-store"
    return response
