from __future__ import annotations

from django import forms


class SignUpForm(forms.Form):
    name = forms.CharField(label="Gym name", max_length=120)
    subdomain = forms.CharField(
        max_length=63,
        help_text="Letters, digits and hyphens; your gym's address.",
    )
    owner_full_name = forms.CharField(label="Your name", max_length=150, required=False)
    owner_email = forms.EmailField(label="Your email", max_length=254)
    owner_password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        max_length=128,
        help_text="At least 12 characters; not a common password.",
    )
