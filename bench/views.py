"""The bare view the API is compared with: no database, no serializer, a constant JSON body."""

from django.http import HttpRequest, JsonResponse


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
