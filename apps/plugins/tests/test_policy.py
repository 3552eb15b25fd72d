"""The PDP: each rule decides alone, health data first."""

from __future__ import annotations

import dataclasses

import pytest

from apps.plugins.capabilities import Classification, PlanTier
from apps.plugins.policy import DenyReason, Request, Subject, decide

SUBJECT = Subject(
    gym_id=1,
    plugin_id="p",
    active=True,
    plan=PlanTier.FREE,
    declared=frozenset({"notifications.send", "http.fetch", "payments.charge", "members.read"}),
    granted=frozenset({"use_notifications_send", "use_http_fetch", "use_payments_charge"}),
    http_hosts=frozenset({"api.example.com"}),
)


def reason(request: Request, subject: Subject = SUBJECT) -> DenyReason | None:
    decision = decide(subject, request)
    assert decision.allowed is (decision.reason is None)
    return decision.reason


def test_allowed_when_declared_granted_in_plan_and_not_health():
    assert reason(Request("notifications.send", Classification.PERSONAL, member_role="member")) is None
    assert reason(Request("http.fetch", Classification.INTERNAL, url="https://api.example.com/x?y=1")) is None
    assert reason(Request("http.fetch", Classification.INTERNAL, url="https://api.example.com:443/")) is None


def test_health_data_is_denied_before_anything_else():
    inactive = dataclasses.replace(SUBJECT, active=False)
    assert reason(Request("notifications.send", Classification.HEALTH), inactive) is DenyReason.HEALTH_DATA
    assert reason(Request("members.read", Classification.HEALTH)) is DenyReason.HEALTH_DATA


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Request("teleport", Classification.INTERNAL), DenyReason.UNKNOWN_CAPABILITY),
        (Request("storage.kv", Classification.INTERNAL), DenyReason.NOT_DECLARED),
        (Request("members.read", Classification.PERSONAL), DenyReason.NOT_GRANTED),
        (Request("payments.charge", Classification.PERSONAL), DenyReason.PLAN),
        (Request("notifications.send", Classification.PERSONAL, member_role=""), DenyReason.NOT_A_MEMBER),
        (Request("http.fetch", Classification.INTERNAL, url="http://api.example.com/"), DenyReason.EGRESS),
        (
            Request("http.fetch", Classification.INTERNAL, url="https://api.example.com:8443/"),
            DenyReason.EGRESS,
        ),
        (Request("http.fetch", Classification.INTERNAL, url="https://evil.test/"), DenyReason.EGRESS),
        (
            Request("http.fetch", Classification.INTERNAL, url="https://u:p@api.example.com/"),
            DenyReason.EGRESS,
        ),
        (
            Request("http.fetch", Classification.INTERNAL, url="https://api.example.com.evil.test/"),
            DenyReason.EGRESS,
        ),
    ],
)
def test_each_rule_denies(request_, expected):
    assert reason(request_) is expected


def test_inactive_installations_may_do_nothing_and_plans_unlock_capabilities():
    assert reason(
        Request("notifications.send", Classification.PERSONAL), dataclasses.replace(SUBJECT, active=False)
    ) is (DenyReason.NOT_ACTIVE)
    assert (
        reason(
            Request("payments.charge", Classification.PERSONAL),
            dataclasses.replace(SUBJECT, plan=PlanTier.PRO),
        )
        is None
    )


def test_egress_denials_are_marked_as_violations():
    assert decide(
        SUBJECT, Request("http.fetch", Classification.INTERNAL, url="https://evil.test/")
    ).egress_violation
    assert not decide(SUBJECT, Request("members.read", Classification.PERSONAL)).egress_violation
