"""Encrypted model fields on a real tenant table (the test-only ``crypto_test`` app)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import isolate_apps
from django_tenants.utils import schema_context

from apps.common.api.exceptions import api_exception_handler
from apps.common.fields import FieldDecryptionError, Sealed
from apps.common.tests.crypto_app.models import Secret

pytestmark = pytest.mark.django_db

OTHER_KEY = base64.b64encode(b"9" * 32).decode()


def _raw(schema: str, pk: uuid.UUID) -> dict[str, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT note, data, flag, day, amount FROM "{schema}".crypto_test_secret WHERE id = %s',  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return dict(zip(["note", "data", "flag", "day", "amount"], row, strict=True))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flag", False),
        ("flag", True),
        ("data", 0),
        ("data", ""),
        ("data", False),
        ("data", {}),
        ("data", []),
        ("data", None),
        ("data", {"diagnosis": "asthma", "severity": 2, "ok": False}),
        ("note", ""),
        ("note", "ünïcode ✓ asthma"),
        ("day", dt.date(2026, 2, 28)),
        ("amount", Decimal("0")),
        ("amount", Decimal("-12.50")),
    ],
)
def test_falsy_and_ordinary_values_round_trip_and_are_never_null(gym_a, field, value):
    with schema_context(gym_a.schema_name):
        row = Secret(**{field: value})
        row.save()
        stored = _raw(gym_a.schema_name, row.pk)[field]
        assert stored is not None
        assert stored.startswith("test1:")
        loaded = Secret.objects.get(pk=row.pk)
        assert getattr(loaded, field) == value
        assert type(getattr(loaded, field)) is type(value)


def test_sql_null_stays_null_for_nullable_fields(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(flag=None, day=None, amount=None)
        raw = _raw(gym_a.schema_name, row.pk)
        assert (raw["flag"], raw["day"], raw["amount"]) == (None, None, None)
        loaded = Secret.objects.get(pk=row.pk)
        assert (loaded.flag, loaded.day, loaded.amount) == (None, None, None)


def test_raw_sql_shows_no_plaintext_and_no_json_keys(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(
            note="takes salbutamol",
            data={"condition": "asthma"},
            day=dt.date(1990, 5, 17),
            amount=Decimal("81.5"),
        )
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{gym_a.schema_name}".crypto_test_secret WHERE id = %s', [row.pk])  # noqa: S608
            dump = repr(cursor.fetchone())
    for plaintext in ("salbutamol", "condition", "asthma", "1990", "81.5"):
        assert plaintext not in dump


def test_a_value_copied_to_another_row_fails_to_decrypt(gym_a):
    with schema_context(gym_a.schema_name):
        source = Secret.objects.create(note="source secret")
        target = Secret.objects.create(note="target")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE crypto_test_secret SET note = (SELECT note FROM crypto_test_secret WHERE id = %s) "
                "WHERE id = %s",
                [source.pk, target.pk],
            )
        loaded = Secret.objects.get(pk=target.pk)
        with pytest.raises(FieldDecryptionError, match=rf"crypto_test.Secret.note of row {target.pk}"):
            _ = loaded.note
        assert Secret.objects.get(pk=source.pk).note == "source secret"


def test_a_value_copied_to_another_field_fails_to_decrypt(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="hello", data="hello")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE crypto_test_secret SET data = note WHERE id = %s", [row.pk])
        with pytest.raises(FieldDecryptionError, match=r"crypto_test\.Secret\.data"):
            _ = Secret.objects.get(pk=row.pk).data


def test_a_row_copied_to_another_gym_with_the_same_id_fails_to_decrypt(gym_a, gym_b):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="gym a only", data={"x": 1})
        raw = _raw(gym_a.schema_name, row.pk)
    with schema_context(gym_b.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crypto_test_secret (id, label, note, data) VALUES (%s, '', %s, %s)",
            [row.pk, raw["note"], raw["data"]],
        )
        copied = Secret.objects.get(pk=row.pk)
        with pytest.raises(FieldDecryptionError, match="does not authenticate"):
            _ = copied.note
        with pytest.raises(FieldDecryptionError):
            _ = copied.data


def test_wrong_key_fails_closed_and_never_returns_ciphertext(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="secret note")
        with override_settings(ENCRYPTION_KEYS=f"test1:{OTHER_KEY}"):
            loaded = Secret.objects.get(pk=row.pk)
            with pytest.raises(FieldDecryptionError, match="wrong key"):
                _ = loaded.note
            with pytest.raises(FieldDecryptionError):  # still sealed on the second try
                _ = loaded.note


def test_missing_key_fails_closed_with_a_clear_error(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="secret note")
        with override_settings(ENCRYPTION_KEYS=""):
            loaded = Secret.objects.get(pk=row.pk)
            with pytest.raises(FieldDecryptionError, match="No encryption keys: set GYM_ENCRYPTION_KEYS"):
                _ = loaded.note
            from apps.common.crypto import KeyRingError

            with pytest.raises(KeyRingError), transaction.atomic():
                Secret.objects.create(note="cannot be written")
        assert Secret.objects.filter(pk=row.pk).count() == 1
        assert Secret.objects.count() == 1


def test_unknown_key_version_names_the_version(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="x")
        with (
            override_settings(ENCRYPTION_KEYS=f"v7:{OTHER_KEY}", ENCRYPTION_CURRENT_KEY=""),
            pytest.raises(FieldDecryptionError, match="Unknown encryption key version 'test1'"),
        ):
            _ = Secret.objects.get(pk=row.pk).note


def test_api_answers_a_decryption_failure_with_a_clear_503(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="x")
        with override_settings(ENCRYPTION_KEYS=f"test1:{OTHER_KEY}"):
            loaded = Secret.objects.get(pk=row.pk)
            with pytest.raises(FieldDecryptionError) as info:
                _ = loaded.note
    response = api_exception_handler(info.value, {})
    assert response is not None
    assert response.status_code == 503
    assert response.data["error"]["code"] == "decryption_failed"
    assert response.data["error"]["message"] == (
        "This record cannot be decrypted right now; the platform team has been alerted."
    )
    assert "test1" not in repr(response.data)


def test_update_and_lookups_on_encrypted_values_are_refused(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="x")
        with pytest.raises(TypeError, match=r"crypto_test\.Secret\.note is encrypted"), transaction.atomic():
            Secret.objects.filter(pk=row.pk).update(note="plaintext")
        with pytest.raises(TypeError, match="do not filter on its value"), transaction.atomic():
            list(Secret.objects.filter(note="x"))
        assert Secret.objects.filter(note__isnull=False).count() == 1


def test_values_queries_return_sealed_placeholders_not_ciphertext(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="x")
        (value,) = Secret.objects.filter(pk=row.pk).values_list("note", flat=True)
        assert isinstance(value, Sealed)
        assert str(value) == "<encrypted value>"
        assert value.key_id == "test1"


def test_deferred_encrypted_field_loads_and_decrypts(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="deferred", label="l")
        loaded = Secret.objects.only("label").get(pk=row.pk)
        assert loaded.note == "deferred"


def test_resaving_reencrypts_with_a_fresh_nonce_and_keeps_the_value(gym_a):
    with schema_context(gym_a.schema_name):
        row = Secret.objects.create(note="same")
        first = _raw(gym_a.schema_name, row.pk)["note"]
        loaded = Secret.objects.get(pk=row.pk)
        loaded.label = "changed"
        loaded.save()
        assert _raw(gym_a.schema_name, row.pk)["note"] != first
        assert Secret.objects.get(pk=row.pk).note == "same"


def test_invalid_values_are_refused_by_validation(gym_a):
    from django.core.exceptions import ValidationError

    row = Secret(day="yesterday", amount="lots")
    with schema_context(gym_a.schema_name), pytest.raises(ValidationError) as info:
        row.full_clean()
    assert info.value.message_dict == {"day": ["Enter a date as YYYY-MM-DD."], "amount": ["Enter a number."]}


@isolate_apps("apps.common.tests.crypto_app")
def test_system_check_requires_a_uuid_primary_key():
    from django.db import models

    from apps.common.fields import EncryptedTextField

    class Bad(models.Model):  # noqa: DJ008
        secret = EncryptedTextField()

        class Meta:
            app_label = "crypto_test"

    ids = [e.id for e in Bad._meta.get_field("secret").check()]
    assert ids == ["common.E001"]
    assert Secret._meta.get_field("note").check() == []


def test_associated_data_names_schema_app_model_field_and_row():
    field = Secret._meta.get_field("note")
    pk = uuid.UUID("6f1c0000-0000-0000-0000-000000000001")
    assert field.aad(schema="gym_x", pk=pk) == (
        b'["gymstack.field.v1","gym_x","crypto_test","secret","note","6f1c0000-0000-0000-0000-000000000001"]'
    )
    assert field.aad(schema="gym_y", pk=pk) != field.aad(schema="gym_x", pk=pk)
