"""Writes of the medical context: keyword-only, typed, atomic; events after commit."""

from __future__ import annotations

import base64
import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.common import health
from apps.common.events import publish
from apps.common.tenancy import tenant_connection
from apps.medical import clock, export, questionnaires, selectors, trail, validation
from apps.medical.facade.events import (
    BreakGlassStarted,
    ClearanceChanged,
    RestrictionsChanged,
    ScreeningExpiring,
)
from apps.medical.models import (
    BreakGlass,
    Clearance,
    ClearanceDecision,
    ClearanceDocument,
    Condition,
    Consent,
    GranteeKind,
    Injury,
    Medication,
    Questionnaire,
    Restriction,
    RestrictionOverride,
    RestrictionSource,
    Screening,
    ScreeningRule,
)
from apps.medical.policy import Policy


def _gym_id() -> int:
    return int(tenant_connection().tenant.id)


def restrictions_changed(*, member_id: UUID) -> None:
    publish(RestrictionsChanged(gym_id=_gym_id(), member_id=member_id))


def clearance_maybe_changed(*, member_id: UUID, previous: str) -> None:
    status, _ = selectors.clearance_status(member_id=member_id, now=clock.now())
    if status.value != previous:
        publish(
            ClearanceChanged(
                gym_id=_gym_id(), member_id=member_id, status=status.value, previous_status=previous
            )
        )


@transaction.atomic
def restriction_create(
    *,
    member_id: UUID,
    region: str | None,
    avoid: Any,
    action: str,
    severity: str,
    source: RestrictionSource,
    author_id: UUID,
    reason: str = "",
    cap_load_kg: Decimal | None = None,
    cap_rpe: Decimal | None = None,
    expires_at: datetime | None = None,
    screening: Screening | None = None,
    clearance: Clearance | None = None,
    rule_key: str = "",
    announce: bool = True,
) -> Restriction:
    """Record a structured restriction after checking it against the shared vocabulary."""
    cleaned = validation.restriction_fields(
        region=region, avoid=avoid, action=action, severity=severity, cap_load_kg=cap_load_kg, cap_rpe=cap_rpe
    )
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    restriction = Restriction(
        member_id=member_id,
        region=region,
        avoid=cleaned,
        action=action,
        severity=severity,
        cap_load_kg=cap_load_kg,
        cap_rpe=cap_rpe,
        reason=reason,
        source=source.value,
        screening=screening,
        clearance=clearance,
        rule_key=rule_key,
        expires_at=expires_at,
        author_id=author_id,
        created_at=clock.now(),
    )
    restriction.save()
    if announce:
        restrictions_changed(member_id=member_id)
    return restriction


@transaction.atomic
def restriction_end(*, restriction: Restriction, actor_id: UUID) -> Restriction:
    """End a restriction now (it stays on record)."""
    if restriction.ended_at is None:
        restriction.ended_at = clock.now()
        restriction.ended_by = actor_id
        restriction.save(update_fields=["ended_at", "ended_by"])
        restrictions_changed(member_id=restriction.member_id)
    return restriction


@transaction.atomic
def restriction_override_record(
    *, member_id: UUID, restriction_id: UUID, exercise_ref: str, actor_id: UUID, reason: str
) -> RestrictionOverride:
    """Record that ``actor_id`` let ``exercise_ref`` through despite a restriction."""
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["A reason is required to override a restriction."]
    if not exercise_ref.strip() or len(exercise_ref) > 120:
        errors["exercise_ref"] = ["An exercise reference of 1 to 120 characters is required."]
    restriction = Restriction.objects.filter(pk=restriction_id, member_id=member_id).first()
    if restriction is None:
        errors["restriction_id"] = ["No such restriction for this member."]
    if errors:
        raise ValidationError(errors)
    assert restriction is not None
    override = RestrictionOverride(
        member_id=member_id,
        restriction=restriction,
        exercise_ref=exercise_ref,
        actor_id=actor_id,
        reason=reason.strip(),
        created_at=clock.now(),
    )
    override.save()
    trail.changed(
        meta=None,
        actor_id=actor_id,
        row=override,
        action=trail.ChangeAction.OVERRIDE,
        fields=["exercise_ref", "reason"],
        purpose=trail.Purpose.TRAINING_SAFETY,
    )
    return override


# --- questionnaires and rules (ADR 0020)


@transaction.atomic
def questionnaires_sync() -> None:
    """Load every shipped questionnaire version not yet in this gym's table, mark the newest of
    each code current, and add shipped screening rules whose key is missing. Idempotent."""
    for src in questionnaires.source_files():
        row = Questionnaire.objects.filter(code=src.code, version=src.version).first()
        if row is None:
            Questionnaire.objects.filter(code=src.code, is_current=True).update(is_current=False)
            Questionnaire.objects.create(
                code=src.code,
                version=src.version,
                title=src.title,
                definition=src.definition,
                sha256=src.sha256,
                is_current=True,
            )
        elif row.sha256 != src.sha256:
            raise RuntimeError(
                f"Questionnaire {src.code} {src.version} changed after it was loaded; "
                "ship a changed form under a new version."
            )
    existing = set(ScreeningRule.objects.values_list("key", flat=True))
    for rule in questionnaires.default_rules():
        if rule["key"] not in existing:
            validation.restriction_fields(
                region=rule["region"],
                avoid=rule["avoid"],
                action=rule["action"],
                severity=rule["severity"],
                cap_load_kg=None,
                cap_rpe=None,
            )
            ScreeningRule.objects.create(
                key=rule["key"],
                questionnaire_code=rule["questionnaire_code"],
                trigger=rule["trigger"],
                when_region=rule["when_region"],
                region=rule["region"],
                avoid=sorted(rule["avoid"]),
                action=rule["action"],
                severity=rule["severity"],
                reason=rule["reason"],
            )


def questionnaire_current(*, code: str = questionnaires.PARQ) -> Questionnaire:
    found = selectors.questionnaire_current(code=code)
    if found is None:
        questionnaires_sync()
        found = selectors.questionnaire_current(code=code)
    assert found is not None, code
    return found


@transaction.atomic
def screening_rule_update(
    *, rule: ScreeningRule, actor_id: UUID, meta: trail.AuditMeta, changes: dict[str, Any]
) -> ScreeningRule:
    """A clinician edits how a screening answer maps to a restriction."""
    merged = {
        "region": rule.region,
        "avoid": rule.avoid,
        "action": rule.action,
        "severity": rule.severity,
        **changes,
    }
    merged["avoid"] = validation.restriction_fields(
        region=merged["region"],
        avoid=merged["avoid"],
        action=merged["action"],
        severity=merged["severity"],
        cap_load_kg=None,
        cap_rpe=None,
    )
    for name, value in {**changes, "avoid": merged["avoid"]}.items():
        setattr(rule, name, value)
    rule.updated_by = actor_id
    rule.updated_at = clock.now()
    rule.save()
    trail.changed(
        meta=meta,
        row=rule,
        action=trail.ChangeAction.UPDATE,
        fields=sorted(changes),
        purpose=trail.Purpose.TREATMENT,
        subject_id=None,
    )
    return rule


# --- screening


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class ScreeningResult:
    screening: Screening
    restrictions: tuple[Restriction, ...]
    advice: tuple[str, ...]


@transaction.atomic
def screening_submit(
    *,
    member_id: UUID,
    answers: Any,
    signed_name: str,
    date_of_birth: date,
    guardian_name: str = "",
    questionnaire_version: str | None = None,
    meta: trail.AuditMeta,
) -> ScreeningResult:
    """Check and store a member's signed PAR-Q+; derive restrictions from the screening rules.

    Raises ``ValidationError`` naming every bad answer (``answers.<id>``) and field. A new
    screening supersedes the previous one: its screening-derived restrictions end.
    """
    now = clock.now()
    form = questionnaire_current()
    errors: dict[str, list[str]] = {}
    if questionnaire_version is not None and questionnaire_version != form.version:
        errors["questionnaire_version"] = [f"The current version of this form is {form.version}; reload it."]
    if not signed_name.strip():
        errors["signed_name"] = ["Type your full name to sign."]
    if date_of_birth > now.date():
        errors["date_of_birth"] = ["The date of birth cannot be in the future."]
    elif now.year - date_of_birth.year > 120:
        errors["date_of_birth"] = ["Check the year of the date of birth."]
    if errors:
        raise ValidationError(errors)
    result = questionnaires.evaluate(form.definition, answers, date_of_birth=date_of_birth, today=now.date())
    if result.minor and not guardian_name.strip():
        raise ValidationError({"guardian_name": ["A parent or guardian must sign for a member under 18."]})
    if result.minor and guardian_name.strip().casefold() == signed_name.strip().casefold():
        raise ValidationError({"guardian_name": ["The guardian signs in their own name."]})
    previous, _ = selectors.clearance_status(member_id=member_id, now=now)
    screening = Screening(
        member_id=member_id,
        questionnaire=form,
        answers=answers,
        outcome=result.outcome,
        signed_name=signed_name.strip(),
        signed_at=now,
        date_of_birth=date_of_birth,
        guardian_name=guardian_name.strip() if result.minor else "",
        guardian_signed_at=now if result.minor else None,
        expires_at=_add_months(now, int(form.definition["validity_months"])),
        created_at=now,
    )
    screening.save()
    for old in Restriction.objects.filter(
        member_id=member_id, source=RestrictionSource.SCREENING, ended_at__isnull=True
    ):
        old.ended_at = now
        old.ended_by = member_id
        old.save(update_fields=["ended_at", "ended_by"])
    created: list[Restriction] = []
    rules = ScreeningRule.objects.filter(questionnaire_code=form.code, active=True, trigger__in=result.yes)
    for rule in rules:
        if rule.when_region and rule.when_region not in result.regions:
            continue
        created.append(
            restriction_create(
                member_id=member_id,
                region=rule.region,
                avoid=list(rule.avoid),
                action=rule.action,
                severity=rule.severity,
                reason=rule.reason,
                source=RestrictionSource.SCREENING,
                author_id=member_id,
                screening=screening,
                rule_key=rule.key,
                expires_at=screening.expires_at,
                announce=False,
            )
        )
    trail.changed(
        meta=meta,
        row=screening,
        action=trail.ChangeAction.CREATE,
        fields=["answers", "outcome", "signed_name", "date_of_birth", "guardian_name"],
        purpose=trail.Purpose.SELF_ACCESS,
    )
    restrictions_changed(member_id=member_id)
    clearance_maybe_changed(member_id=member_id, previous=previous.value)
    return ScreeningResult(screening=screening, restrictions=tuple(created), advice=result.advice)


@transaction.atomic
def screenings_remind_expiring(*, within_days: int = 30) -> int:
    """Announce every screening that lapses within ``within_days`` (once each)."""
    now = clock.now()
    count = 0
    for screening in selectors.screenings_expiring(before=now + timedelta(days=within_days), now=now):
        latest = selectors.screening_latest(member_id=screening.member_id)
        screening.reminder_sent_at = now
        screening.save(update_fields=["reminder_sent_at"])
        if latest is None or latest.pk != screening.pk:
            continue  # superseded by a newer screening
        publish(
            ScreeningExpiring(
                gym_id=_gym_id(),
                member_id=screening.member_id,
                screening_id=screening.id,
                expires_at=screening.expires_at,
            )
        )
        count += 1
    return count


# --- records


@transaction.atomic
def condition_create(
    *,
    member_id: UUID,
    description: str,
    severity: str,
    notes: str,
    source: RestrictionSource,
    author_id: UUID,
    meta: trail.AuditMeta,
) -> Condition:
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = ["Describe the condition."]
    severities = health.vocabulary()["severities"]
    if severity and severity not in severities:
        errors["severity"] = [f"Unknown severity. Allowed values: {', '.join(severities)}."]
    if errors:
        raise ValidationError(errors)
    row = Condition(
        member_id=member_id,
        description=description.strip(),
        severity=severity,
        notes=notes,
        source=source.value,
        author_id=author_id,
        created_at=clock.now(),
    )
    row.save()
    trail.changed(
        meta=meta,
        row=row,
        action=trail.ChangeAction.CREATE,
        fields=["description", "severity", "notes"],
        purpose=_purpose(source),
    )
    return row


INJURY_KEYS = ("region", "severity", "onset", "expected_recovery", "notes")


@transaction.atomic
def injury_create(
    *,
    member_id: UUID,
    region: str,
    severity: str,
    onset: date,
    expected_recovery: date | None,
    notes: str,
    source: RestrictionSource,
    author_id: UUID,
    meta: trail.AuditMeta,
) -> Injury:
    vocab = health.vocabulary()
    errors: dict[str, list[str]] = {}
    if region not in vocab["regions"]:
        errors["region"] = [f"Unknown region. Allowed values: {', '.join(vocab['regions'])}."]
    if severity not in vocab["severities"]:
        errors["severity"] = [f"Unknown severity. Allowed values: {', '.join(vocab['severities'])}."]
    if onset > clock.now().date():
        errors["onset"] = ["The onset cannot be in the future."]
    if expected_recovery is not None and expected_recovery < onset:
        errors["expected_recovery"] = ["The expected recovery cannot be before the onset."]
    if errors:
        raise ValidationError(errors)
    row = Injury(
        member_id=member_id,
        details={
            "region": region,
            "severity": severity,
            "onset": onset.isoformat(),
            "expected_recovery": expected_recovery.isoformat() if expected_recovery else None,
            "notes": notes,
        },
        source=source.value,
        author_id=author_id,
        created_at=clock.now(),
    )
    row.save()
    trail.changed(
        meta=meta, row=row, action=trail.ChangeAction.CREATE, fields=["details"], purpose=_purpose(source)
    )
    return row


@transaction.atomic
def medication_create(
    *, member_id: UUID, text: str, source: RestrictionSource, author_id: UUID, meta: trail.AuditMeta
) -> Medication:
    if not text.strip():
        raise ValidationError({"text": ["Describe the medication."]})
    row = Medication(
        member_id=member_id,
        text=text.strip(),
        source=source.value,
        author_id=author_id,
        created_at=clock.now(),
    )
    row.save()
    trail.changed(
        meta=meta, row=row, action=trail.ChangeAction.CREATE, fields=["text"], purpose=_purpose(source)
    )
    return row


@transaction.atomic
def record_delete(
    *, row: Condition | Injury | Medication, meta: trail.AuditMeta, purpose: trail.Purpose
) -> None:
    trail.changed(meta=meta, row=row, action=trail.ChangeAction.DELETE, fields=[], purpose=purpose)
    row.delete()


def _purpose(source: RestrictionSource) -> trail.Purpose:
    return trail.Purpose.SELF_ACCESS if source == RestrictionSource.SELF_REPORT else trail.Purpose.TREATMENT


# --- clearances and documents


@dataclass(frozen=True)
class RestrictionSpec:
    region: str | None
    avoid: list[str]
    action: str
    severity: str
    reason: str = ""
    cap_load_kg: Decimal | None = None
    cap_rpe: Decimal | None = None
    expires_at: datetime | None = None


@transaction.atomic
def clearance_create(
    *,
    member_id: UUID,
    clinician_id: UUID,
    decision: str,
    text: str,
    expires_at: datetime,
    restrictions: list[RestrictionSpec],
    meta: trail.AuditMeta,
) -> Clearance:
    """A clinician's clearance. It ends the member's screening-derived "require clearance"
    restrictions (the clinician's own restrictions replace them) unless it refuses clearance."""
    now = clock.now()
    errors: dict[str, Any] = {}
    if decision not in ClearanceDecision.values:
        errors["decision"] = [f"Unknown decision. Allowed values: {', '.join(ClearanceDecision.values)}."]
    if expires_at <= now:
        errors["expires_at"] = ["The clearance must expire in the future."]
    elif expires_at > _add_months(now, 12):
        errors["expires_at"] = ["A clearance lasts at most 12 months."]
    if decision == ClearanceDecision.CLEARED_WITH_RESTRICTIONS and not restrictions:
        errors["restrictions"] = ["State the restrictions this clearance comes with."]
    if decision == ClearanceDecision.CLEARED and restrictions:
        errors["restrictions"] = [
            "An unrestricted clearance has no restrictions; use cleared_with_restrictions."
        ]
    for i, spec in enumerate(restrictions):
        try:
            validation.restriction_fields(
                region=spec.region,
                avoid=spec.avoid,
                action=spec.action,
                severity=spec.severity,
                cap_load_kg=spec.cap_load_kg,
                cap_rpe=spec.cap_rpe,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"restrictions.{i}.{name}"] = messages
    if errors:
        raise ValidationError(errors)
    previous, _ = selectors.clearance_status(member_id=member_id, now=now)
    clearance = Clearance(
        member_id=member_id,
        clinician_id=clinician_id,
        decision=decision,
        text=text,
        issued_at=now,
        expires_at=expires_at,
    )
    clearance.save()
    if decision != ClearanceDecision.NOT_CLEARED:
        for old in Restriction.objects.filter(
            member_id=member_id,
            source=RestrictionSource.SCREENING,
            action=health.RestrictionAction.REQUIRE_CLEARANCE.value,
            ended_at__isnull=True,
        ):
            old.ended_at = now
            old.ended_by = clinician_id
            old.save(update_fields=["ended_at", "ended_by"])
    for spec in restrictions:
        restriction_create(
            member_id=member_id,
            region=spec.region,
            avoid=spec.avoid,
            action=spec.action,
            severity=spec.severity,
            reason=spec.reason,
            cap_load_kg=spec.cap_load_kg,
            cap_rpe=spec.cap_rpe,
            expires_at=spec.expires_at or expires_at,
            source=RestrictionSource.CLINICIAN,
            author_id=clinician_id,
            clearance=clearance,
            announce=False,
        )
    trail.changed(
        meta=meta,
        row=clearance,
        action=trail.ChangeAction.CREATE,
        fields=["decision", "text", "expires_at"],
        purpose=trail.Purpose.TREATMENT,
    )
    restrictions_changed(member_id=member_id)
    clearance_maybe_changed(member_id=member_id, previous=previous.value)
    return clearance


DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


class DocumentIntegrityError(Exception):
    """A stored document's bytes do not match the SHA-256 recorded at upload."""


def document_max_bytes() -> int:
    return int(getattr(settings, "MEDICAL_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


def _sniff(data: bytes) -> str | None:
    for content_type, magics in DOCUMENT_TYPES.items():
        if any(data.startswith(m) for m in magics):
            return content_type
    return None


@transaction.atomic
def document_attach(
    *, clearance: Clearance, data: bytes, filename: str, declared_type: str, meta: trail.AuditMeta
) -> ClearanceDocument:
    """Attach (or replace) a clearance's document: PDF, PNG or JPEG by content, at most
    ``MEDICAL_DOCUMENT_MAX_BYTES``; stored encrypted with its SHA-256."""
    limit = document_max_bytes()
    if not data:
        raise ValidationError({"file": ["The file is empty."]})
    if len(data) > limit:
        raise ValidationError({"file": [f"The file is larger than {limit // (1024 * 1024)} MB."]})
    sniffed = _sniff(data)
    if sniffed is None:
        raise ValidationError({"file": ["Only PDF, PNG and JPEG documents are accepted."]})
    if declared_type and declared_type.split(";")[0].strip() not in (sniffed, "application/octet-stream"):
        raise ValidationError({"file": [f"The file's content is {sniffed}, not {declared_type}."]})
    ClearanceDocument.objects.filter(clearance=clearance).delete()
    doc = ClearanceDocument(
        clearance=clearance,
        content_type=sniffed,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=base64.b64encode(data).decode("ascii"),
        filename=Path(filename).name[:200],
        uploaded_at=clock.now(),
    )
    doc.save()
    trail.changed(
        meta=meta,
        row=doc,
        action=trail.ChangeAction.CREATE,
        fields=["content", "filename"],
        purpose=trail.Purpose.TREATMENT,
        subject_id=clearance.member_id,
    )
    return doc


def document_bytes(*, document: ClearanceDocument) -> bytes:
    """The document's bytes, after checking them against the recorded SHA-256."""
    data = base64.b64decode(document.content.encode("ascii"), validate=True)
    if hashlib.sha256(data).hexdigest() != document.sha256 or len(data) != document.size:
        raise DocumentIntegrityError(f"Document {document.pk} does not match its recorded SHA-256.")
    return data


# --- consent and break-glass


@transaction.atomic
def consent_grant(
    *,
    member_id: UUID,
    grantee_kind: GranteeKind,
    grantee_id: UUID | None,
    days: int,
    rules: Policy,
    meta: trail.AuditMeta,
) -> Consent:
    if not 1 <= days <= rules.consent_max_days:
        mode = " in HIPAA mode" if rules.hipaa_mode else ""
        raise ValidationError({"days": [f"Consent lasts 1 to {rules.consent_max_days} days{mode}."]})
    now = clock.now()
    consent = Consent(
        member_id=member_id,
        grantee_kind=grantee_kind.value,
        grantee_id=grantee_id,
        granted_at=now,
        expires_at=now + timedelta(days=days),
    )
    consent.save()
    trail.changed(
        meta=meta,
        row=consent,
        action=trail.ChangeAction.GRANT,
        fields=["grantee_kind", "grantee_id", "expires_at"],
        purpose=trail.Purpose.SELF_ACCESS,
    )
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, meta: trail.AuditMeta) -> Consent:
    if consent.revoked_at is None:
        consent.revoked_at = clock.now()
        consent.save(update_fields=["revoked_at"])
        trail.changed(
            meta=meta,
            row=consent,
            action=trail.ChangeAction.REVOKE,
            fields=["revoked_at"],
            purpose=trail.Purpose.SELF_ACCESS,
        )
    return consent


def break_glass_check(*, reason: str, minutes: int, rules: Policy) -> None:
    """Refuse a request for emergency access before its MFA code is spent."""
    errors: dict[str, list[str]] = {}
    if len(reason.strip()) < 10:
        errors["reason"] = ["Type the reason for emergency access (at least 10 characters)."]
    if not 1 <= minutes <= rules.break_glass_max_minutes:
        mode = " in HIPAA mode" if rules.hipaa_mode else ""
        errors["minutes"] = [f"Emergency access lasts 1 to {rules.break_glass_max_minutes} minutes{mode}."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def break_glass_start(
    *,
    actor_id: UUID,
    member_id: UUID,
    reason: str,
    minutes: int,
    owner_ids: tuple[UUID, ...],
    rules: Policy,
    meta: trail.AuditMeta,
) -> BreakGlass:
    """Open emergency access (MFA already re-verified by the caller) and alert the owners."""
    break_glass_check(reason=reason, minutes=minutes, rules=rules)
    now = clock.now()
    access = BreakGlass(
        actor_id=actor_id,
        member_id=member_id,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    access.save()
    trail.changed(
        meta=meta,
        row=access,
        action=trail.ChangeAction.GRANT,
        fields=["reason", "expires_at"],
        purpose=trail.Purpose.EMERGENCY,
    )
    publish(
        BreakGlassStarted(
            gym_id=_gym_id(),
            access_id=access.id,
            actor_id=actor_id,
            member_id=member_id,
            owner_ids=owner_ids,
            expires_at=access.expires_at,
        )
    )
    return access


def export_for_self(*, member_id: UUID, gym_id: int, meta: trail.AuditMeta) -> export.Export:
    """The member's own whole record, for download, recorded the same way from the page and the
    API: one ``export`` access entry per row (purpose self access) and the export itself."""
    made = export.export_build(member_id=member_id, gym_id=gym_id)
    trail.read(
        meta=meta,
        rows=made.record.rows(),
        action=trail.AccessAction.EXPORT,
        purpose=trail.Purpose.SELF_ACCESS,
    )
    export.export_recorded(made=made, meta=meta)
    return made


def client_summaries_read(
    *, gym_id: int, actor_id: UUID, role: str, meta: trail.AuditMeta
) -> list[selectors.ClientSummary]:
    """The clients list of a trainer or clinician (``selectors.client_summaries``), with one
    ``list`` access entry per restriction shown."""
    found = selectors.client_summaries(gym_id=gym_id, actor_id=actor_id, role=role, now=clock.now())
    rows = [r for c in found for r in c.summary.restrictions]
    if rows:
        trail.read(
            meta=meta,
            rows=rows,
            action=trail.AccessAction.LIST,
            purpose=trail.Purpose.TREATMENT if role == "clinician" else trail.Purpose.TRAINING_SAFETY,
        )
    return found
