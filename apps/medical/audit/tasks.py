"""Scheduled verification of every gym's audit chain (beat: ``verify-audit-chains``, daily)."""

from __future__ import annotations

from celery import shared_task

from apps.medical.audit.verify import chains_verify_all


@shared_task(name="medical_audit.verify_chains", ignore_result=True)
def verify_chains() -> int:
    """Verify the chain of every schema holding an audit trail; each defect is logged at ERROR
    (logger ``gymstack.audit``: schema, entry number, what is wrong). Returns how many schemas
    failed. A platform task: it visits every schema itself, so it carries no tenant."""
    return sum(1 for report in chains_verify_all() if not report.ok)
