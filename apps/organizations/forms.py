from __future__ import annotations

from django import forms


class SignUpForm(forms.Form):
    """The public sign-up form. Field rules beyond shape (reserved and taken subdomains, password
    strength) belong to ``services.gym_sign_up``, whose errors the view attaches to these fields."""

    name = forms.CharField(
        label="Gym name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    subdomain = forms.CharField(
        label="Gym address",
        max_length=63,
        help_text="Letters, digits and hyphens, 3 to 63 characters.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    owner_full_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    owner_email = forms.EmailField(
        label="Your email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    owner_password = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        help_text="At least 12 characters; not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # Errors keyed by a bare account field (as users.user_create raises them) belong to the owner's.
    SERVICE_FIELDS = {"email": "owner_email", "password": "owner_password", "full_name": "owner_full_name"}

    def add_service_errors(self, message_dict: dict[str, list[str]]) -> None:
        """Attach ``ValidationError.message_dict`` from the sign-up service to the right fields."""
        for key, messages in message_dict.items():
            field = self.SERVICE_FIELDS.get(key, key)
            self.add_error(field if field in self.fields else None, messages)

    def describe_errors(self) -> None:
        """Point each invalid input at its help text and error message (``aria-describedby``),
        so screen readers read the error with the field."""
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)
