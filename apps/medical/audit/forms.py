from __future__ import annotations

from typing import Any

from django import forms

from apps.medical.audit.contracts import ALL_ACTIONS, EntryKind


class AuditFilterForm(forms.Form):
    subject = forms.UUIDField(required=False, label="Member id")
    actor = forms.UUIDField(required=False, label="Actor id")
    action = forms.ChoiceField(required=False, choices=[("", "any"), *((a, a) for a in ALL_ACTIONS)])
    kind = forms.ChoiceField(required=False, choices=[("", "any"), *((k.value, k.value) for k in EntryKind)])
    since = forms.DateTimeField(required=False, label="From")
    until = forms.DateTimeField(required=False, label="Before")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", "Must be after From.")
        return data
