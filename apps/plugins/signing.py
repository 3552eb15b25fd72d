"""Ed25519 signatures over a manifest's canonical JSON (which carries every artifact's sha256).

The signed bytes are the manifest without its ``signature`` member, serialised with sorted keys
and no whitespace. Keys are raw 32-byte Ed25519 keys, exchanged as base64.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical_bytes(manifest: Mapping[str, Any]) -> bytes:
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def keypair_generate() -> tuple[str, str]:
    """A new key pair as (private, public), each base64 of the raw 32 bytes."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw_private).decode(), base64.b64encode(raw_public).decode()


def public_key_of(private_b64: str) -> str:
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    return base64.b64encode(
        private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ).decode()


def manifest_sign(manifest: Mapping[str, Any], *, key_id: str, private_b64: str) -> dict[str, Any]:
    """A copy of ``manifest`` with a fresh ``signature`` by ``key_id``."""
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    value = base64.b64encode(private.sign(canonical_bytes(manifest))).decode()
    out = {k: v for k, v in manifest.items() if k != "signature"}
    out["signature"] = {"key_id": key_id, "algorithm": "ed25519", "value": value}
    return out


def trusted_keys_from(config: Mapping[str, str]) -> dict[str, bytes]:
    """``{key_id: base64 public key}`` (settings) as ``{key_id: raw bytes}``; bad entries dropped."""
    out: dict[str, bytes] = {}
    for key_id, b64 in config.items():
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 32:
            out[key_id] = raw
    return out


def signature_problems(manifest: Mapping[str, Any], *, trusted_keys: Mapping[str, bytes]) -> list[str]:
    """Every reason the manifest's signature is not acceptable (empty: signed by a trusted key)."""
    signature = manifest.get("signature")
    if not isinstance(signature, dict):
        return ["signature: the manifest is not signed"]
    key_id, value = signature.get("key_id"), signature.get("value")
    if not isinstance(key_id, str) or not isinstance(value, str):
        return ["signature: key_id and value are required"]
    public = trusted_keys.get(key_id)
    if public is None:
        return [f"signature: key {key_id!r} is not trusted by this platform"]
    try:
        raw_signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return ["signature: value is not base64"]
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(raw_signature, canonical_bytes(manifest))
    except InvalidSignature:
        return ["signature: does not verify (the manifest was changed after signing, or the wrong key)"]
    return []
