from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "comptoir.core.parties"
    label = "parties"
    verbose_name = "Parties"
