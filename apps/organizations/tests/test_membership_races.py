"""A gym keeps an owner even when two owners are demoted at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from apps.organizations.facade.contracts import MembershipStatus, Role
from apps.organizations.models import Membership
from apps.organizations.services import membership_change


def in_own_connection(django_db_blocker, func):
    """Run ``func`` in a thread, so on its own autocommit connection: committed at once and
    outside the test's rolled-back transaction."""
    result = {}

    def run():
        try:
            with django_db_blocker.unblock():
                result["value"] = func()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result["value"]


@pytest.fixture
def two_owners_of_gym_b(world, django_db_blocker):
    """Gym B with two committed owners (its owner and its admin promoted); restored after."""

    def promote():
        rows = {
            key: Membership.objects.get(gym_id=world.b.id, user_id=world.b.people[key].id)
            for key in ("owner", "admin")
        }
        Membership.objects.filter(pk=rows["admin"].pk).update(role=Role.OWNER.value)
        return rows

    def restore():
        Membership.objects.filter(pk=rows["owner"].pk).update(role="owner", status="active")
        Membership.objects.filter(pk=rows["admin"].pk).update(role="admin", status="active")

    rows = in_own_connection(django_db_blocker, promote)
    yield rows
    in_own_connection(django_db_blocker, restore)


@pytest.mark.django_db
def test_concurrent_demotions_leave_one_owner(world, two_owners_of_gym_b, django_db_blocker):
    """The first demotion is made and held uncommitted while the second runs: the second must
    wait for it and then see a single owner left, not count the first one's owner as active."""
    first_changed = threading.Event()
    second_finished = threading.Event()
    outcomes: dict[str, str] = {}

    def demote(key: str) -> None:
        membership_change(
            membership=two_owners_of_gym_b[key],
            actor_role=Role.OWNER,
            actor_id=world.b.people["owner"].id,
            role=Role.MEMBER,
        )

    def first() -> None:
        try:
            with django_db_blocker.unblock(), transaction.atomic():
                demote("owner")
                outcomes["first"] = "demoted"
                first_changed.set()
                second_finished.wait(timeout=3)  # hold the change uncommitted for a while
        finally:
            first_changed.set()
            connections.close_all()

    def second() -> None:
        first_changed.wait(timeout=10)
        try:
            with django_db_blocker.unblock():
                demote("admin")
                outcomes["second"] = "demoted"
        except ValidationError as exc:
            outcomes["second"] = str(exc.message_dict["role"][0])
        finally:
            second_finished.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert outcomes == {"first": "demoted", "second": "A gym needs at least one active owner."}
    owners = in_own_connection(
        django_db_blocker,
        lambda: Membership.objects.filter(
            gym_id=world.b.id, role=Role.OWNER.value, status=MembershipStatus.ACTIVE.value
        ).count(),
    )
    assert owners == 1
