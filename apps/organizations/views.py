"""Pages of the organizations context: gym sign-up on the public host."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.organizations.forms import SignUpForm
from apps.organizations.routing import gym_url
from apps.organizations.services import gym_sign_up
from apps.users.facade.api import request_meta


def credentials_checker(request: HttpRequest) -> Callable[[str, str], bool]:
    """Check an existing account's password through Django's ``authenticate``, so django-axes
    counts failures (and locks the email and IP out after five) and a failed sign-in is
    recorded, as on every other credential entry point."""

    def check(email: str, password: str) -> bool:
        return authenticate(request, username=email, password=password) is not None

    return check


@never_cache
def sign_up(request: HttpRequest) -> HttpResponse:
    """Public host: sign a gym up; on success link to its sign-in page. 400 with the messages
    next to their fields when anything is wrong."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gym = gym_sign_up(
                **form.cleaned_data,
                meta=request_meta(request),
                verify_existing_owner=credentials_checker(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            url = gym_url(request, gym.subdomain or "", "/login/")
            return render(
                request,
                "public/signup_done.html",
                {"new_gym_name": gym.name, "login_url": url, "owner_email": form.cleaned_data["owner_email"]},
                status=201,
            )
    form.describe_errors()
    return render(
        request,
        "public/signup.html",
        {"form": form, "platform_domain": settings.PLATFORM_DOMAIN},
        status=400 if form.errors else 200,
    )
