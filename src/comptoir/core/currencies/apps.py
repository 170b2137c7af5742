from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
    name = "comptoir.core.currencies"
    label = "currencies"
    verbose_name = "Currencies"

    def ready(self) -> None:
        from comptoir.core.web.navigation import NavEntry, register

        register(
            NavEntry("settings", _("Currencies"), "currencies:currency_list", "currencies.view")
        )
