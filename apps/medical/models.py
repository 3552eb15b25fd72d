"""Health records of a gym's members: screening, conditions, injuries, medications, clinician
clearances, restrictions, consent and emergency access (ADR 0012).

Every health value (answers, conditions, medications, notes, injury details, clearance text,
documents) lives in an encrypted field (``apps.common.fields``); what stays readable in SQL is
what the platform needs to route and to shape training: ids, dates, the screening outcome, and
the structured restriction (region, patterns, action, caps). People are referenced by user id:
accounts live in the public schema, these rows in the gym's.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from django.db import models
from django.utils import timezone

from apps.common.fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)
from apps.common.health import BodyRegion, RestrictionAction, Severity


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.name.replace("_", " ").title()) for m in enum]


class ScreeningOutcome(models.TextChoices):
    CLEARED = "cleared", "Cleared"
    NEEDS_CLEARANCE = "needs_clearance", "Needs clearance"
    DELAY = "delay", "Delay"


class RestrictionSource(models.TextChoices):
    SCREENING = "screening", "Screening"
    CLINICIAN = "clinician", "Clinician"
    SELF_REPORT = "self_report", "Self-report"


class ClearanceDecision(models.TextChoices):
    CLEARED = "cleared", "Cleared for unrestricted activity"
    CLEARED_WITH_RESTRICTIONS = "cleared_with_restrictions", "Cleared with restrictions"
    NOT_CLEARED = "not_cleared", "Not cleared"


class GranteeKind(models.TextChoices):
    TRAINER = "trainer", "A named trainer"
    CLINICIAN = "clinician", "A named clinician"
    CLINICIANS = "clinicians", "Every clinician of the gym"


class Questionnaire(models.Model):
    """One version of a questionnaire, loaded from a JSON file (ADR 0020). Never edited once a
    screening refers to it: a changed form is a new version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="medical_questionnaire_version_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_current=True),
                name="medical_questionnaire_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class Screening(models.Model):
    """A member's signed answers to one questionnaire version, and its outcome."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    answers = EncryptedJSONField()
    outcome = models.CharField(max_length=20, choices=ScreeningOutcome.choices)
    signed_name = EncryptedTextField()
    signed_at = models.DateTimeField()
    date_of_birth = EncryptedDateField()
    guardian_name = EncryptedTextField(blank=True, default="")
    guardian_signed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"screening {self.pk}"


class Condition(models.Model):
    """A diagnosed condition: description, optional severity and notes, all encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    description = EncryptedTextField()
    severity = EncryptedTextField(blank=True, default="")
    notes = EncryptedTextField(blank=True, default="")
    source = models.CharField(max_length=20, choices=RestrictionSource.choices)
    author_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"condition {self.pk}"


class Injury(models.Model):
    """An injury; every detail (region, severity, onset, expected recovery, notes) is in one
    encrypted JSON value, since where someone is hurt is itself a health value."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    details = EncryptedJSONField()
    source = models.CharField(max_length=20, choices=RestrictionSource.choices)
    author_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "injuries"

    def __str__(self) -> str:
        return f"injury {self.pk}"


class Medication(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    text = EncryptedTextField()
    source = models.CharField(max_length=20, choices=RestrictionSource.choices)
    author_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"medication {self.pk}"


class Clearance(models.Model):
    """A clinician's clearance (ePARmed-X+ style): a decision, encrypted text, restrictions
    (``Restriction.clearance``) and an optional document."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    clinician_id = models.UUIDField()
    decision = models.CharField(max_length=32, choices=ClearanceDecision.choices)
    text = EncryptedTextField(blank=True, default="")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"clearance {self.pk}"


class ClearanceDocument(models.Model):
    """A document attached to a clearance, kept as an encrypted blob in the gym's schema (no
    file, no URL). ``sha256`` is of the original bytes and is checked on every download."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clearance = models.OneToOneField(Clearance, on_delete=models.CASCADE, related_name="document")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = EncryptedTextField()  # base64 of the bytes
    filename = EncryptedTextField(blank=True, default="")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"document {self.pk}"


class Restriction(models.Model):
    """A structured restriction that shapes training (apps/common/health.py vocabulary).

    ``avoid`` lists movement patterns and positions; an empty ``avoid`` with a region means
    every exercise loading that region. ``reason`` is for the member and their coach, encrypted
    all the same because a clinician writes it freely.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    region = models.CharField(max_length=20, choices=_choices(BodyRegion), null=True, blank=True)  # noqa: DJ001
    avoid = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=20, choices=_choices(RestrictionAction))
    severity = models.CharField(max_length=10, choices=_choices(Severity))
    cap_load_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    cap_rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    reason = EncryptedTextField(blank=True, default="")
    source = models.CharField(max_length=20, choices=RestrictionSource.choices)
    screening = models.ForeignKey(
        Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="restrictions"
    )
    clearance = models.ForeignKey(
        Clearance, on_delete=models.SET_NULL, null=True, blank=True, related_name="restrictions"
    )
    rule_key = models.CharField(max_length=80, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    author_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["member_id", "ended_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap_rpe__isnull=True) | models.Q(cap_rpe__gte=1, cap_rpe__lte=10),
                name="medical_restriction_rpe_range",
            ),
            models.CheckConstraint(
                condition=models.Q(cap_load_kg__isnull=True) | models.Q(cap_load_kg__gte=0),
                name="medical_restriction_load_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"restriction {self.pk}"


class ScreeningRule(models.Model):
    """Maps a screening "yes" to a restriction: data that clinicians edit (ADR 0020).

    A rule matches a general question or a follow-up category answered yes, optionally only
    when the member named ``region`` among the affected regions.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=80, unique=True)
    questionnaire_code = models.CharField(max_length=40)
    trigger = models.CharField(max_length=80)
    when_region = models.CharField(max_length=20, choices=_choices(BodyRegion), blank=True, default="")
    region = models.CharField(max_length=20, choices=_choices(BodyRegion), null=True, blank=True)  # noqa: DJ001
    avoid = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=20, choices=_choices(RestrictionAction))
    severity = models.CharField(max_length=10, choices=_choices(Severity))
    reason = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    updated_by = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Consent(models.Model):
    """A member lets a named trainer, a named clinician or every clinician see their full
    record until ``expires_at`` or revocation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    grantee_kind = models.CharField(max_length=12, choices=GranteeKind.choices)
    grantee_id = models.UUIDField(null=True, blank=True)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grantee_kind="clinicians", grantee_id__isnull=True)
                | (~models.Q(grantee_kind="clinicians") & models.Q(grantee_id__isnull=False)),
                name="medical_consent_grantee_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"


class BreakGlass(models.Model):
    """Emergency access to one member's full record: a typed reason, MFA re-verified, until
    ``expires_at``; the gym's owners are alerted and the audit view lists it for review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor_id = models.UUIDField(db_index=True)
    member_id = models.UUIDField()
    reason = EncryptedTextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"break-glass {self.pk}"


class RestrictionOverride(models.Model):
    """A coach or clinician let one exercise through despite a restriction, with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    restriction = models.ForeignKey(Restriction, on_delete=models.CASCADE, related_name="overrides")
    exercise_ref = models.CharField(max_length=120)
    actor_id = models.UUIDField()
    reason = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"override {self.pk}"
