"""A test-only tenant model with one field of each encrypted type."""

from __future__ import annotations

import uuid

from django.db import models

from apps.common.fields import (
    EncryptedBooleanField,
    EncryptedDateField,
    EncryptedDecimalField,
    EncryptedJSONField,
    EncryptedTextField,
)


class Secret(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = models.CharField(max_length=50, blank=True)
    note = EncryptedTextField(blank=True, default="")
    data = EncryptedJSONField(default=dict)
    flag = EncryptedBooleanField(null=True, blank=True)
    day = EncryptedDateField(null=True, blank=True)
    amount = EncryptedDecimalField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label or str(self.id)
