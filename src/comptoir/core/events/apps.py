from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class EventsConfig(AppConfig):
    name = "comptoir.core.events"
    label = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        # Every app's handlers.py registers its subscribers on import.
        autodiscover_modules("handlers")
