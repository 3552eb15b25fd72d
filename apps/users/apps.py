from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Identity: one global account per person, API tokens, security events."""

    name = "apps.users"
    label = "users"

    def ready(self) -> None:
        from apps.users import auth_events

        auth_events.connect()
