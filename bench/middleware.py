"""GymRoutingMiddleware resolving every request from the database, to price the route cache."""

from __future__ import annotations

from apps.edge.middleware import GymRoutingMiddleware
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymRoute


class UncachedGymRoutingMiddleware(GymRoutingMiddleware):
    def resolve(self, host: str) -> GymRoute | None:
        return organizations.route_for_host_uncached(host=host)
