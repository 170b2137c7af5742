from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class EventsConfig(AppConfig):
    name = "comptoir.core.events"
    label = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from comptoir.core.web.navigation import NavEntry, register

        register(NavEntry("settings", _("Periodic jobs"), "events:schedule_list", "events.view"))
        # Every app's handlers.py registers its subscribers on import.
        autodiscover_modules("handlers")
