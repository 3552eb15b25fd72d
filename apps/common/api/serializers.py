"""Serializer bases shared by every context's API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StrictFieldsMixin:
    # Refuses writes that carry fields the serializer does not accept (400 naming them), so a
    # typo or a mass-assignment attempt is never silently ignored. (A comment, not a docstring:
    # drf-spectacular would copy a docstring into every request schema that inherits it.)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            fields = self.fields  # type: ignore[attr-defined]
            writable = {
                name
                for name, field in fields.items()
                if not field.read_only  # type: ignore[attr-defined]
            }
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in unknown})
        elif data is not None and not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):  # type: ignore[type-arg]
    pass
