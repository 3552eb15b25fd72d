"""Small template helpers of the health pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def answer(mapping: Any, key: str) -> Any:
    """``posted|answer:"g1"``: the value under ``key``, or None."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def humanize_value(value: str) -> str:
    return str(value).replace("_", " ").capitalize()
