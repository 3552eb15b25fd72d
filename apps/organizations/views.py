"""Public-host pages of the organizations context: gym sign-up."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.organizations.forms import SignUpForm
from apps.organizations.services import gym_sign_up
from apps.users.facade.api import request_meta


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gym = gym_sign_up(**form.cleaned_data, meta=request_meta(request))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            port = request.get_port()
            suffix = f":{port}" if port not in ("80", "443") else ""
            url = f"{request.scheme}://{gym.subdomain}.{settings.PLATFORM_DOMAIN}{suffix}/login/"
            return render(request, "public/signup_done.html", {"gym": gym, "login_url": url}, status=201)
    return render(request, "public/signup.html", {"form": form}, status=400 if form.errors else 200)
