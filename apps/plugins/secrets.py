"""Plugin secrets at rest: AES-256-GCM through the platform key ring (``apps.common.crypto``),
bound to the installation by associated data, so a sealed value copied onto another
installation does not decrypt. Fails closed: no key ring, no secrets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from apps.common import crypto


def secrets_seal(values: Mapping[str, Any], *, aad: bytes) -> str:
    return crypto.encrypt_text(json.dumps(dict(values), sort_keys=True).encode(), aad=aad)


def secrets_open(sealed: str, *, aad: bytes) -> dict[str, Any]:
    value = json.loads(crypto.decrypt_text(sealed, aad=aad))
    if not isinstance(value, dict):
        raise crypto.DecryptionError("sealed plugin secrets are not an object")
    return value
