from django.apps import AppConfig


class TrainersConfig(AppConfig):
    """Trainer profiles, services, availability, bookings and reviews."""

    name = "apps.trainers"
    label = "trainers"
