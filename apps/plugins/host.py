"""Host functions: the only way a plugin reaches anything, each a policy enforcement point.

A sandboxed plugin calls ``call_host(name, args)``; the sandbox runner hands that to
``PluginHost.__call__`` in the host process. Each function asks the PDP, performs the work itself
(the plugin never gets a socket, a file or a query), and writes the audit log, allowed or not.
A refusal raises ``HostCallDenied`` (the plugin sees an error) and is counted for the threat
detector; egress to a host outside the manifest is counted separately.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.organizations.facade import api as organizations
from apps.plugins import pip
from apps.plugins.capabilities import Classification
from apps.plugins.models import AuditAction, PluginDatum, PluginInstallation, PluginNotice
from apps.plugins.policy import Decision, DenyReason, Request, Subject, decide
from apps.plugins.sandbox import HostCallDenied
from apps.plugins.services import audit_record

JSON = dict[str, Any]

# Member fields a plugin may read with ``members.read``, and names that would be health data.
MEMBER_FIELDS = frozenset({"id", "role", "full_name"})
HEALTH_WORDS = ("health", "medical", "clearance", "injur", "condition", "screening", "diagnos", "pregnan")
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
MAX_DATUM_BYTES = 16 * 1024
MAX_DATA_KEYS = 1000


def _is_health(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in HEALTH_WORDS)


class PluginHost:
    """The host functions of one installation for one hook call."""

    def __init__(
        self, *, installation: PluginInstallation, subject: Subject, hook: str, http_timeout_s: float = 5.0
    ) -> None:
        self.installation = installation
        self.subject = subject
        self.hook = hook
        # Outbound HTTP never outlives the hook's own wall time.
        self.http_timeout_s = min(5.0, http_timeout_s)
        self.denials = 0
        self.egress_violations = 0
        self._functions: dict[str, Callable[[JSON], JSON]] = {
            "http.fetch": self._http_fetch,
            "notifications.send": self._notifications_send,
            "members.get": self._members_get,
            "storage.get": self._storage_get,
            "storage.set": self._storage_set,
            "storage.delete": self._storage_delete,
        }

    # --- the enforcement point ------------------------------------------------------------

    def __call__(self, name: str, args: JSON) -> JSON:
        if not isinstance(args, dict):
            self._deny(name, Decision(False, None, "arguments must be an object"), {})
        if _is_health(name):
            self._check(name, Request(capability=name, classification=Classification.HEALTH), {})
        function = self._functions.get(name)
        if function is None:
            # Not a host function: a plugin trying names (a forged capability) is refused and audited.
            decision = decide(self.subject, Request(capability=name, classification=Classification.INTERNAL))
            if decision.allowed:
                decision = Decision(False, DenyReason.UNKNOWN_CAPABILITY, f"no host function {name!r}")
            self._deny(name, decision, {})
        return function(args)

    def _check(self, name: str, request: Request, detail: JSON) -> None:
        decision = decide(self.subject, request)
        if not decision.allowed:
            self._deny(name, decision, detail)
        audit_record(
            plugin_id=self.installation.plugin_id,
            installation_id=self.installation.pk,
            action=AuditAction.HOST_CALL,
            detail={"function": name, "hook": self.hook, **detail},
        )

    def _deny(self, name: str, decision: Decision, detail: JSON) -> NoReturn:
        self.denials += 1
        if decision.egress_violation:
            self.egress_violations += 1
        audit_record(
            plugin_id=self.installation.plugin_id,
            installation_id=self.installation.pk,
            action=AuditAction.DENIED,
            allowed=False,
            detail={
                "function": name[:100],
                "hook": self.hook,
                "reason": decision.reason.value if decision.reason else "invalid",
                "message": decision.message,
                **detail,
            },
        )
        raise HostCallDenied(decision.message)

    def _invalid(self, name: str, message: str) -> NoReturn:
        self._deny(name, Decision(False, None, message), {})

    # --- functions --------------------------------------------------------------------------

    def _member_id(self, name: str, args: JSON) -> UUID:
        try:
            return UUID(str(args.get("member_id")))
        except ValueError:
            self._invalid(name, "member_id must be a UUID")

    def _notifications_send(self, args: JSON) -> JSON:
        name = "notifications.send"
        member_id = self._member_id(name, args)
        title, body = args.get("title"), args.get("body")
        if (
            not isinstance(title, str)
            or not isinstance(body, str)
            or not title
            or len(title) > 200
            or len(body) > 2000
        ):
            self._invalid(name, "title (1-200 characters) and body (up to 2000) are required")
        role = pip.member_role(gym_id=self.subject.gym_id, member_id=member_id)
        request = Request(capability=name, classification=Classification.PERSONAL, member_role=role)
        self._check(name, request, {"member_id": str(member_id)})
        notice = PluginNotice.objects.create(
            plugin_id=self.installation.plugin_id,
            audience=PluginNotice.Audience.MEMBER,
            member_id=member_id,
            title=title,
            body=body,
        )
        return {"notice_id": str(notice.pk)}

    def _members_get(self, args: JSON) -> JSON:
        name = "members.get"
        member_id = self._member_id(name, args)
        fields = args.get("fields", ["id", "role", "full_name"])
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            self._invalid(name, "fields must be a list of names")
        if any(_is_health(f) for f in fields):
            self._check(name, Request(capability="members.read", classification=Classification.HEALTH), {})
        if unknown := sorted(set(fields) - MEMBER_FIELDS):
            self._invalid(name, f"unknown member fields {unknown}")
        role = pip.member_role(gym_id=self.subject.gym_id, member_id=member_id)
        request = Request(capability="members.read", classification=Classification.PERSONAL, member_role=role)
        self._check(name, request, {"member_id": str(member_id), "fields": sorted(fields)})
        # One membership by key (not the gym's whole member list).
        member = organizations.active_membership(gym_id=self.subject.gym_id, user_id=member_id)
        if member is None:  # removed between the role check and now
            self._deny(
                name, Decision(False, DenyReason.NOT_A_MEMBER, "that person is not a member of this gym"), {}
            )
        full: JSON = {"id": str(member.user_id), "role": member.role.value}
        if "full_name" in fields:
            full["full_name"] = _full_name(member.user_id)
        return {f: full[f] for f in fields}

    def _storage_key(self, name: str, args: JSON) -> str:
        key = args.get("key")
        if not isinstance(key, str) or not 0 < len(key) <= 200:
            self._invalid(name, "key must be a string of 1-200 characters")
        assert isinstance(key, str)
        self._check(
            name, Request(capability="storage.kv", classification=Classification.INTERNAL), {"key": key}
        )
        return key

    def _storage_get(self, args: JSON) -> JSON:
        key = self._storage_key("storage.get", args)
        row = PluginDatum.objects.filter(installation=self.installation, key=key).first()
        return {"found": row is not None, "value": None if row is None else row.value}

    def _storage_set(self, args: JSON) -> JSON:
        name = "storage.set"
        key = self._storage_key(name, args)
        value = args.get("value")
        if len(json.dumps(value)) > MAX_DATUM_BYTES:
            self._invalid(name, f"value is larger than {MAX_DATUM_BYTES} bytes")
        exists = PluginDatum.objects.filter(installation=self.installation, key=key).exists()
        if not exists and PluginDatum.objects.filter(installation=self.installation).count() >= MAX_DATA_KEYS:
            self._invalid(name, f"at most {MAX_DATA_KEYS} keys")
        PluginDatum.objects.update_or_create(
            installation=self.installation, key=key, defaults={"value": value, "updated_at": timezone.now()}
        )
        return {"stored": True}

    def _storage_delete(self, args: JSON) -> JSON:
        key = self._storage_key("storage.delete", args)
        deleted, _ = PluginDatum.objects.filter(installation=self.installation, key=key).delete()
        return {"deleted": bool(deleted)}

    def _http_fetch(self, args: JSON) -> JSON:
        name = "http.fetch"
        url, method = args.get("url"), str(args.get("method", "GET")).upper()
        headers, body = args.get("headers") or {}, args.get("body")
        if not isinstance(url, str) or len(url) > 2000 or method not in HTTP_METHODS:
            self._invalid(name, "url (string) and method (GET, POST, PUT, PATCH, DELETE) are required")
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            self._invalid(name, "headers must map strings to strings")
        if body is not None and not isinstance(body, str):
            self._invalid(name, "body must be a string")
        assert isinstance(url, str)
        parts = urlsplit(url)
        self._check(
            name,
            Request(capability=name, classification=Classification.INTERNAL, url=url),
            {"host": parts.hostname or "", "method": method},
        )
        base = settings.PLUGINS_HTTP_BASE_URL
        hostname = parts.hostname or ""
        send_headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        extensions: JSON = {}
        if base:
            target = base.rstrip("/") + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            send_headers["X-Plugin-Target-Host"] = hostname
        else:
            # Resolved once: the connection goes to the address that was checked, never to a
            # second answer of the name server (DNS rebinding). TLS still verifies the name.
            address = _public_address(hostname, parts.port or (443 if parts.scheme == "https" else 80))
            if address is None:
                message = f"{parts.hostname} does not resolve to a public address"
                self._deny(name, Decision(False, DenyReason.EGRESS, message), {"host": hostname})
            netloc = f"[{address}]" if ":" in address else address
            port = f":{parts.port}" if parts.port else ""
            target = urlunsplit((parts.scheme, netloc + port, parts.path or "/", parts.query, ""))
            send_headers["Host"] = hostname + port
            extensions["sni_hostname"] = hostname
        try:
            with (
                httpx.Client(timeout=self.http_timeout_s, follow_redirects=False) as client,
                client.stream(
                    method, target, headers=send_headers, content=body, extensions=extensions
                ) as response,
            ):
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > settings.PLUGINS_HTTP_MAX_BYTES:
                        return {"status": 0, "error": "response too large"}
                    chunks.append(chunk)
                return {
                    "status": response.status_code,
                    "content_type": response.headers.get("content-type", ""),
                    "body": b"".join(chunks).decode("utf-8", errors="replace"),
                }
        except httpx.HTTPError as exc:
            return {"status": 0, "error": type(exc).__name__}


def _full_name(user_id: UUID) -> str:
    """The person's display name, one row by primary key. The users facade offers no lookup by id,
    so this goes through Django's documented user-model accessor (no import of apps.users)."""
    user_model = get_user_model()
    name = user_model._default_manager.filter(pk=user_id).values_list("full_name", flat=True).first()
    return str(name or "")


def _public_address(hostname: str, port: int) -> str | None:
    """The address to connect to, when every address the name resolves to is a public one (no
    loopback, private or link-local: a manifest host pointed at the platform's own network would
    be SSRF); None otherwise. The caller connects to this address, not to the name."""
    try:
        infos = socket.getaddrinfo(hostname, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    addresses = [str(info[4][0]) for info in infos]
    try:
        if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
            return None
    except ValueError:  # a scoped or otherwise odd address: not vetted
        return None
    return addresses[0]
