"""Values of the health-data audit trail. No Django imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class EntryKind(StrEnum):
    ACCESS = "access"
    CHANGE = "change"
    DISCLOSURE = "disclosure"


class AccessAction(StrEnum):
    """What kind of read an access entry records."""

    VIEW = "view"  # one record, API detail or page
    LIST = "list"  # a record shown in a list (one entry per record)
    EXPORT = "export"  # a record included in an export (JSON, PDF)
    ADMIN_VIEW = "admin_view"  # Django admin change form
    ADMIN_LIST = "admin_list"  # Django admin change list
    BREAK_GLASS = "break_glass"  # read under emergency access
    AUDIT_VIEW = "audit_view"  # the compliance officer read the audit trail


class ChangeAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    OVERRIDE = "override"  # a coach or clinician overrode a restriction decision
    GRANT = "grant"  # consent or emergency access granted
    REVOKE = "revoke"  # consent or emergency access revoked or ended


DISCLOSE = "disclose"  # the action of a disclosure entry
ALL_ACTIONS = tuple(sorted({*(a.value for a in AccessAction), *(a.value for a in ChangeAction), DISCLOSE}))


class Purpose(StrEnum):
    """Why health data was used (the minimum-necessary justification)."""

    TREATMENT = "treatment"  # clinician care
    TRAINING_SAFETY = "training_safety"  # a coach applying restrictions to training
    SELF_ACCESS = "self_access"  # the member reading their own record
    OPERATIONS = "operations"  # gym operations (owner or admin, without health values)
    COMPLIANCE = "compliance"  # audit and compliance review
    EMERGENCY = "emergency"  # break-glass
    DISCLOSURE = "disclosure"  # handed to someone outside the gym
    SUPPORT = "support"  # platform support


class Via(StrEnum):
    """How the actor was authenticated."""

    SESSION = "session"
    TOKEN = "token"  # noqa: S105 - a label, not a secret
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class AuditMeta:
    """Who acts and from where: built from a request by ``api.audit_meta`` (correct under session
    and token authentication) or by hand for tasks (``via=SYSTEM`` with a label)."""

    actor_id: UUID | None
    actor_label: str = ""
    via: Via = Via.SESSION
    credential_id: str = ""  # the API token's id under token auth
    ip_address: str | None = None
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class AccessedObject:
    """One record read: its id and whose health data it is."""

    object_id: str
    subject_id: UUID | None


@dataclass(frozen=True, slots=True)
class EntryInfo:
    id: int
    seq: int
    kind: EntryKind
    action: str
    occurred_at: datetime
    gym_id: int | None
    schema_name: str
    actor_id: UUID | None
    actor_label: str
    via: str
    subject_id: UUID | None
    object_type: str
    object_id: str
    purpose: str
    ip_address: str | None
    request_id: str
    fields: tuple[str, ...] = field(default_factory=tuple)
    hash: str = ""


@dataclass(frozen=True, slots=True)
class DisclosureInfo:
    id: UUID
    subject_id: UUID
    disclosed_at: datetime
    recipient: str
    description: str
    purpose: str
    recorded_by: UUID | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One defect found by verification, naming the entry."""

    schema_name: str
    seq: int
    entry_id: int | None
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    schema_name: str
    entries: int
    head_hash: str
    problems: tuple[ChainProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems
