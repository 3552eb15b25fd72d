"""Celery tasks that belong to one gym.

tenant-schemas-celery switches the worker's connection to the schema named in the message
headers; a message without one would silently run in ``public``. ``tenant_task`` refuses that:
the task fails instead of reading or writing the wrong schema (SECURITY.md 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task
from tenant_schemas_celery.app import get_schema_name_from_task

from apps.common.tenancy import current_schema

F = TypeVar("F", bound=Callable[..., Any])


class MissingTenantError(RuntimeError):
    pass


def require_tenant(task: Any) -> str:
    """The gym schema named in the task's message, which the connection must be set to.

    Reads the header itself rather than trusting the connection: a worker's connection may
    still point at whichever schema the previous task used.
    """
    schema = get_schema_name_from_task(task, {})
    if not schema or schema == "public":
        raise MissingTenantError("This task must run for a gym, but its message names no gym schema.")
    if current_schema() != schema:
        raise MissingTenantError(f"Task for {schema!r} found the connection on {current_schema()!r}.")
    return str(schema)


def tenant_task(name: str, **options: Any) -> Callable[[F], Any]:
    """``@tenant_task("workouts.recompute")``: a shared task that only runs inside a gym."""

    def wrap(func: F) -> Any:
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            require_tenant(self)
            return func(*args, **kwargs)

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        run.__module__ = func.__module__
        run.__qualname__ = func.__qualname__
        return shared_task(name=name, bind=True, **options)(run)  # type: ignore[no-untyped-call]

    return wrap
