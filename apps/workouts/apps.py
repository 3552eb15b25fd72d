from django.apps import AppConfig


class WorkoutsConfig(AppConfig):
    """Training: exercise library, programs, sessions, progression, metrics."""

    name = "apps.workouts"
    label = "workouts"
