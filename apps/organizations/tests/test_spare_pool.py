"""The spare-schema pool behind instant sign-up."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django_tenants.utils import schema_context, schema_exists

from apps.organizations.facade.contracts import GymStatus
from apps.organizations.models import Gym
from apps.organizations.services import _claim_spare, gym_pool_top_up, gym_spare_provision


@pytest.mark.django_db
def test_spares_are_cloned_from_the_migrated_template():
    spare = gym_spare_provision()
    assert spare.status == GymStatus.SPARE.value
    assert schema_exists(spare.schema_name)
    with schema_context(spare.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        (migrations,) = cursor.fetchone()
        cursor.execute("SELECT to_regclass('django_session') IS NOT NULL")
        (has_sessions,) = cursor.fetchone()
    assert migrations > 0
    assert has_sessions


@pytest.mark.django_db
def test_top_up_fills_to_the_target_and_no_further():
    existing = Gym.objects.filter(status=GymStatus.SPARE.value).count()
    created = gym_pool_top_up(target=existing + 2)
    assert created == 2
    assert Gym.objects.filter(status=GymStatus.SPARE.value).count() == existing + 2
    assert gym_pool_top_up(target=existing + 2) == 0


@pytest.fixture
def two_committed_spares(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        spares = [gym_spare_provision(), gym_spare_provision()]
        yield spares
        for spare in Gym.objects.filter(pk__in=[s.pk for s in spares]):
            spare.delete(force_drop=True)


def test_concurrent_claims_never_take_the_same_spare(two_committed_spares, django_db_blocker):
    with django_db_blocker.unblock():
        gyms_before = Gym.objects.count()
    claimed: list[int] = []
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            with django_db_blocker.unblock(), transaction.atomic():
                ready.wait(timeout=10)
                gym = _claim_spare()
                claimed.append(gym.pk)
                ready.wait(timeout=10)  # hold the row lock until both have claimed
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(claimed) == 2
    assert len(set(claimed)) == 2
    with django_db_blocker.unblock():
        assert Gym.objects.count() == gyms_before  # both came from the pool, none was provisioned
