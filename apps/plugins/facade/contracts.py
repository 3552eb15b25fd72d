"""What other layers may know about plugin answers. No Django imports here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ServiceAnswer:
    """One installed plugin's answer to a service hook (``outcome`` "ok" or why not)."""

    plugin_id: str
    outcome: str
    value: dict[str, Any] = field(default_factory=dict)
