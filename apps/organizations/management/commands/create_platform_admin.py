"""Create (or reset) a platform staff account for the Django admin on the public host."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or update a platform staff superuser: --email and --password are required."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        email = options["email"].strip().lower()
        if "@" not in email:
            raise CommandError(f"'{email}' is not an email address.")
        user = user_model.objects.filter(email__iexact=email).first() or user_model(email=email)
        try:
            validate_password(options["password"], user=user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(options["password"])
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Platform admin {email} ready."))
