from django.apps import AppConfig


class CurrenciesConfig(AppConfig):
    name = "comptoir.core.currencies"
    label = "currencies"
    verbose_name = "Currencies"
