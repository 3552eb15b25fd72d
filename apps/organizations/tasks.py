"""Celery entrypoints of the organizations context."""

from __future__ import annotations

from celery import shared_task

from apps.organizations.services import gym_pool_top_up


@shared_task(name="organizations.top_up_spare_gyms", ignore_result=True)
def top_up_spare_gyms() -> int:
    return gym_pool_top_up()
