"""Model fields encrypted with AES-256-GCM in the application (SECURITY.md 23, ADR 0013).

Every value, including ``False``, ``0``, ``""``, ``{}`` and JSON ``null`` in a non-null column,
is stored as ciphertext (``<key id>:<base64>`` in a ``text`` column); only SQL ``NULL`` (``None``
in a ``null=True`` field) stays ``NULL``. A JSON value is encrypted whole, keys included.

The associated data binds each value to its place: schema, app label, model, field and the
row's primary key. A value copied to another row, field or gym fails to decrypt. So the model's
primary key must be known before the first save: a ``UUIDField(primary_key=True,
default=uuid.uuid4)`` (a system check enforces it).

Values are decrypted lazily, on first access of the attribute, and cached on the instance;
a value that cannot be decrypted raises ``FieldDecryptionError`` (a ``DecryptionError``) at that
access and never yields ciphertext. The API turns it into a 503 with code ``decryption_failed``
(``apps.common.api.exceptions``).

Writes go through ``Model.save()`` (or ``bulk_create``): ``QuerySet.update()`` with a plaintext
value and lookups on the encrypted value (``filter(notes="x")``) are refused, since neither has
a row to bind to and ciphertext cannot be compared. ``.values()``/``.values_list()`` return
``Sealed`` placeholders, not plaintext: read encrypted fields through model instances.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.core import checks, exceptions
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from apps.common import crypto
from apps.common.tenancy import current_schema

PUBLIC_SCHEMA = "public"


class FieldDecryptionError(crypto.DecryptionError):
    """A stored field value could not be decrypted (wrong or missing key, tampered, or copied
    from another row or gym). Carries where, never what."""

    def __init__(self, *, label: str, pk: Any, reason: str) -> None:
        self.label = label
        self.pk = pk
        super().__init__(f"Cannot decrypt {label} of row {pk}: {reason}")


class Sealed:
    """A stored value not yet decrypted, with the schema it was read from."""

    __slots__ = ("schema", "text")

    def __init__(self, text: str, schema: str) -> None:
        self.text = text
        self.schema = schema

    def __repr__(self) -> str:
        return "<encrypted value>"

    __str__ = __repr__

    @property
    def key_id(self) -> str:
        return crypto.text_key_id(self.text)


class Ciphertext(str):
    """A value already encrypted for its row: written to the column as is (key rotation)."""

    __slots__ = ()


class _EncryptedAttribute(DeferredAttribute):
    """Decrypts on first access (with the instance's primary key), caches the plaintext."""

    field: EncryptedField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        name = self.field.attname
        value = instance.__dict__[name] if name in instance.__dict__ else super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(value, instance)
            instance.__dict__[name] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.Field):  # type: ignore[type-arg]
    """Base class: subclasses say how a Python value becomes bytes and back."""

    descriptor_class = _EncryptedAttribute
    description = "An encrypted value"

    # --- subclasses
    def encode_plain(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode_plain(self, data: bytes) -> Any:
        raise NotImplementedError

    # --- storage
    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str:
        return "text"

    @cached_property
    def _shared_only(self) -> bool:
        """Models of apps only in SHARED_APPS live in ``public`` whatever the connection's schema."""
        app = self.model._meta.app_config
        name = app.name if app is not None else ""
        return name in settings.SHARED_APPS and name not in getattr(settings, "TENANT_APPS", [])

    def schema_for(self, schema: str) -> str:
        return PUBLIC_SCHEMA if self._shared_only else schema

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    @cached_property
    def _aad_prefixes(self) -> dict[str, bytes]:
        return {}

    def aad(self, *, schema: str, pk: Any) -> bytes:
        """The associated data: where the value lives, as the JSON list
        ``["gymstack.field.v1", schema, app label, model, field, pk]``. Not stored; rebuilt on
        every read (the part before the pk is cached per schema)."""
        prefix = self._aad_prefixes.get(schema)
        if prefix is None:
            meta = self.model._meta
            place = ["gymstack.field.v1", self.schema_for(schema), meta.app_label, meta.model_name, self.name]
            prefix = json.dumps(place, separators=(",", ":")).encode()[:-1] + b","
            self._aad_prefixes[schema] = prefix
        return prefix + json.dumps(str(pk)).encode() + b"]"

    def seal(self, value: Any, *, schema: str, pk: Any) -> Ciphertext:
        """Encrypt ``value`` for the row ``pk`` in ``schema``."""
        if pk is None:
            raise ValueError(f"{self.label}: assign the primary key before saving an encrypted value.")
        data = self.encode_plain(value)
        return Ciphertext(crypto.encrypt_text(data, aad=self.aad(schema=schema, pk=pk)))

    def open(self, sealed: Sealed, instance: Any) -> Any:
        """Decrypt a stored value of ``instance``. Raises ``FieldDecryptionError``."""
        try:
            data = crypto.decrypt_text(sealed.text, aad=self.aad(schema=sealed.schema, pk=instance.pk))
        except crypto.EncryptionError as exc:
            raise FieldDecryptionError(label=self.label, pk=instance.pk, reason=str(exc)) from None
        try:
            return self.decode_plain(data)
        except (ValueError, UnicodeDecodeError, InvalidOperation):
            raise FieldDecryptionError(
                label=self.label, pk=instance.pk, reason="the decrypted value has the wrong type"
            ) from None

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None or isinstance(value, Ciphertext):
            return value
        return self.seal(value, schema=current_schema(), pk=model_instance.pk)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or isinstance(value, Ciphertext):
            return None if value is None else str(value)
        raise TypeError(
            f"{self.label} is encrypted: write it with Model.save(), and do not filter on its value."
        )

    def get_prep_value(self, value: Any) -> Any:
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return Sealed(value, getattr(connection, "schema_name", PUBLIC_SCHEMA))

    def value_to_string(self, obj: Any) -> str:
        # Serialization (dumpdata, change logs) never carries the plaintext.
        return "[encrypted]"

    # --- checks
    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = [*super().check(**kwargs)]
        pk = self.model._meta.pk
        if not isinstance(pk, models.UUIDField) or not pk.has_default():
            errors.append(
                checks.Error(
                    "A model with encrypted fields needs a UUID primary key with a default, "
                    "so the key exists before the first save.",
                    obj=self,
                    id="common.E001",
                )
            )
        if self.unique or getattr(self, "db_index", False):
            errors.append(
                checks.Error("Encrypted fields cannot be unique or indexed.", obj=self, id="common.E002")
            )
        return errors


class EncryptedTextField(EncryptedField):
    description = "Encrypted text"

    def encode_plain(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode_plain(self, data: bytes) -> str:
        return data.decode("utf-8")

    def to_python(self, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else str(value)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or forms.CharField,
            choices_form_class=choices_form_class,
            **{"widget": forms.Textarea, **kwargs},
        )


class EncryptedJSONField(EncryptedField):
    """Any JSON value, encrypted whole (keys included). Decimals and dates come back as strings."""

    description = "Encrypted JSON"
    empty_values: list[Any] = [None]

    def encode_plain(self, value: Any) -> bytes:
        return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")).encode("utf-8")

    def decode_plain(self, data: bytes) -> Any:
        return json.loads(data)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None and not self.null:
            # JSON null in a column that cannot be NULL is a value like any other.
            return self.seal(None, schema=current_schema(), pk=model_instance.pk)
        return super().pre_save(model_instance, add)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            json.dumps(value, cls=DjangoJSONEncoder)
        except TypeError as exc:
            raise exceptions.ValidationError("Value must be valid JSON.", code="invalid") from exc

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or forms.JSONField, choices_form_class=choices_form_class, **kwargs
        )


class EncryptedBooleanField(EncryptedField):
    description = "Encrypted boolean"
    empty_values: list[Any] = [None]

    def encode_plain(self, value: Any) -> bytes:
        return b"1" if bool(value) else b"0"

    def decode_plain(self, data: bytes) -> bool:
        if data not in (b"0", b"1"):
            raise ValueError("not a boolean")
        return data == b"1"

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if value in ("t", "True", "true", "1", 1):
            return True
        if value in ("f", "False", "false", "0", 0):
            return False
        raise exceptions.ValidationError("Must be true or false.", code="invalid")

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        default = forms.NullBooleanField if self.null else forms.BooleanField
        return super().formfield(
            form_class=form_class or default,
            choices_form_class=choices_form_class,
            **{"required": False, **kwargs},
        )


class EncryptedDateField(EncryptedField):
    description = "Encrypted date"

    def encode_plain(self, value: Any) -> bytes:
        day: dt.date = self.to_python(value)
        return day.isoformat().encode("ascii")

    def decode_plain(self, data: bytes) -> dt.date:
        return dt.date.fromisoformat(data.decode("ascii"))

    def to_python(self, value: Any) -> Any:
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise exceptions.ValidationError("Enter a date as YYYY-MM-DD.", code="invalid")

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or forms.DateField, choices_form_class=choices_form_class, **kwargs
        )


class EncryptedDecimalField(EncryptedField):
    description = "Encrypted decimal"

    def encode_plain(self, value: Any) -> bytes:
        return str(self.to_python(value)).encode("ascii")

    def decode_plain(self, data: bytes) -> Decimal:
        return Decimal(data.decode("ascii"))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, int | str) and not isinstance(value, bool):
            try:
                result = Decimal(value)
            except InvalidOperation:
                pass
            else:
                if result.is_finite():
                    return result
        raise exceptions.ValidationError("Enter a number.", code="invalid")

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or forms.DecimalField, choices_form_class=choices_form_class, **kwargs
        )


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    """The encrypted concrete fields of a model."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
